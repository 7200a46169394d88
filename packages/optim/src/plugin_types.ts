/**
 * Types shared by the trainer and its plugins: the model and data the trainer accepts, the
 * `{ name, options }` form of a plugin, and the records of the training history.
 *
 * @module
 */
import type { Rng, Tensor } from '@descent/tensor';

/** Targets of a data set: a tensor (regression targets, one-hot rows) or class indices.
 * @example
 * ```ts
 * const labels: Targets = [0, 2, 1];
 * const values: Targets = tensor([[0.5], [1.5]]);
 * ```
 */
export type Targets = Tensor | readonly number[];

/** A data set: inputs `x` (first axis = samples) and targets `y` (one per sample).
 * @example
 * ```ts
 * const data: Dataset = { x: tensor([[0, 1], [1, 0]]), y: [1, 0] };
 * ```
 */
export interface Dataset {
  /** Inputs, first axis = samples. */
  readonly x: Tensor;
  /** Targets, one per sample: a tensor or class indices. */
  readonly y: Targets;
}

/**
 * What the trainer needs of a model. A `@descent/layers` `Module` satisfies it; so does a plain
 * object with `forward` and `parameters` (the golden runner trains one).
 *
 * @example
 * ```ts
 * const W = zeros([4, 3], { dtype: 'float64' }).requireGrad();
 * const model: TrainableModel = {
 *   forward: (x) => matmul(x, W),
 *   parameters: () => [W],
 *   namedParameters: () => [['W', W]],
 * };
 * ```
 */
export interface TrainableModel {
  /** Every parameter (the trainer trains those that require grad). */
  parameters(): Tensor[];
  /** The forward pass as `Module.call` (preferred when present). */
  call?(x: Tensor): Tensor;
  /** The forward pass (used when there is no `call`). */
  forward?(x: Tensor): Tensor;
  /** Parameters with dotted names; without it parameters are named by index ('0', '1', …). */
  namedParameters?(): Array<[string, Tensor]>;
  /** Training mode on/off (dropout, batch norm). */
  train?(mode?: boolean): unknown;
  /** Evaluation mode. */
  eval?(): unknown;
  /** A copy of every parameter and buffer by name (used for snapshots and checkpoints). */
  stateDict?(): Record<string, Tensor>;
  /** Load a state dict in place (same tensors, new values). */
  loadStateDict?(state: Record<string, Tensor>): void;
  /** The random generators the model draws from (Dropout's, …) by name: checkpoints save and
   * restore their states (a `@descent/layers` Module lists those its modules hold). */
  namedGenerators?(): Array<[string, Rng]>;
}

/** A loss: prediction and the batch's targets → a scalar tensor on the tape.
 * @example
 * ```ts
 * const loss: LossFunction = (logits, labels) => crossEntropy(logits, labels as number[]);
 * ```
 */
export type LossFunction = (prediction: Tensor, target: Targets) => Tensor;

/** A loss as the trainer accepts it: a function, a loss module (`call`/`forward`), or the name
 * `'crossEntropy'` (class-index targets) or `'mse'`.
 * @example
 * ```ts
 * const a: LossSpec = 'crossEntropy';
 * const b: LossSpec = (p, t) => mse(p, t as Tensor);
 * ```
 */
export type LossSpec =
  | LossFunction
  | 'crossEntropy'
  | 'mse'
  | {
    /** The loss module's forward pass (preferred): prediction and targets → scalar loss. */
    call(prediction: Tensor, target: never): Tensor }
  | {
    /** The loss module's forward pass: prediction and targets → scalar loss. */
    forward(prediction: Tensor, target: never): Tensor };

/** A plugin given by its registry name and options.
 * @example
 * ```ts
 * const spec: PluginSpec = { name: 'clipGradNorm', options: { maxNorm: 1 } };
 * ```
 */
export interface PluginSpec {
  /** The plugin's registry name (e.g. `'clipGradNorm'`). */
  readonly name: string;
  /** Options passed to the plugin's `create`; its defaults fill the rest. */
  readonly options?: Readonly<Record<string, unknown>>;
}

/** A plugin given as an instance, a `{ name, options }` spec, or just its name.
 * @example
 * ```ts
 * const order: PluginInput<DataOrder> = 'shuffle';
 * ```
 */
export type PluginInput<T> = T | PluginSpec | string;

