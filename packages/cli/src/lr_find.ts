/**
 * The LR range test (Smith 2017; fastai's `lr_find`) on the comparison's MLP, for the report and
 * `descent lr-find`.
 * @module
 */
import { NonFiniteError, Rng } from '@descent/tensor';
import { Trainer, type Callback, type Scheduler } from '@descent/optim';
import type { ClassificationData } from './data/types.js';
import { buildMlp } from './model.js';

/** Options of {@link runLrFind}.
 * @example
 * ```ts
 * const o: LrFindOptions = { data: loadIris(), optimizer: 'sgdm', optimizerOptions: { momentum: 0.9 }, batchSize: 16, seed: 0, steps: 60 };
 * ```
 */
export interface LrFindOptions {
  /** The data set (its training part is used). */
  readonly data: ClassificationData;
  /** Registered optimizer name. */
  readonly optimizer: string;
  /** The optimizer's options (its `lr` is ignored: the test sets it). */
  readonly optimizerOptions: Readonly<Record<string, unknown>>;
  /** Samples per mini-batch. */
  readonly batchSize: number;
  /** Seed of the initial weights and the data order. */
  readonly seed: number;
  /** Hidden widths of the MLP (default [128]). */
  readonly hidden?: readonly number[];
  /** Dropout probability (default 0.2). */
  readonly dropout?: number;
  /** Mini-batches of the test (default 100). */
  readonly steps?: number;
  /** First learning rate (default 1e-5). */
  readonly minLr?: number;
  /** Last learning rate (default 10). */
  readonly maxLr?: number;
}

/** The result of an LR range test.
 * @example
 * ```ts
 * const r: LrFindResult = runLrFind(options);
 * r.suggestion; // e.g. 0.12
 * ```
 */
export interface LrFindResult {
  /** Registered optimizer name. */
  readonly optimizer: string;
  /** The learning rate of each step. */
  readonly lrs: number[];
  /** The smoothed loss at each step. */
  readonly losses: number[];
  /** Steepest descent of the smoothed loss. */
  readonly suggestion: number;
  /** The lr of the minimum smoothed loss, divided by 10. */
  readonly minimumOver10?: number;
  /** How the suggestion was found, in one sentence. */
  readonly method: string;
}

/**
 * Run the LR range test on a fresh MLP (same seeded initialisation as the comparison): the lr grows
 * exponentially from `minLr` to `maxLr` over `steps` mini-batches, the loss is smoothed (β = 0.98,
 * bias-corrected) and the test stops once it exceeds 4× the best. Suggests the lr of the steepest
 * descent of the smoothed loss, and the minimum's lr / 10.
 * @example
 * ```ts
 * const { suggestion } = runLrFind({ data: loadIris(), optimizer: 'sgdm', optimizerOptions: {}, batchSize: 16, seed: 0 });
 * ```
 */
export function runLrFind(options: LrFindOptions): LrFindResult {
  const { data, optimizer, optimizerOptions, batchSize, seed } = options;
  const steps = options.steps ?? 100, minLr = options.minLr ?? 1e-5, maxLr = options.maxLr ?? 10;
  const rng = new Rng(seed);
  const { model } = buildMlp({
    inputs: data.features, classes: data.classes.length, rng: rng.split(),
    ...(options.hidden ? { hidden: options.hidden } : {}),
    ...(options.dropout !== undefined ? { dropout: options.dropout } : {}),
  });
  const lrAt = (t: number) => minLr * (maxLr / minLr) ** (t / Math.max(1, steps - 1));
  const schedule: Scheduler = {
    name: 'lrRangeTest', baseLr: minLr, options: {}, stateful: false,
    lr: (t: number) => lrAt(Math.min(t, steps - 1)),
    state: () => ({}),
    loadState: () => undefined,
  };
  const lrs: number[] = [], losses: number[] = [];
  let avg = 0, best = Infinity;
  const recorder: Callback = {
    name: 'lrRangeRecorder',
    onBatchEnd(record) {
      avg = 0.98 * avg + 0.02 * record.loss;
      const smoothed = avg / (1 - 0.98 ** (record.step + 1));
      if (!Number.isFinite(smoothed)) return 'stop';
      lrs.push(record.lr);
      losses.push(smoothed);
      best = Math.min(best, smoothed);
      if (smoothed > 4 * best || record.step + 1 >= steps) return 'stop';
      return undefined;
    },
  };
  const perEpoch = Math.ceil(data.train.y.length / batchSize);
  const trainer = new Trainer({
    model, loss: 'crossEntropy',
    /** Registered optimizer name. */
    optimizer: { name: optimizer, options: { ...optimizerOptions, lr: minLr } },
    scheduler: schedule, order: 'shuffle', batchSize, epochs: Math.ceil(steps / perEpoch), seed, progressBar: false,
    callbacks: [recorder],
  });
  try {
    trainer.fit(data.train);
  } catch (e) {
    if (!(e instanceof NonFiniteError)) throw e;
  }
  return { optimizer, lrs, losses, ...suggest(lrs, losses) };
}

/** What {@link suggest} finds in an LR range test's curve.
 * @example
 * ```ts
 * const s: LrSuggestion = { suggestion: 0.01, minimumOver10: 0.03, method: '…' };
 * ```
 */
export interface LrSuggestion {
  /** The lr of the steepest descent of the smoothed loss (per unit of log lr). */
  readonly suggestion: number;
  /** The lr of the lowest smoothed loss, divided by 10. */
  readonly minimumOver10?: number;
  /** How the suggestion was found, in one sentence. */
  readonly method: string;
}

/** The steepest-descent and minimum/10 suggestions of a smoothed loss curve (fastai's rules).
 * @example
 * ```ts
 * suggest([1e-3, 1e-2, 1e-1, 1], [2.3, 2.0, 1.2, 5]).suggestion; // 0.01 (steepest fall)
 * ```
 */
export function suggest(lrs: readonly number[], losses: readonly number[]): LrSuggestion {
  const method = 'The learning rate grows exponentially over mini-batches; the loss is smoothed (β = 0.98) and the test stops when it exceeds 4× its best. The suggestion is the steepest descent of the smoothed loss (d loss / d log lr)';
  if (lrs.length < 3) return { suggestion: lrs[0] ?? NaN, method };
  let iMin = 0;
  for (let i = 1; i < losses.length; i++) if (losses[i]! < losses[iMin]!) iMin = i;
  // steepest descent before the minimum, skipping the noisy first 10% (fastai skips the start too)
  const from = Math.max(1, Math.floor(lrs.length * 0.1));
  let iSteep = from, steepest = Infinity;
  for (let i = from; i <= Math.max(from, iMin); i++) {
    const slope = (losses[i]! - losses[i - 1]!) / (Math.log(lrs[i]!) - Math.log(lrs[i - 1]!));
    if (slope < steepest) { steepest = slope; iSteep = i; }
  }
  return { suggestion: lrs[iSteep]!, minimumOver10: lrs[iMin]! / 10, method };
}
