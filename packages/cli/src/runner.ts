/**
 * Training one model with one optimizer for the comparison: the same seeded initialisation, data
 * order and learning-rate schedule shape for every optimizer; per-step and per-epoch records;
 * final loss and accuracy on the training and test sets.
 * @module
 */
import { NonFiniteError, Rng, ValueError } from '@descent/tensor';
import { Trainer, getOptimizerPlugin, resolveOptimizerOptions, type Callback, type SchedulerSpec } from '@descent/optim';
import type { ClassificationData } from './data/types.js';
import { buildMlp, evaluate, type LayerSpec } from './model.js';

/** The learning-rate schedules `compare` offers: every optimizer gets the same shape, scaled to its own lr.
 * @example
 * ```ts
 * const s: ScheduleKind = 'warmup-cosine';
 * ```
 */
export type ScheduleKind = 'warmup-cosine' | 'constant' | 'cosine' | 'onecycle' | 'step';

/** Every {@link ScheduleKind}.
 * @example
 * ```ts
 * SCHEDULE_KINDS.includes('onecycle'); // true
 * ```
 */
export const SCHEDULE_KINDS: readonly ScheduleKind[] = ['warmup-cosine', 'constant', 'cosine', 'onecycle', 'step'];

/**
 * The registry spec of a schedule for a run of `totalSteps` (the lr each optimizer is given is its base).
 * `warmup-cosine`: linear warm-up from 0.1× over the first 10% of steps, then cosine annealing to 0.
 * @example
 * ```ts
 * scheduleSpec('warmup-cosine', 500, 0.001); // { name: 'sequential', options: { … milestones: [50] } }
 * ```
 */
export function scheduleSpec(kind: ScheduleKind, totalSteps: number, lr: number): SchedulerSpec {
  const warm = Math.max(1, Math.round(totalSteps * 0.1));
  switch (kind) {
    case 'constant': return { name: 'constant', options: {} };
    case 'cosine': return { name: 'cosine', options: { tMax: totalSteps } };
    case 'onecycle': return { name: 'onecycle', options: { maxLr: lr, totalSteps } };
    case 'step': return { name: 'step', options: { stepSize: Math.max(1, Math.round(totalSteps / 3)), gamma: 0.3 } };
    case 'warmup-cosine':
      if (totalSteps < 3) return { name: 'constant', options: {} };
      return {
        name: 'sequential',
        options: {
          schedulers: [
            { name: 'linear', options: { startFactor: 0.1, endFactor: 1, totalIters: warm } },
            { name: 'cosine', options: { tMax: totalSteps - warm } },
          ],
          milestones: [warm],
        },
      };
    default: throw new ValueError(`scheduleSpec: unknown schedule '${String(kind)}'`);
  }
}

/**
 * The learning rate and options of each built-in optimizer for the comparison's MLP (with batch
 * norm, a few epochs, warm-up + cosine): the SGD family at rates batch norm allows, the Adam family
 * at 3e-3 (PyTorch's default 1e-3 is measurably slower over 5 epochs: 94.0% vs 95.3% test accuracy
 * at 4e-3 for Adam here), other options at their defaults. `--lr name=value` overrides them.
 * @example
 * ```ts
 * DEFAULT_OPTIMIZER_OPTIONS.sgdm; // { lr: 0.05, momentum: 0.9 }
 * ```
 */
export const DEFAULT_OPTIMIZER_OPTIONS: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {
  sgd: { lr: 0.1 },
  sgdm: { lr: 0.05, momentum: 0.9 },
  nag: { lr: 0.05, momentum: 0.9 },
  adagrad: { lr: 0.05 },
  rmsprop: { lr: 1e-3 },
  adam: { lr: 3e-3 },
  amsgrad: { lr: 3e-3 },
  adamw: { lr: 3e-3, weightDecay: 0.05 },
  adabound: { lr: 3e-3, finalLr: 0.1 },
  lookahead: { lr: 3e-3, inner: { name: 'adam' }, k: 5, alpha: 0.5 },
  nadam: { lr: 3e-3 },
  radam: { lr: 3e-3 },
};

/** Learning rates for the small Iris MLP (a few hundred steps): the adaptive methods' defaults
 * are too timid there, so they get 10×; the SGD family keeps the MNIST rates.
 * @example
 * ```ts
 * IRIS_LRS.adam; // 0.01
 * ```
 */
