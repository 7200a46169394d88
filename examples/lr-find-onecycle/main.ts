/**
 * Find a learning rate with the LR range test (Smith 2017; fastai's `lr_find`), then train with the
 * one-cycle policy (Smith & Topin 2019) at that maximum learning rate — the lecture's "Towards
 * improving SGDM". Three runs from the same initial weights compare one-cycle at the suggested
 * maximum lr with a constant lr at the same value and with one-cycle at a 100× smaller maximum.
 *
 * Run: `node --import tsx --conditions=source examples/lr-find-onecycle/main.ts`
 * @module
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Rng, tensor, type Tensor } from '@descent/tensor';
import { Linear, ReLU, Sequential } from '@descent/layers';
import {
  Trainer, lrRangeSvg, lrRangeTest, snapshotModel, snapshotsEqual, type History, type LrRangeResult, type SchedulerSpec,
} from '@descent/optim';

/** Options of {@link main}.
 * @example
 * ```ts
 * const o: LrFindOneCycleOptions = { samples: 300, epochs: 5, rangeSteps: 60, log: false };
 * ```
 */
export interface LrFindOneCycleOptions {
  /** Training samples (default 900; the validation set has a third as many). */
  samples?: number;
  /** Epochs of each training run (default 10). */
  epochs?: number;
  /** Mini-batches of the range test (default 100). */
  rangeSteps?: number;
  /** Seed of the data, the weights and the trainers (default 0). */
  seed?: number;
  /** Write the range test's plot (SVG) to this file. */
  svgPath?: string;
  /** Where the result lines go (default console.log); false for silence. */
  log?: ((line: string) => void) | false;
}

/** One training run of {@link main}.
 * @example
 * ```ts
 * const run: TrainingRun = main({ log: false }).runs.onecycle;
 * ```
 */
export interface TrainingRun {
  maxLr: number;
  valLoss: number;
  valAccuracy: number;
  history: History;
}

/** What {@link main} returns.
 * @example
 * ```ts
 * const { suggestion, runs, modelUnchanged } = main({ log: false });
 * ```
 */
export interface LrFindOneCycleResult {
  /** The range test's series and suggestions. */
  range: LrRangeResult;
  /** The maximum lr used for one-cycle: the steepest-descent suggestion. */
  suggestion: number;
  /** Whether the model was bit-identical before and after the range test. */
  modelUnchanged: boolean;
  runs: { onecycle: TrainingRun; constant: TrainingRun; onecycleTooSmall: TrainingRun };
}

/** Five Gaussian classes on a ring in the plane.
 * @example
 * ```ts
 * const { x, y } = ring(100, new Rng(0));
 * ```
 */
export function ring(n: number, rng: Rng, classes = 5): { x: Tensor; y: number[] } {
  const xs: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % classes;
    const a = (2 * Math.PI * c) / classes;
    xs.push([2 * Math.cos(a) + 0.8 * rng.normal(), 2 * Math.sin(a) + 0.8 * rng.normal()]);
    y.push(c);
  }
  return { x: tensor(xs, { dtype: 'float64' }), y };
}

/** Run the range test, then the three training runs.
 * @example
 * ```ts
 * import { main } from './examples/lr-find-onecycle/main.js';
 * const r = main({ samples: 300, epochs: 5, log: false });
 * r.runs.onecycle.valAccuracy;
 * ```
 */
export function main(options: LrFindOneCycleOptions = {}): LrFindOneCycleResult {
  const { samples = 900, epochs = 10, rangeSteps = 100, seed = 0, log = console.log } = options;
  const print = log === false ? () => {} : log;
  const dataRng = new Rng(seed);
  const train = ring(samples, dataRng);
  const validation = ring(Math.max(5, Math.floor(samples / 3)), dataRng);
  const model = new Sequential(
    new Linear(2, 32, { rng: new Rng(seed + 1), dtype: 'float64' }), new ReLU(),
    new Linear(32, 32, { rng: new Rng(seed + 2), dtype: 'float64' }), new ReLU(),
    new Linear(32, 5, { rng: new Rng(seed + 3), dtype: 'float64' }),
  );
  const initial = snapshotModel(model);
  const optimizer = { name: 'sgd', options: { momentum: 0.9 } };

  // 1. The range test: lr from 1e-5 to 10, exponentially; the model is left exactly as it was.
  const range = lrRangeTest({ model, loss: 'crossEntropy', optimizer, data: train, batchSize: 32, minLr: 1e-5, maxLr: 10, steps: rangeSteps, seed, progressBar: false });
  const modelUnchanged = snapshotsEqual(snapshotModel(model), initial);
  const suggestion = range.suggestion.steepest;
  print(`range test: ${range.lrs.length} steps (${range.stopReason}); steepest ${suggestion.toExponential(2)}, min/10 ${range.suggestion.minimumDiv10.toExponential(2)}; model unchanged: ${modelUnchanged}`);
  if (options.svgPath) void lrRangeSvg(range, { path: options.svgPath, title: 'LR range test (SGD, momentum 0.9)' });

  // 2. Training runs, each from the initial weights.
  const fit = (maxLr: number, scheduler: SchedulerSpec | null): TrainingRun => {
    const m = new Sequential(
      new Linear(2, 32, { rng: new Rng(seed + 1), dtype: 'float64' }), new ReLU(),
      new Linear(32, 32, { rng: new Rng(seed + 2), dtype: 'float64' }), new ReLU(),
      new Linear(32, 5, { rng: new Rng(seed + 3), dtype: 'float64' }),
    );
    const history = new Trainer({
      model: m, loss: 'crossEntropy', optimizer: { name: 'sgd', options: { lr: maxLr, momentum: 0.9 } }, scheduler,
      batchSize: 32, epochs, seed, progressBar: false,
    }).fit(train, { validation });
    const last = history.epochs.at(-1)!;
    return { maxLr, valLoss: last.valLoss!, valAccuracy: last.valAccuracy!, history };
  };
  const runs = {
    onecycle: fit(suggestion, { name: 'onecycle', options: { maxLr: suggestion } }),
    constant: fit(suggestion, null),
    onecycleTooSmall: fit(suggestion / 100, { name: 'onecycle', options: { maxLr: suggestion / 100 } }),
  };
  print('run                 max lr     val loss   val accuracy');
  for (const [name, r] of Object.entries(runs)) {
    print(`${name.padEnd(18)}  ${r.maxLr.toExponential(2)}   ${r.valLoss.toFixed(4).padStart(8)}   ${r.valAccuracy.toFixed(3).padStart(12)}`);
  }
  return { range, suggestion, modelUnchanged, runs };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main({ svgPath: fileURLToPath(new URL('./lr_find.svg', import.meta.url)) });
