/**
 * The callback plugin contract: tfjs-layers' six hooks (train/epoch/batch begin and end) plus two
 * inside the step — after backward (gradients ready, nothing changed yet) and after the update
 * (an error there rolls the step back). `trainer.ts` is the one place that calls them, in the
 * order documented in docs/training-loop.md.
 *
 * @module
 */
import type { Tensor } from '@descent/tensor';
import type { Optimizer } from '../optimizer.js';
import { registry, type KindRegistry } from '../registry.js';
import type { Scheduler } from '../schedulers/types.js';
import type { EpochRecord, History, NamedParameter, PluginState, StepRecord, StopReason, TrainableModel } from '../plugin_types.js';

/** What every hook can see and do: the run's objects and progress, stopping, checkpointing.
 * @example
 * ```ts
 * const cb: Callback = { name: 'log', onEpochEnd: (rec, ctx) => console.log(`${rec.epoch + 1}/${ctx.epochs}`, rec.loss) };
 * ```
 */
export interface TrainContext {
  /** The model being trained. */
  readonly model: TrainableModel;
  /** The optimizer updating the parameters. */
  readonly optimizer: Optimizer;
  /** The learning-rate scheduler of this run, or null when the lr is constant. */
  readonly scheduler: Scheduler | null;
  /** The history so far (the object `fit` returns). */
  readonly history: History;
  /** The trained parameters with their names. */
  readonly params: readonly NamedParameter[];
  /** Number of epochs configured for the run (training may stop earlier). */
  readonly epochs: number;
  /** Batches (optimizer steps) in one epoch. */
  readonly stepsPerEpoch: number;
  /** Steps of the whole run: `epochs × stepsPerEpoch`. */
  readonly totalSteps: number;
  /** The current 0-based epoch. */
  readonly epoch: number;
  /** Steps completed so far (the global index of the next step). */
  readonly step: number;
  /** Whether validation data was given to `fit`. */
  readonly hasValidation: boolean;
  /** Whether this run continues from a checkpoint (`fit(…, { resumeFrom })`): the callbacks' saved
   * states are loaded before `onTrainBegin`, which must then not reset them. */
  readonly resumed: boolean;
  /** Ask the trainer to stop after the current step or epoch. */
  stop(reason: StopReason, message?: string): void;
  /** Ask the trainer to write a checkpoint to `path` once every callback of this hook has run. */
  requestCheckpoint(path: string): void;
}

/** What {@link Callback.onBackwardEnd} receives: the step's loss and gradients before the update.
 * @example
 * ```ts
 * const cb: Callback = { name: 'gradlog', onBackwardEnd: (info) => console.log(info.step, info.loss, info.grads.length) };
 * ```
 */
export interface BackwardInfo {
  /** 0-based global step being taken. */
  readonly step: number;
  /** 0-based epoch of this step. */
  readonly epoch: number;
  /** 0-based index of the batch within its epoch. */
  readonly batch: number;
  /** Data loss of the batch. */
  readonly loss: number;
  /** Sum of the regularizer penalties. */
  readonly penalty: number;
  /** Gradients of loss + penalties, before the gradient transforms (one per trained parameter). */
  readonly rawGrads: readonly Tensor[];
  /** Gradients after the transforms: what the optimizer will receive. */
  readonly grads: readonly Tensor[];
  /** The trained parameters with their names, not yet updated. */
  readonly params: readonly NamedParameter[];
}

/** What {@link Callback.onUpdateEnd} receives: the parameters after the update and constraints.
 * @example
 * ```ts
 * const cb: Callback = { name: 'check', onUpdateEnd: (info) => info.params.forEach((p) => p.tensor.data()) };
 * ```
 */
export interface UpdateInfo {
  /** 0-based global step just taken. */
  readonly step: number;
  /** 0-based epoch of this step. */
  readonly epoch: number;
  /** The trained parameters with their names, after the update and constraints. */
  readonly params: readonly NamedParameter[];
}

/**
 * A callback plugin. Every hook is optional. `onBatchEnd` and `onEpochEnd` may return `'stop'`
 * (or call `ctx.stop`). An error thrown by `onBackwardEnd` ends training before the step changes
 * anything; one thrown by `onUpdateEnd` ends it with the parameters and optimizer state rolled back
 * to before the step. `state`/`loadState` put the callback's state into checkpoints.
 *
 * @example
 * ```ts
 * const printer: Callback = {
 *   name: 'printer',
 *   onEpochEnd(record) { console.log(`epoch ${record.epoch}: loss ${record.loss.toFixed(4)}`); },
 * };
 * trainer = new Trainer({ ...config, callbacks: [printer, { name: 'earlyStopping', options: { patience: 3 } }] });
 * ```
 */
export interface Callback {
  /** Registry name (also the key of its state in checkpoints). */
  readonly name: string;
  /** Once per `fit`, before the first epoch (after a resumed run's states are loaded). */
  onTrainBegin?(ctx: TrainContext): void;
  /** At the start of each epoch, with its 0-based index. */
  onEpochBegin?(epoch: number, ctx: TrainContext): void;
  /** Before each step, with its 0-based global step index. */
  onBatchBegin?(step: number, ctx: TrainContext): void;
  /** After backward and the gradient transforms, before the update; throwing ends training with nothing changed. */
  onBackwardEnd?(info: BackwardInfo, ctx: TrainContext): void;
  /** After the optimizer update and constraints; throwing rolls the step back and ends training. */
  onUpdateEnd?(info: UpdateInfo, ctx: TrainContext): void;
  /** After each step, with its record; return `'stop'` to end training. */
  onBatchEnd?(record: StepRecord, ctx: TrainContext): void | 'stop';
  /** After each epoch (and validation), with its record; return `'stop'` to end training. */
  onEpochEnd?(record: EpochRecord, ctx: TrainContext): void | 'stop';
  /** Once when the run ends without an error (completed or stopped), with the final history. */
  onTrainEnd?(history: History, ctx: TrainContext): void;
  /** Called when `fit` returns or throws (release resources: the progress bar stops here). */
  dispose?(): void;
  /** Saved state for checkpoints. */
  state?(): PluginState;
  /** Restore {@link Callback.state}; throw StateError when malformed. */
  loadState?(state: PluginState): void;
}

/** The callback view of the plugin registry (kind `'callback'`).
 * @example
 * ```ts
 * callbacks.names(); // ['checkpoint', 'earlyStopping', 'history', 'nanGuard', 'progressBar']
 * const es = callbacks.create('earlyStopping', { patience: 3 });
 * ```
 */
export const callbacks: KindRegistry<Callback> = registry.kind<Callback>('callback');

const HOOKS = ['onTrainBegin', 'onEpochBegin', 'onBatchBegin', 'onBackwardEnd', 'onUpdateEnd', 'onBatchEnd', 'onEpochEnd', 'onTrainEnd', 'dispose'] as const;

/** Whether a value is a {@link Callback} instance (a name and at least one hook).
 * @example
 * ```ts
 * isCallback({ name: 'x', onEpochEnd() {} }); // true
 * ```
 */
export function isCallback(value: unknown): value is Callback {
  const v = value as Record<string, unknown> | null;
  return v !== null && typeof v === 'object' && typeof v.name === 'string' && HOOKS.some((h) => typeof v[h] === 'function');
}