export const IRIS_LRS: Readonly<Record<string, number>> = {
  adagrad: 0.1, rmsprop: 0.01, adam: 0.01, amsgrad: 0.01, adamw: 0.01, adabound: 0.01, lookahead: 0.01, nadam: 0.01, radam: 0.01,
};

/** The twelve optimizers the lecture compares, in its order.
 * @example
 * ```ts
 * LECTURE_OPTIMIZERS.length; // 12
 * ```
 */
export const LECTURE_OPTIMIZERS: readonly string[] = ['sgd', 'sgdm', 'nag', 'adagrad', 'rmsprop', 'adam', 'amsgrad', 'adamw', 'adabound', 'lookahead', 'nadam', 'radam'];

/** What one run is told.
 * @example
 * ```ts
 * const o: RunOptions = { data: loadIris(), optimizer: 'adam', optimizerOptions: { lr: 0.01 }, epochs: 20, batchSize: 16, seed: 0, schedule: 'constant' };
 * ```
 */
export interface RunOptions {
  /** The data set (training and test). */
  readonly data: ClassificationData;
  /** Registered optimizer name. */
  readonly optimizer: string;
  /** Its options (lr included); defaults from {@link DEFAULT_OPTIMIZER_OPTIONS} are *not* merged here. */
  readonly optimizerOptions: Readonly<Record<string, unknown>>;
  /** Passes over the training set. */
  readonly epochs: number;
  /** Samples per mini-batch. */
  readonly batchSize: number;
  /** Seeds the initial weights, dropout masks and the shuffling (the same for every optimizer). */
  readonly seed: number;
  /** The learning-rate schedule's shape (see {@link scheduleSpec}). */
  readonly schedule: ScheduleKind;
  /** Hidden widths (default [128]). */
  readonly hidden?: readonly number[];
  /** Dropout probability (default 0.2). */
  readonly dropout?: number;
  /** Batch norm after each hidden linear layer (default true). */
  readonly batchNorm?: boolean;
  /** Called after every step and every epoch (progress display). */
  readonly onProgress?: (event: ProgressEvent) => void;
}

/** A progress report from a run.
 * @example
 * ```ts
 * const e: ProgressEvent = { kind: 'step', optimizer: 'adam', epoch: 0, epochs: 4, step: 10, totalSteps: 500, loss: 0.9 };
 * ```
 */
export interface ProgressEvent {
  /** After a step or after an epoch (with test metrics). */
  readonly kind: 'step' | 'epoch';
  /** The optimizer being trained. */
  readonly optimizer: string;
  /** 0-based epoch. */
  readonly epoch: number;
  /** Epochs of the run. */
  readonly epochs: number;
  /** Steps done. */
  readonly step: number;
  /** Steps of the whole run. */
  readonly totalSteps: number;
  /** The last step's loss, or the epoch's mean training loss. */
  readonly loss: number;
  /** Test accuracy (epoch events). */
  readonly testAccuracy?: number;
  /** Test loss (epoch events). */
  readonly testLoss?: number;
}

/** One epoch of a run.
 * @example
 * ```ts
 * run.epochs.map((e: EpochResult) => e.testAccuracy);
 * ```
 */
export interface EpochResult {
  /** 0-based epoch. */
  readonly epoch: number;
  /** Mean mini-batch training loss over the epoch (training mode, before each update). */
  readonly trainLoss: number;
  /** Test-set loss at the end of the epoch (eval mode). */
  readonly testLoss: number;
  /** Test-set accuracy at the end of the epoch. */
  readonly testAccuracy: number;
  /** Seconds since the run started. */
  readonly seconds: number;
}

/** Loss and accuracy on the whole training and test sets at the end of a run (eval mode).
 * @example
 * ```ts
 * const f: FinalMetrics = { trainLoss: 0.05, trainAccuracy: 0.99, testLoss: 0.2, testAccuracy: 0.95 };
 * ```
 */
export interface FinalMetrics {
  /** Mean cross-entropy on the training set. */
  readonly trainLoss: number;
  /** Accuracy on the training set. */
  readonly trainAccuracy: number;
  /** Mean cross-entropy on the test set. */
  readonly testLoss: number;
  /** Accuracy on the test set. */
  readonly testAccuracy: number;
}

/** The result of one run.
 * @example
 * ```ts
 * const r: RunResult = await trainRun(options);
 * console.log(r.final.testAccuracy);
 * ```
 */