/** A parameter with its name (as `Module.namedParameters()` gives it).
 * @example
 * ```ts
 * const p: NamedParameter = { name: 'fc1.weight', tensor: fc1.weight };
 * ```
 */
export interface NamedParameter {
  /** Dotted parameter name (e.g. `'fc1.weight'`), or its index when the model has no names. */
  readonly name: string;
  /** The parameter tensor itself (live, updated in place). */
  readonly tensor: Tensor;
}

/**
 * One optimizer step in the history. `loss` is the mini-batch data loss *before* the step
 * (what the golden traces record); the norms are global (over every trained parameter).
 *
 * @example
 * ```ts
 * const last: StepRecord = history.steps.at(-1)!;
 * console.log(last.loss, last.lr, last.gradNorm, last.updateRatio);
 * ```
 */
export interface StepRecord {
  /** Global 0-based step index. */
  readonly step: number;
  /** 0-based epoch. */
  readonly epoch: number;
  /** 0-based batch index inside the epoch. */
  readonly batch: number;
  /** Number of samples in the batch. */
  readonly batchSize: number;
  /** Data loss of the batch before the update (without penalties). */
  readonly loss: number;
  /** Sum of the regularizer penalties (0 when there are none). */
  readonly penalty: number;
  /** Accuracy of the batch's predictions before the update (classification only). */
  readonly accuracy?: number;
  /** Learning rate of the step (of the first parameter group). */
  readonly lr: number;
  /** Momentum / β₁ set by the scheduler for this step, when it cycles momentum. */
  readonly momentum?: number;
  /** Global L2 norm of the raw gradients (loss + penalties), before any gradient transform. */
  readonly gradNorm: number;
  /** Global L2 norm of the gradients the optimizer received (after clipping and noise). */
  readonly transformedGradNorm: number;
  /** Global L2 norm of the parameter change of the step (update and constraints). */
  readonly updateNorm: number;
  /** Largest absolute change of a single parameter value. */
  readonly maxUpdate: number;
  /** `updateNorm / ‖θ‖` before the step (0 when ‖θ‖ = 0). */
  readonly updateRatio: number;
  /** Fraction of the training set the data order could draw from (curriculum pacing; 1 otherwise). */
  readonly dataFraction: number;
}

/** One epoch in the history.
 * @example
 * ```ts
 * for (const e of history.epochs) console.log(e.epoch, e.loss, e.valLoss, e.valAccuracy);
 * ```
 */
export interface EpochRecord {
  /** 0-based epoch. */
  readonly epoch: number;
  /** Steps taken in the epoch. */
  readonly steps: number;
  /** Mean data loss over the epoch's batches (weighted by batch size, before each update). */
  readonly loss: number;
  /** Mean penalty over the epoch's batches. */
  readonly penalty: number;
  /** Training accuracy over the epoch's batches (classification only). */
  readonly accuracy?: number;
  /** Validation loss at the end of the epoch (when validation data is given). */
  readonly valLoss?: number;
  /** Validation accuracy at the end of the epoch (classification only). */
  readonly valAccuracy?: number;
  /** Learning rate of the epoch's last step. */
  readonly lr: number;
  /** Mean global gradient norm over the epoch's steps. */
  readonly gradNorm: number;
}

/** Why training ended.
 * @example
 * ```ts
 * if (history.stopReason === 'earlyStopping') console.log('stopped at', history.epochs.length);
 * ```
 */
export type StopReason = 'epochs' | 'earlyStopping' | 'gradTolerance' | 'callback';

/** What `Trainer.fit` returns: every step and every epoch, and why it stopped.
 * @example
 * ```ts
 * const history: History = trainer.fit(train, { validation });
 * history.epochs.map((e) => e.valLoss);
 * ```
 */
export interface History {
  /** One record per optimizer step, in order. */
  readonly steps: StepRecord[];
  /** One record per completed epoch, in order. */
  readonly epochs: EpochRecord[];
  /** Why training ended (`'epochs'` when every configured epoch ran). */
  stopReason: StopReason;
  /** A description of the stop (e.g. "valLoss did not improve by 0 for 3 epochs"). */
  stopMessage: string;
}

/** The saved state of a plugin (gradient transform, callback): plain JSON.
 * @example
 * ```ts
 * const s: PluginState = { rng: [1, 2, 3, 4] };
 * ```
 */
export type PluginState = null | boolean | number | string | PluginState[] | { [key: string]: PluginState };
