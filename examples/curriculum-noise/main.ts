/**
 * Curriculum learning and gradient noise, the lecture's "Some things help optimization", on two
 * interleaved spirals learned by a deep, narrow MLP (SGD with momentum by default). Four runs from
 * the same initial weights:
 *
 * - `baseline`: shuffled mini-batches;
 * - `noise`: plus annealed Gaussian gradient noise (Neelakantan et al. 2015, η = 0.01, γ = 0.55);
 * - `curriculum`: easy → hard (Bengio et al. 2009) with √ pacing from 30 % of the data, difficulty =
 *   the loss of a shallow "teacher" MLP trained first (what a simple model gets right is easy);
 * - `curriculumNoise`: both.
 *
 * Run: `node --import tsx --conditions=source examples/curriculum-noise/main.ts`
 * @module
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Rng, tensor, type Tensor } from '@descent/tensor';
import { Linear, ReLU, Sequential } from '@descent/layers';
import { Trainer, difficultyFromLoss, lineChart, type History, type TrainerConfig } from '@descent/optim';

/** Options of {@link main}.
 * @example
 * ```ts
 * const o: CurriculumNoiseOptions = { samples: 200, epochs: 5, log: false };
 * ```
 */
export interface CurriculumNoiseOptions {
  /** Training samples (default 600; the validation set has half as many). */
  samples?: number;
  /** Epochs of each run (default 40). */
  epochs?: number;
  /** Hidden units per layer (default 16). */
  hidden?: number;
  /** Hidden layers (default 4). */
  depth?: number;
  /** `sgd` (default: SGD with momentum 0.9, lr 0.05) or `adam` (lr 0.01). */
  optimizer?: 'sgd' | 'adam';
  /** η of the gradient noise (default 0.01). */
  eta?: number;
  /** Seed of the data, the initial weights and the trainers (default 0). */
  seed?: number;
  /** Write the validation-loss curves of the four runs to this SVG file. */
  svgPath?: string;
  /** Where the result lines go (default console.log); false for silence. */
  log?: ((line: string) => void) | false;
}

/** The outcome of one run.
 * @example
 * ```ts
 * const r: RunResult = main({ log: false }).baseline;
 * ```
 */
export interface RunResult {
  /** Validation loss and accuracy after the last epoch. */
  valLoss: number;
  valAccuracy: number;
  /** The lowest validation loss over the run. */
  bestValLoss: number;
  history: History;
}

/** The four runs of {@link main}.
 * @example
 * ```ts
 * const r: CurriculumNoiseResult = main({ samples: 200, epochs: 5, log: false });
 * ```
 */
export type CurriculumNoiseResult = Record<'baseline' | 'noise' | 'curriculum' | 'curriculumNoise', RunResult>;

/** Two interleaved spirals in the plane with a little noise, labels 0/1.
 * @example
 * ```ts
 * const { x, y } = spirals(100, new Rng(0));
 * ```
 */
export function spirals(n: number, rng: Rng): { x: Tensor; y: number[] } {
  const xs: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % 2;
    const r = 0.15 + 0.85 * rng.uniform();
    const angle = 4 * Math.PI * r + c * Math.PI;
    xs.push([r * Math.cos(angle) + 0.05 * rng.normal(), r * Math.sin(angle) + 0.05 * rng.normal()]);
    y.push(c);
  }
  return { x: tensor(xs, { dtype: 'float64' }), y };
}

function deepMlp(hidden: number, depth: number, seed: number): Sequential {
  const rng = new Rng(seed);
  const layers = [new Linear(2, hidden, { rng, dtype: 'float64' }), new ReLU()];
  for (let i = 1; i < depth; i++) layers.push(new Linear(hidden, hidden, { rng, dtype: 'float64' }), new ReLU());
  layers.push(new Linear(hidden, 2, { rng, dtype: 'float64' }));
  return new Sequential(...layers);
}

/** Train the four variants and report their validation loss and accuracy.
 * @example
 * ```ts
 * import { main } from './examples/curriculum-noise/main.js';
 * const r = main({ samples: 300, epochs: 20, log: false });
 * r.curriculumNoise.valAccuracy;
 * ```
 */
export function main(options: CurriculumNoiseOptions = {}): CurriculumNoiseResult {
  const { samples = 600, epochs = 40, hidden = 16, depth = 4, seed = 0, optimizer = 'sgd', eta = 0.01, log = console.log } = options;
  const opt = optimizer === 'adam' ? { name: 'adam', options: { lr: 0.01 } } : { name: 'sgd', options: { lr: 0.05, momentum: 0.9 } };
  const print = log === false ? () => {} : log;
  const dataRng = new Rng(seed);
  const train = spirals(samples, dataRng);
  const validation = spirals(Math.max(2, Math.floor(samples / 2)), dataRng);

  // The teacher: a small, shallow MLP trained briefly; its per-sample loss is the difficulty
  // (Hacohen & Weinshall's "transfer scoring": what a simple model already gets right is easy).
  const teacher = deepMlp(32, 1, seed + 1);
  new Trainer({ model: teacher, loss: 'crossEntropy', optimizer: { name: 'adam', options: { lr: 0.01 } }, batchSize: 32, epochs: 10, seed, progressBar: false }).fit(train);
  const difficulty = difficultyFromLoss(teacher);

  const run = (curriculum: boolean, noise: boolean): RunResult => {
    const config: TrainerConfig = {
      model: deepMlp(hidden, depth, seed + 2),
      loss: 'crossEntropy',
      optimizer: opt,
      order: curriculum ? { name: 'curriculum', options: { difficulty, pacing: 'root', startFraction: 0.3 } } : 'shuffle',
      gradients: noise ? [{ name: 'gradientNoise', options: { eta, gamma: 0.55 } }] : [],
      batchSize: 32, epochs, seed, progressBar: false,
    };
    const history = new Trainer(config).fit(train, { validation });
    const last = history.epochs.at(-1)!;
    return { valLoss: last.valLoss!, valAccuracy: last.valAccuracy!, bestValLoss: Math.min(...history.epochs.map((e) => e.valLoss!)), history };
  };

  const result: CurriculumNoiseResult = {
    baseline: run(false, false),
    noise: run(false, true),
    curriculum: run(true, false),
    curriculumNoise: run(true, true),
  };
  print(`two spirals, ${samples} samples, MLP 2 → ${depth}×${hidden} → 2 (ReLU), ${optimizer === 'adam' ? 'Adam lr 0.01' : 'SGD lr 0.05 momentum 0.9'}, ${epochs} epochs, seed ${seed}`);
  print('run               val loss   best val loss   val accuracy');
  for (const [name, r] of Object.entries(result)) {
    print(`${name.padEnd(16)}  ${r.valLoss.toFixed(4).padStart(8)}   ${r.bestValLoss.toFixed(4).padStart(13)}   ${r.valAccuracy.toFixed(3).padStart(12)}`);
  }
  if (options.svgPath) {
    void lineChart(
      Object.fromEntries(Object.entries(result).map(([name, r]) => [name, r.history.epochs.map((e) => e.valLoss!)])),
      { title: 'validation loss', xTitle: 'epoch', yTitle: 'validation loss' },
    ).then((svg) => writeFileSync(options.svgPath!, svg));
  }
  return result;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main({ svgPath: fileURLToPath(new URL('./curriculum-noise.svg', import.meta.url)) });