export interface RunResult {
  /** The optimizer's registered name. */
  readonly optimizer: string;
  /** The base learning rate. */
  readonly lr: number;
  /** The options it was created with. */
  readonly optimizerOptions: Readonly<Record<string, unknown>>;
  /** Mini-batch loss of every step (before the step). */
  readonly stepLoss: number[];
  /** Learning rate of every step. */
  readonly stepLr: number[];
  /** One record per epoch. */
  readonly epochs: EpochResult[];
  /** Evaluated at the end, in eval mode, on the whole training and test sets. */
  readonly final: FinalMetrics;
  /** Training time in seconds (without the final evaluation). */
  readonly seconds: number;
  /** Whether the loss became non-finite (training stopped there). */
  readonly diverged: boolean;
  /** The model's layers. */
  readonly layers: LayerSpec[];
}

/**
 * Train the MLP on `options.data` with one optimizer and the shared schedule; evaluate on the test
 * set after every epoch and on both sets at the end.
 * @throws RegistryError/ConfigError/ValueError from the optimizer for an unknown name or bad options.
 * @example
 * ```ts
 * const r = trainRun({ data: loadIris(), optimizer: 'adam', optimizerOptions: { lr: 0.01 }, epochs: 30, batchSize: 16, seed: 0, schedule: 'constant' });
 * ```
 */
export function trainRun(options: RunOptions): RunResult {
  const { data, optimizer, optimizerOptions, epochs, batchSize, seed, schedule, onProgress } = options;
  const rng = new Rng(seed);
  const { model, layers } = buildMlp({
    inputs: data.features, classes: data.classes.length, rng: rng.split(),
    ...(options.hidden ? { hidden: options.hidden } : {}),
    ...(options.dropout !== undefined ? { dropout: options.dropout } : {}),
    ...(options.batchNorm !== undefined ? { batchNorm: options.batchNorm } : {}),
  });
  const stepLoss: number[] = [], stepLr: number[] = [];
  const epochResults: EpochResult[] = [];
  let t0 = performance.now();
  const recorder: Callback = {
    name: 'compareRecorder',
    onTrainBegin() { t0 = performance.now(); },
    onBatchEnd(record, ctx) {
      stepLoss.push(record.loss);
      stepLr.push(record.lr);
      onProgress?.({ kind: 'step', optimizer, epoch: record.epoch, epochs, step: record.step + 1, totalSteps: ctx.totalSteps, loss: record.loss });
    },
    onEpochEnd(record, ctx) {
      const rec: EpochResult = {
        epoch: record.epoch, trainLoss: record.loss, testLoss: record.valLoss ?? NaN, testAccuracy: record.valAccuracy ?? NaN,
        seconds: (performance.now() - t0) / 1000,
      };
      epochResults.push(rec);
      onProgress?.({ kind: 'epoch', optimizer, epoch: record.epoch, epochs, step: ctx.step, totalSteps: ctx.totalSteps, loss: rec.trainLoss, testAccuracy: rec.testAccuracy, testLoss: rec.testLoss });
    },
  };
  const totalSteps = Math.ceil(data.train.y.length / batchSize) * epochs;
  const lr = resolveOptimizerOptions(getOptimizerPlugin(optimizer), optimizerOptions).lr;
  const trainer = new Trainer({
    model, loss: 'crossEntropy',
    optimizer: { name: optimizer, options: { ...optimizerOptions } },
    scheduler: scheduleSpec(schedule, totalSteps, lr),
    order: 'shuffle', batchSize, epochs, seed, progressBar: false,
    callbacks: [recorder],
  });
  let diverged = false;
  try {
    trainer.fit(data.train, { validation: data.test });
  } catch (e) {
    // the NaN guard stops a diverging run before the bad step; report it instead of failing the comparison
    if (!(e instanceof NonFiniteError)) throw e;
    diverged = true;
  }
  const seconds = (performance.now() - t0) / 1000;
  const train = evaluate(model, data.train);
  const test = evaluate(model, data.test);
  return {
    optimizer, lr, optimizerOptions, stepLoss, stepLr, epochs: epochResults, seconds, diverged, layers,
    final: { trainLoss: train.loss, trainAccuracy: train.accuracy, testLoss: test.loss, testAccuracy: test.accuracy },
  };
}
