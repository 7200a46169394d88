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
import type { EpochRecord, History, NamedParameter, PluginState, StepRecord, StopReason, TrainableModel } from '../trainer/types.js';

/** What every hook can see and do: the run's objects and progress, stopping, checkpointing.
 * @example
 * ```ts
 * const cb: Callback = { name: 'log', onEpochEnd: (rec, ctx) => console.log(`${rec.epoch + 1}/${ctx.epochs}`, rec.loss) };
 * ```
 */
export interface TrainContext {
  readonly model: TrainableModel;
  readonly optimizer: Optimizer;
  readonly scheduler: Scheduler | null;
  /** The history so far (the object `fit` returns). */
  readonly history: History;
  /** The trained parameters with their names. */
  readonly params: readonly NamedParameter[];
  readonly epochs: number;
  readonly stepsPerEpoch: number;
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
  readonly step: number;
  readonly epoch: number;
  readonly batch: number;
  /** Data loss of the batch. */
  readonly loss: number;
  /** Sum of the regularizer penalties. */
  readonly penalty: number;
  /** Gradients of loss + penalties, before the gradient transforms (one per trained parameter). */
  readonly rawGrads: readonly Tensor[];
  /** Gradients after the transforms: what the optimizer will receive. */
  readonly grads: readonly Tensor[];
  readonly params: readonly NamedParameter[];
}

/** What {@link Callback.onUpdateEnd} receives: the parameters after the update and constraints.
 * @example
 * ```ts
 * const cb: Callback = { name: 'check', onUpdateEnd: (info) => info.params.forEach((p) => p.tensor.data()) };
 * ```
 */
export interface UpdateInfo {
  readonly step: number;
  readonly epoch: number;
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
  onTrainBegin?(ctx: TrainContext): void;
  onEpochBegin?(epoch: number, ctx: TrainContext): void;
  onBatchBegin?(step: number, ctx: TrainContext): void;
  onBackwardEnd?(info: BackwardInfo, ctx: TrainContext): void;
  onUpdateEnd?(info: UpdateInfo, ctx: TrainContext): void;
  onBatchEnd?(record: StepRecord, ctx: TrainContext): void | 'stop';
  onEpochEnd?(record: EpochRecord, ctx: TrainContext): void | 'stop';
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
