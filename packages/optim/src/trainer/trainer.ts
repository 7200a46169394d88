/**
 * The training loop. This file is the one place that fixes the order in which the plugins are
 * called (docs/training-loop.md states it):
 *
 * ```
 * fit:   check data · plan the run · order.init · gradient transforms' init · [resume] · onTrainBegin
 * epoch: order.batches (from the order's generator) · onEpochBegin
 * step:  onBatchBegin
 *        1 forward            prediction = model(x_batch)
 *        2 loss + penalties   total = loss(prediction, y_batch) + Σ regularizer.penalty(params)
 *        3 backward           grads = ∂total/∂θ (autodiff)
 *        4 gradient transforms grads = transformₖ(…transform₁(grads))   (clipping, noise — config order)
 *          onBackwardEnd      (NaN guard: throws before anything changed)
 *          [stop if ‖grads‖ < gradTolerance]
 *        5 learning rate      lr = scheduler.lr(step, epoch); momentum/β₁ = scheduler.momentum?.(step)
 *        6 optimizer update   θ ← θ + optimizer.update(grads, state, θ, lr)
 *        7 constraints        constraintₖ.apply(θ)   (maxNorm)
 *          onUpdateEnd        (an error rolls θ and the optimizer state back)
 *        8 callbacks          onBatchEnd (history first) · checkpoint requests written
 * epoch end: validation (loss, accuracy) · scheduler.observe(valLoss ?? loss) · onEpochEnd ·
 *            checkpoint requests written · stop checks (epochs, early stopping, gradTolerance)
 * end:   onTrainEnd (early stopping restores the best weights) · dispose (always)
 * ```
 *
 * @module
 */
import {
  CallbackError, ConfigError, DescentError, NonFiniteError, Rng, ShapeError, StateError, Tensor, ValueError, add, crossEntropy, mse, mul, noGrad,
  withArticle, type RngState,
} from '@descent/tensor';
import { callbacks as callbackRegistry, isCallback, type Callback, type TrainContext } from '../callbacks/types.js';
import { historyCallback } from '../callbacks/history.js';
import { nanGuard } from '../callbacks/nan_guard.js';
import { progressBar, progressBarByDefault } from '../callbacks/progress_bar.js';
import { batchSizes as planBatchSizes, isDataOrder, orders, type DataOrder } from '../data/types.js';
import '../data/index.js';
import { globalNorm, gradientTransforms, isGradientTransform, type GradientContext, type GradientTransform } from '../gradients/types.js';
import '../gradients/index.js';
import '../callbacks/index.js';
import '../regularizers/index.js';
import { Optimizer, type OptimizerStateDict } from '../optimizer.js';
import type { AnyOptimizerPlugin, LossClosure, MomentumOption } from '../optimizers/types.js';
import { formatValue } from '../options.js';
import { constraints as constraintRegistry, isConstraint, isRegularizer, regularizers as regularizerRegistry, type Constraint, type Regularizer } from '../regularizers/types.js';
import { checkSchedulerSpec, createScheduler, isScheduler, schedulers, type Scheduler, type SchedulerSpec, type SchedulerState } from '../schedulers/types.js';
import { accumulateGradients, checkAccumulateGradBatches, groupMicroBatches, microBatchWeights, optimizerStepsPerEpoch } from './accumulation.js';
import { targetCount, takeRows, takeTargets } from './batch.js';
import {
  emptyAccumulator, fingerprintMismatches, readCheckpoint, writeCheckpoint,
  type CheckpointBody, type CheckpointFingerprint, type CheckpointProgress, type EpochAccumulator,
} from './checkpoint.js';
import { callModel, checkModel, decodeSnapshot, encodeSnapshot, namedParametersOf, restoreModel, sampleCount, snapshotModel } from '../model.js';
import { describeValue, isPluginSpec, resolvePlugin, specProblem } from './plugins.js';
import { ownedPlugin, pluginMismatches, restorePlugins, savePlugins, type OwnedPlugin, type SavedPlugin } from './plugin_state.js';
import type {
  Dataset, EpochRecord, History, LossFunction, LossSpec, NamedParameter, PluginInput, PluginSpec, PluginState, StepRecord,
  StopReason, Targets, TrainableModel,
} from '../plugin_types.js';

/**
 * The trainer's configuration. Plugins (optimizer, scheduler, order, regularizers, gradient
 * transforms, constraints, callbacks) may be given as instances, registered names, or
 * `{ name, options }` specs.
 * @example
 * ```ts
 * const config: TrainerConfig = {
 *   model, loss: 'crossEntropy',
 *   optimizer: { name: 'adam', options: { lr: 1e-3 } },
 *   scheduler: { name: 'cosine', options: {} },          // tMax defaults to the run's steps
 *   regularizers: [{ name: 'l2', options: { lambda: 1e-4 } }],
 *   gradients: [{ name: 'clipGradNorm', options: { maxNorm: 1 } }],
 *   order: 'shuffle', batchSize: 32, epochs: 10, seed: 0,
 *   accumulateGradBatches: 4,                              // one optimizer step per 4 batches of 32
 * };
 * ```
 */
export interface TrainerConfig {
  /** The model (a `@descent/layers` Module or any {@link TrainableModel}). */
  model: TrainableModel;
  /** The loss: a function `(prediction, target) → scalar`, a loss module, `'crossEntropy'` or `'mse'`. */
  loss: LossSpec;
  /** An {@link Optimizer}; or a registered name, an optimizer plugin object, or `{ name, options }`
   * whose `name` is either: created over the model's parameters that require grad. */
  optimizer: Optimizer | PluginSpec | string | AnyOptimizerPlugin | OptimizerPluginSpec;
  /** A learning-rate schedule (instance, name or spec). Specs get `totalSteps` (onecycle) and `tMax` (cosine)
   * filled in with the run's number of steps when they lack them. Default: none (the optimizer's lr). */
  scheduler?: Scheduler | SchedulerSpec | string | null;
  /** Loss penalties (`l1`, `l2`, `elasticNet`). */
  regularizers?: ReadonlyArray<PluginInput<Regularizer>>;
  /** Gradient transforms applied in this order (`clipGradNorm`, `clipGradValue`, `gradientNoise`). */
  gradients?: ReadonlyArray<PluginInput<GradientTransform>>;
  /** Constraints applied after every update (`maxNorm`). */
  constraints?: ReadonlyArray<PluginInput<Constraint>>;
  /** The data order (`sequential`, `shuffle`, `curriculum`; default `shuffle`). */
  order?: PluginInput<DataOrder>;
  /** Callbacks (`earlyStopping`, `checkpoint`, …) after the built-in history and NaN guard. */
  callbacks?: ReadonlyArray<PluginInput<Callback>>;
  /** Samples per mini-batch: 1 (on-line), the whole set (off-line), or anything between. */
  batchSize: number;
  /** Number of passes over the training data (≥ 1). */
  epochs: number;
  /** The seed of every random choice of the run (order, gradient noise, curriculum ties). */
  seed: number;
  /** Drop the last incomplete batch of each epoch (default false). */
  dropLast?: boolean;
  /** Stop when the global gradient norm falls below this (default 0: never). */
  gradTolerance?: number;
  /** Install the NaN guard (default true). */
  nanGuard?: boolean;
  /** Show a progress bar (default: only when stderr is a terminal and not under a test runner). */
  progressBar?: boolean;
  /** Batch size of the validation pass (default 1024; the loss is averaged weighted by batch size). */
  evalBatchSize?: number;
  /** Apply the scheduler's momentum / β₁ (cyclic, onecycle) to the optimizer at every step, as
   * PyTorch's schedulers do (default true; false = the scheduler drives the learning rate only). */
  cycleMomentum?: boolean;
  /** Sum the gradients of this many consecutive mini-batches (micro-batches of `batchSize`) into
   * one optimizer step, each loss weighted by its share of the group's samples, so a step sees the
   * mean gradient of all of them (PyTorch Lightning's `accumulate_grad_batches`). Steps, schedules
   * and checkpoints count optimizer steps; a shorter group at the end of an epoch is stepped with
   * what it holds. Default 1 (no accumulation). See docs/training-loop.md. */
  accumulateGradBatches?: number;
}

/** An optimizer given as `{ name, options }` with a plugin object in place of the registered name.
 * @example
 * ```ts
 * const spec: OptimizerPluginSpec = { name: adaBelief, options: { lr: 1e-3 } };
 * ```
 */
export interface OptimizerPluginSpec {
  /** The optimizer plugin object (where a spec would have its registry name). */
  readonly name: AnyOptimizerPlugin;
  /** Options for the plugin; its defaults fill the rest. */
  readonly options?: Readonly<Record<string, unknown>>;
}

/** Options of {@link Trainer.fit}.
 * @example
 * ```ts
 * trainer.fit(train, { validation: { x: xVal, y: yVal }, resumeFrom: 'run/last.json' });
 * ```
 */
export interface FitOptions {
  /** Data evaluated at the end of every epoch (loss, accuracy); the plateau scheduler observes its loss. */
  validation?: Dataset;
  /** A checkpoint to continue from (written by the `checkpoint` callback of an identical configuration). */
  resumeFrom?: string;
}

const CONFIG_KEYS: ReadonlyArray<keyof TrainerConfig> = [
  'model', 'loss', 'optimizer', 'scheduler', 'regularizers', 'gradients', 'constraints', 'order', 'callbacks',
  'batchSize', 'epochs', 'seed', 'dropLast', 'gradTolerance', 'nanGuard', 'progressBar', 'evalBatchSize', 'cycleMomentum',
  'accumulateGradBatches',
];

/** The state of one `fit` call. */
interface Run {
  x: Tensor;
  y: Targets;
  n: number;
  validation: Dataset | null;
  /** The micro-batch sizes of an epoch (the batches the data order plans). */
  sizes: number[];
  /** Optimizer steps per epoch: the micro-batches grouped by `accumulateGradBatches`. */
  stepsPerEpoch: number;
  totalSteps: number;
  epoch: number;
  step: number;
  epochStartRng: RngState;
  acc: EpochAccumulator;
  stop: { reason: StopReason; message: string } | null;
  resumed: boolean;
  /** Whether the targets were checked against the model's outputs (at the first step of the fit). */
  targetsChecked: boolean;
  /** The model's buffers (BatchNorm running statistics), restored when a step fails. */
  buffers: Tensor[];
  /** The model's random generators (Dropout's) by name: checkpointed, and restored when a step fails. */
  generators: Array<[string, Rng]>;
  /** Every plugin's own state and generators, for checkpoints. */
  plugins: OwnedPlugin[];
  pendingCheckpoints: string[];
  history: History;
  ctx: TrainContext;
}

/**
 * Trains a model: mini-batches from a data order, loss plus penalties, autodiff, gradient
 * transforms, a scheduled learning rate, the optimizer update and constraints, with callbacks,
 * validation, stop criteria and resumable checkpoints. All randomness comes from `new Rng(seed)`,
 * split once per consumer, so a run is reproducible bit for bit.
 *
 * @throws ConfigError / ValueError at construction for an invalid configuration (unknown key,
 * batch size 0, unknown plugin name, bad plugin options…).
 * @example
 * ```ts
 * import { Rng, tensor } from '@descent/tensor';
 * import { Linear, Sequential, ReLU } from '@descent/layers';
 * import { Trainer } from '@descent/optim';
 *
 * const rng = new Rng(0);
 * const model = new Sequential(new Linear(2, 16, { rng }), new ReLU(), new Linear(16, 2, { rng }));
 * const trainer = new Trainer({
 *   model, loss: 'crossEntropy',
 *   optimizer: { name: 'sgd', options: { lr: 0.1, momentum: 0.9 } },
 *   scheduler: { name: 'onecycle', options: { maxLr: 0.5 } },
 *   gradients: [{ name: 'gradientNoise', options: { eta: 0.01 } }],
 *   callbacks: [{ name: 'earlyStopping', options: { patience: 5 } }],
 *   batchSize: 16, epochs: 50, seed: 0,
 * });
 * const history = trainer.fit({ x, y }, { validation: { x: xVal, y: yVal } });
 * console.log(history.epochs.at(-1)?.valAccuracy, history.stopReason);
 * ```
 */
export class Trainer {
  /** The model being trained (checked at construction). */
  readonly model: TrainableModel;
  /** The optimizer over the model's trainable parameters, built from `config.optimizer`. */
  readonly optimizer: Optimizer;
  /** The data-order plugin that plans each epoch's batches (default `'shuffle'`). */
  readonly order: DataOrder;
  /** Penalty terms added to the loss, in config order (default none). */
  readonly regularizers: readonly Regularizer[];
  /** Gradient transforms (clipping, noise) applied before the update, in config order. */
  readonly gradients: readonly GradientTransform[];
  /** Constraints applied to the parameters after each update, in config order. */
  readonly constraints: readonly Constraint[];
  /** Every callback, in call order: history, NaN guard, yours, progress bar. */
  readonly callbacks: readonly Callback[];
  /** Samples per mini-batch (an integer ≥ 1). */
  readonly batchSize: number;
  /** Passes over the training data per `fit` (an integer ≥ 1; a stop criterion may end sooner). */
  readonly epochs: number;
  /** Seed of the run's root `Rng`; every random choice (order, gradient noise) derives from it. */
  readonly seed: number;
  /** Mini-batches whose gradients make one optimizer step (1: none accumulated). */
  readonly accumulateGradBatches: number;
  private readonly config: TrainerConfig;
  private readonly lossFn: LossFunction;
  private readonly orderRng: Rng;
  private readonly gradientRngs: Rng[];
  private readonly params: NamedParameter[];
  private schedulerInstance: Scheduler | null = null;
  private run: Run | null = null;

  constructor(config: TrainerConfig) {
    const where = 'Trainer';
    if (config === null || typeof config !== 'object') throw new ConfigError(`${where}: expected a config object, but got ${describeValue(config)}`);
    for (const key of Object.keys(config)) {
      if (!CONFIG_KEYS.includes(key as keyof TrainerConfig)) throw new ConfigError(`${where}: unknown config key '${key}'. Known keys: ${CONFIG_KEYS.join(', ')}`);
    }
    this.config = config;
    this.model = checkModel(config.model, where);
    this.lossFn = resolveLoss(config.loss);
    this.batchSize = checkInt(config.batchSize, 'batchSize', 1, 'the number of samples per mini-batch (1 = on-line, the data size = off-line)');
    this.epochs = checkInt(config.epochs, 'epochs', 1, 'the number of passes over the data');
    if (typeof config.seed !== 'number' || !Number.isFinite(config.seed)) {
      throw new ConfigError(`${where}: seed must be a finite number (every random choice of the run derives from it), but got ${describeValue(config.seed)}`);
    }
    this.seed = config.seed;
    this.accumulateGradBatches = checkAccumulateGradBatches(config.accumulateGradBatches);
    if (config.gradTolerance !== undefined && !(typeof config.gradTolerance === 'number' && config.gradTolerance >= 0)) {
      throw new ValueError(`${where}: gradTolerance must be a number ≥ 0, but got ${describeValue(config.gradTolerance)}`);
    }
    if (config.evalBatchSize !== undefined) checkInt(config.evalBatchSize, 'evalBatchSize', 1, 'the batch size of the validation pass');
    for (const k of ['dropLast', 'nanGuard', 'progressBar', 'cycleMomentum'] as const) {
      if (config[k] !== undefined && typeof config[k] !== 'boolean') throw new ConfigError(`${where}: ${k} must be true or false, but got ${describeValue(config[k])}`);
    }

    this.optimizer = resolveOptimizer(config.optimizer, this.model);
    const names = new Map<Tensor, string>(namedParametersOf(this.model).map((p) => [p.tensor, p.name]));
    this.params = this.optimizer.params.map((t, i) => ({ name: names.get(t) ?? `param${i}`, tensor: t }));

    if (config.scheduler !== undefined && config.scheduler !== null && !isScheduler(config.scheduler)) {
      const name = typeof config.scheduler === 'string' ? config.scheduler : (config.scheduler as SchedulerSpec).name;
      if (typeof name !== 'string') throw new ConfigError(`${where}: scheduler must be a Scheduler, a name or { name, options }, but got ${describeValue(config.scheduler)}`);
      if (typeof config.scheduler === 'object') checkSchedulerSpec(config.scheduler as SchedulerSpec, `${where}: scheduler`);
      schedulers.get(name); // NOTE: an unknown name fails now, listing the registered ones; options are checked when fit() knows the run length.
    }
    this.order = resolvePlugin(orders, config.order ?? 'shuffle', isDataOrder, `${where}: order`);
    this.regularizers = listOf(config.regularizers, 'regularizers').map((r, i) => resolvePlugin(regularizerRegistry, r, isRegularizer, `${where}: regularizers[${i}]`));
    this.gradients = listOf(config.gradients, 'gradients').map((g, i) => resolvePlugin(gradientTransforms, g, isGradientTransform, `${where}: gradients[${i}]`));
    this.constraints = listOf(config.constraints, 'constraints').map((c, i) => resolvePlugin(constraintRegistry, c, isConstraint, `${where}: constraints[${i}]`));
    const user = listOf(config.callbacks, 'callbacks').map((c, i) => resolvePlugin(callbackRegistry, c, isCallback, `${where}: callbacks[${i}]`));
    const has = (name: string) => user.some((c) => c.name === name);
    const list: Callback[] = [];
    list.push(user.find((c) => c.name === 'history') ?? historyCallback());
    if (config.nanGuard !== false && !has('nanGuard')) list.push(nanGuard());
    list.push(...user.filter((c) => c.name !== 'history' && c.name !== 'progressBar'));
    const wantBar = config.progressBar ?? progressBarByDefault();
    const bar = user.find((c) => c.name === 'progressBar');
    if (bar) list.push(bar);
    else if (wantBar) list.push(progressBar());
    this.callbacks = list;

    // NOTE: one split per consumer, in a fixed order, so adding a consumer later does not shift the others.
    const root = new Rng(this.seed);
    this.orderRng = root.split();
    this.gradientRngs = this.gradients.map(() => root.split());
  }

  /** The learning-rate schedule in use (created from its spec when `fit` starts), or null.
   * @example
   * ```ts
   * trainer.fit(train);
   * trainer.scheduler?.name; // 'onecycle'
   * ```
   */
  get scheduler(): Scheduler | null {
    return this.schedulerInstance;
  }

  /** The trained parameters with their names, in the optimizer's order.
   * @example
   * ```ts
   * trainer.parameters.map((p) => p.name); // ['fc1.weight', 'fc1.bias', …]
   * ```
   */
  get parameters(): readonly NamedParameter[] {
    return this.params;
  }

  /**
   * Train on `train` for the configured epochs (or until a stop criterion) and return the history.
   * Each call is a new run: steps and epochs count from 0, the optimizer keeps its state.
   *
   * @throws ValueError / ShapeError for empty data, x/y length mismatch or a batch size larger than
   * the data; StateError when `resumeFrom` is unreadable, corrupted or does not fit (nothing is
   * changed then); NonFiniteError from the NaN guard (parameters and optimizer state as before that step).
   * @example
   * ```ts
   * const history = trainer.fit({ x, y }, { validation: { x: xVal, y: yVal } });
   * history.steps.map((s) => s.loss);
   * ```
   */
  fit(train: Dataset, options: FitOptions = {}): History {
    if (this.run) throw new StateError('Trainer.fit: this trainer is already running (fit was called from a callback)');
    if (options === null || typeof options !== 'object') throw new ConfigError(`Trainer.fit: options must be an object, but got ${describeValue(options)}`);
    for (const k of Object.keys(options)) if (k !== 'validation' && k !== 'resumeFrom') throw new ConfigError(`Trainer.fit: unknown option '${k}'. Known options: validation, resumeFrom`);
    const { x, y, n } = checkData(train, 'training data');
    if (this.batchSize > n) {
      throw new ValueError(`Trainer.fit: batchSize (${this.batchSize}) is larger than the training data (${n} samples); use batchSize ≤ ${n} (batchSize = ${n} is full-batch training)`);
    }
    const validation = options.validation === undefined ? null : checkData(options.validation, 'validation data');
    const sizes = planBatchSizes(n, this.batchSize, this.config.dropLast ?? false);
    const stepsPerEpoch = optimizerStepsPerEpoch(sizes.length, this.accumulateGradBatches);
    const totalSteps = this.epochs * stepsPerEpoch;
    this.schedulerInstance = this.resolveScheduler(totalSteps);
    if (this.schedulerInstance) this.checkScheduleCoversRun(this.schedulerInstance, totalSteps, stepsPerEpoch);
    // A schedule that cycles momentum needs every group's plugin to declare its momentum option.
    const cycling = this.schedulerInstance !== null && this.config.cycleMomentum !== false && (this.schedulerInstance.momentum?.(0) ?? null) !== null;
    if (cycling) for (const g of this.optimizer.groups) momentumTarget(this.optimizer.plugin, g.options as unknown as Record<string, unknown>, this.schedulerInstance!.name);

    const history: History = { steps: [], epochs: [], stopReason: 'epochs', stopMessage: '' };
    const run: Run = {
      x, y, n, validation: validation && { x: validation.x, y: validation.y }, sizes, stepsPerEpoch, totalSteps,
      epoch: 0, step: 0, epochStartRng: this.orderRng.getState(), acc: emptyAccumulator(), stop: null, resumed: false, targetsChecked: false, buffers: bufferTensors(this.model), generators: generatorsOf(this.model), plugins: [], pendingCheckpoints: [], history,
      ctx: undefined as unknown as TrainContext,
    };
    run.ctx = this.makeContext(run);
    run.plugins = this.ownedPlugins();
    const names = this.params.map((p) => p.name);
    const tensors = this.params.map((p) => p.tensor);

    this.run = run;
    try {
      // NOTE: the order plans micro-batches, so its steps count micro-batches.
      this.order.init?.({ x, y, n, totalSteps: this.epochs * sizes.length, rng: this.orderRng });
      run.epochStartRng = this.orderRng.getState();
      this.gradients.forEach((g, i) => g.init?.({ rng: this.gradientRngs[i]!, params: tensors, names }));
      if (options.resumeFrom !== undefined) this.resume(options.resumeFrom, run);

      this.model.train?.(true);
      this.each('onTrainBegin', (cb) => cb.onTrainBegin?.(run.ctx));
      // NOTE: a stop requested mid-epoch (possibly before a checkpoint was taken) still runs that epoch's end.
      while (run.epoch < this.epochs && (run.stop === null || run.step > run.epoch * run.stepsPerEpoch)) {
        this.runEpoch(run);
      }
      if (run.stop) { history.stopReason = run.stop.reason; history.stopMessage = run.stop.message; }
      else { history.stopReason = 'epochs'; history.stopMessage = `completed ${this.epochs} epoch(s)`; }
      this.each('onTrainEnd', (cb) => cb.onTrainEnd?.(history, run.ctx));
      return history;
    } finally {
      this.run = null;
      for (const cb of this.callbacks) {
        try { cb.dispose?.(); } catch { /* NOTE: a failing dispose must not hide the error that ended training */ }
      }
    }
  }

  // ── the loop ─────────────────────────────────────────────────────────────────────────────────

  private runEpoch(run: Run): void {
    const epoch = run.epoch;
    const firstStep = epoch * run.stepsPerEpoch;
    this.orderRng.setState(run.epochStartRng);
    const micro = run.sizes.length;
    const plan = this.order.batches({ n: run.n, batchSizes: run.sizes, epoch, step: epoch * micro, totalSteps: this.epochs * micro, rng: this.orderRng });
    checkPlan(plan, run.sizes, run.n, this.order.name, epoch);
    const groups = groupMicroBatches(plan, this.accumulateGradBatches);
    const startBatch = run.step - firstStep;
    this.each('onEpochBegin', (cb) => cb.onEpochBegin?.(epoch, run.ctx));
    for (let b = startBatch; b < groups.length && run.stop === null; b++) {
      this.runStep(run, epoch, b, groups[b]!);
    }
    if (run.stop !== null && run.step === firstStep) return; // NOTE: stopped before the epoch's first update: no epoch to record
    this.endEpoch(run, epoch);
  }

  private runStep(run: Run, epoch: number, batch: number, group: Int32Array[]): void {
    const step = run.step;
    this.each('onBatchBegin', (cb) => cb.onBatchBegin?.(step, run.ctx));
    // NOTE: the forward pass updates buffers (BatchNorm's running statistics): a step that fails
    // puts them back too, so a failed step leaves the whole model state as it was.
    const buffersBefore = run.buffers.length ? run.buffers.map((b) => b.data()) : null;
    const generatorsBefore = run.generators.map(([, g]) => g.getState());
    const restoreGenerators = () => run.generators.forEach(([, g], i) => g.setState(generatorsBefore[i]!));
    let record: StepRecord;
    try {
      const r = this.stepUpdate(run, epoch, batch, group);
      if (r === null) {
        // gradTolerance stopped the run before the update: that step changes no model state either.
        if (buffersBefore) run.buffers.forEach((b, i) => b.assign(buffersBefore[i]!));
        restoreGenerators();
        return;
      }
      record = r;
    } catch (e) {
      if (buffersBefore) run.buffers.forEach((b, i) => b.assign(buffersBefore[i]!));
      restoreGenerators();
      throw e;
    }
    run.step = step + 1;

    // 8: callbacks.
    this.each('onBatchEnd', (cb) => {
      if (cb.onBatchEnd?.(record, run.ctx) === 'stop') this.requestStop(run, 'callback', `callback '${cb.name}' stopped training at step ${step}`);
    });
    this.flushCheckpoints(run);
  }

  /** Steps 1–7 of one batch; returns the step's record, or null when gradTolerance stops the run
   * before the update. Throws with parameters and optimizer state as they were. */
  private stepUpdate(run: Run, epoch: number, batch: number, group: Int32Array[]): StepRecord | null {
    const step = run.step;
    const params = this.params;
    const tensors = params.map((p) => p.tensor);
    const samples = group.reduce((s, b) => s + b.length, 0);

    // 1–3: forward, loss + penalties, backward, once per micro-batch of the group (a single batch
    // unless accumulateGradBatches > 1), the gradients summed.
    const weights = microBatchWeights(group);
    let lossValue = 0, penaltyValue = 0;
    let correct = 0, counted = 0, classified = false;
    const where = { step, epoch, batch };
    const { objective, grads: rawGrads } = accumulateGradients(group, tensors, (indices, i) => {
      const m = this.microBatchObjective(run, indices, weights[i]!, i === 0, where);
      lossValue += weights[i]! * m.dataLoss.item();
      if (m.penalty !== null) penaltyValue = m.penalty.item();
      const h = noGrad(() => countCorrect(m.prediction, m.targets));
      if (h) { correct += h.correct; counted += h.total; classified = true; }
      return m.total;
    });
    const gradNorm = globalNorm(rawGrads);

    // 4: gradient transforms, in config order.
    const gctx: GradientContext = { step, epoch, params: tensors, names: params.map((p) => p.name) };
    let grads = rawGrads;
    for (const t of this.gradients) {
      const out = t.apply(grads, gctx);
      checkGrads(out, tensors, t.name);
      grads = out;
    }
    const transformedGradNorm = this.gradients.length ? globalNorm(grads) : gradNorm;
    this.each('onBackwardEnd', (cb) => cb.onBackwardEnd?.({ step, epoch, batch, loss: lossValue, penalty: penaltyValue, rawGrads, grads, params }, run.ctx));

    const tol = this.config.gradTolerance ?? 0;
    if (tol > 0 && gradNorm < tol) {
      run.stop = { reason: 'gradTolerance', message: `the global gradient norm ${gradNorm} fell below gradTolerance ${tol} at step ${step}; the parameters were not updated at that step` };
      return null;
    }

    // 5: learning rate (and cycled momentum) from the scheduler.
    const lrs = this.stepLrs(step, epoch);
    const momentum = this.config.cycleMomentum === false ? null : this.schedulerInstance?.momentum?.(step) ?? null;
    const before = tensors.map((t) => t.data());
    const rollback = this.callbacks.some((cb) => cb.onUpdateEnd) || this.constraints.length > 0 ? this.optimizer.state() : null;
    const previousOptions = momentum === null ? null : setMomentum(this.optimizer, momentum, this.schedulerInstance!.name);
    const appliedMomentum = previousOptions !== null && previousOptions.some(([, key]) => key !== '') ? momentum : null;

    // 6–7: optimizer update, constraints.
    try {
      this.optimizer.stepWithGrads(grads, lrs, this.optimizer.plugin.needsClosure ? { loss: objective, closure: this.groupClosure(run, group, where) } : undefined);
      for (const c of this.constraints) c.apply(params);
      this.each('onUpdateEnd', (cb) => cb.onUpdateEnd?.({ step, epoch, params }, run.ctx));
    } catch (e) {
      // NOTE: undo the step: parameters, optimizer state and momentum options as they were.
      tensors.forEach((t, i) => t.assign(before[i]!));
      if (previousOptions) restoreOptions(previousOptions);
      if (rollback) this.optimizer.loadState(rollback);
      throw e;
    }

    // Diagnostics: update norm, largest single-parameter move, update/weight ratio.
    let du2 = 0, w2 = 0, maxUpdate = 0;
    tensors.forEach((t, i) => {
      const a = before[i]!, b = t.buffer();
      for (let k = 0; k < a.length; k++) {
        const d = b[k]! - a[k]!;
        du2 += d * d;
        w2 += a[k]! * a[k]!;
        const ad = Math.abs(d);
        if (ad > maxUpdate || Number.isNaN(ad)) maxUpdate = ad;
      }
    });
    const updateNorm = Math.sqrt(du2);
    const weightNorm = Math.sqrt(w2);
    const record: StepRecord = {
      step, epoch, batch, batchSize: samples, loss: lossValue, penalty: penaltyValue,
      ...(classified ? { accuracy: correct / counted } : {}),
      lr: lrs === undefined ? this.optimizer.baseLrs[0]! : lrs[0]!,
      ...(appliedMomentum !== null ? { momentum: appliedMomentum } : {}),
      gradNorm, transformedGradNorm, updateNorm, maxUpdate, updateRatio: weightNorm > 0 ? updateNorm / weightNorm : 0,
      dataFraction: this.order.fractionAt ? this.order.fractionAt(epoch * run.sizes.length + batch * this.accumulateGradBatches) : 1,
    };
    const acc = run.acc;
    acc.steps++;
    acc.samples += samples;
    acc.lossSum += lossValue * samples;
    acc.penaltySum += penaltyValue * samples;
    acc.gradNormSum += gradNorm;
    acc.lastLr = record.lr;
    if (classified) { acc.correct += correct; acc.counted += counted; }
    return record;
  }

  /** One micro-batch's objective: the forward pass, its data loss times `weight` (its share of
   * the group's samples: 1 without accumulation), plus the penalties when `withPenalty` (once per
   * optimizer step). Errors of the forward pass and the loss name the step. */
  private microBatchObjective(run: Run, indices: Int32Array, weight: number, withPenalty: boolean, where: { step: number; epoch: number; batch: number }): {
    prediction: Tensor; targets: Targets; dataLoss: Tensor; penalty: Tensor | null; total: Tensor;
  } {
    const targets = takeTargets(run.y, indices);
    let prediction: Tensor;
    let dataLoss: Tensor;
    try {
      prediction = callModel(this.model, takeRows(run.x, indices));
      if (!run.targetsChecked) {
        // NOTE: before the first update of the run, so labels that do not fit the model fail with nothing changed.
        this.checkTargets(run, prediction);
        run.targetsChecked = true;
      }
      dataLoss = checkScalarLoss(this.lossFn(prediction, targets));
    } catch (e) {
      throw withStepContext(e, where.step, where.epoch, where.batch);
    }
    let penalty: Tensor | null = null;
    for (const r of withPenalty ? this.regularizers : []) {
      const p = r.penalty(this.params);
      if (p === null) continue;
      if (!(p instanceof Tensor) || p.size !== 1) throw new ValueError(`regularizer '${r.name}': penalty() must return a scalar Tensor or null, but got ${describeValue(p)}`);
      penalty = penalty === null ? p : add(penalty, p);
    }
    const weighted = weight === 1 ? dataLoss : mul(dataLoss, weight);
    const total = penalty === null ? weighted : add(weighted, penalty);
    if (!total.requiresGrad) {
      throw new ConfigError('Trainer: the loss does not depend on any trained parameter (are the parameters marked requireGrad()? is the forward pass inside noGrad?)');
    }
    return { prediction, targets, dataLoss, penalty, total };
  }

  /** The loss closure of a step's micro-batches for closure optimizers (L-BFGS, SAM): forward,
   * loss + penalties and backward at the parameters' current values, accumulated as the step's
   * own gradient is; gradient transforms are not applied. */
  private groupClosure(run: Run, group: Int32Array[], where: { step: number; epoch: number; batch: number }): LossClosure {
    const tensors = this.params.map((p) => p.tensor);
    const weights = microBatchWeights(group);
    return () => {
      const { objective, grads } = accumulateGradients(group, tensors, (indices, i) => this.microBatchObjective(run, indices, weights[i]!, i === 0, where).total);
      return { loss: objective, grads };
    };
  }

  private endEpoch(run: Run, epoch: number): void {
    const acc = run.acc;
    let val: { loss: number; accuracy?: number } | null = null;
    if (run.validation) val = this.evaluate(run.validation);
    const record: EpochRecord = {
      epoch, steps: acc.steps,
      loss: acc.samples ? acc.lossSum / acc.samples : NaN,
      penalty: acc.samples ? acc.penaltySum / acc.samples : NaN,
      ...(acc.counted ? { accuracy: acc.correct / acc.counted } : {}),
      ...(val ? { valLoss: val.loss } : {}),
      ...(val?.accuracy !== undefined ? { valAccuracy: val.accuracy } : {}),
      lr: acc.lastLr,
      gradNorm: acc.steps ? acc.gradNormSum / acc.steps : NaN,
    };
    const metric = record.valLoss ?? record.loss;
    // A NaN or infinite metric is observed too: it is never an improvement, so it counts as a bad epoch (PyTorch).
    if (this.schedulerInstance?.observe) this.schedulerInstance.observe(metric, epoch);
    this.each('onEpochEnd', (cb) => {
      if (cb.onEpochEnd?.(record, run.ctx) === 'stop') this.requestStop(run, 'callback', `callback '${cb.name}' stopped training after epoch ${epoch}`);
    });
    run.epoch = epoch + 1;
    run.step = run.epoch * run.stepsPerEpoch;
    run.epochStartRng = this.orderRng.getState();
    run.acc = emptyAccumulator();
    this.flushCheckpoints(run);
  }

  /**
   * Loss (and accuracy, for classification) of the model on a data set, in evaluation mode and
   * without recording gradients.
   * @throws ValueError / ShapeError for empty or mismatched data.
   * @example
   * ```ts
   * const { loss, accuracy } = trainer.evaluate({ x: xTest, y: yTest });
   * ```
   */
  evaluate(data: Dataset): {
    /** Mean data loss over all samples (no penalties). */ loss: number;
    /** Fraction of correct predictions (classification only; absent otherwise). */ accuracy?: number } {
    const { x, y, n } = checkData(data, 'evaluation data');
    const chunk = this.config.evalBatchSize ?? 1024;
    const wasTraining = (this.model as { training?: boolean }).training;
    this.model.eval?.();
    // An optimizer with an evaluation point (Schedule-Free's x) is evaluated there.
    const switched = this.optimizer.evalMode();
    try {
      return noGrad(() => {
        let lossSum = 0, correct = 0, counted = 0;
        for (let start = 0; start < n; start += chunk) {
          const idx = Int32Array.from({ length: Math.min(chunk, n - start) }, (_, i) => start + i);
          const yb = takeTargets(y, idx);
          const pred = callModel(this.model, takeRows(x, idx));
          lossSum += checkScalarLoss(this.lossFn(pred, yb)).item() * idx.length;
          const hits = countCorrect(pred, yb);
          if (hits) { correct += hits.correct; counted += hits.total; }
        }
        return counted ? { loss: lossSum / n, accuracy: correct / counted } : { loss: lossSum / n };
      });
    } finally {
      if (switched) this.optimizer.trainMode();
      if (wasTraining !== false) this.model.train?.(true);
    }
  }

  // ── helpers ──────────────────────────────────────────────────────────────────────────────────

  private stepLrs(step: number, epoch: number): number[] | undefined {
    const s = this.schedulerInstance;
    if (!s) return undefined;
    const lr = s.lr(step, epoch);
    if (typeof lr !== 'number' || !Number.isFinite(lr) || lr < 0) {
      throw new ValueError(`Trainer.fit: scheduler '${s.name}' gave the learning rate ${formatValue(lr)} at step ${step} (epoch ${epoch}); a learning rate must be a finite number ≥ 0 (nothing was updated at that step)`);
    }
    const base = this.optimizer.baseLrs;
    if (base.length === 1) return [lr];
    // NOTE: several parameter groups: each keeps its ratio to the schedule's base lr (PyTorch scales per group).
    return base.map((b) => (s.baseLr > 0 ? (lr * b) / s.baseLr : lr));
  }

  /** With the `'crossEntropy'` loss, every training and validation label must be a class index of
   * the model's outputs: checked once the first prediction gives the number of classes. */
  private checkTargets(run: Run, prediction: Tensor): void {
    if (this.config.loss !== 'crossEntropy') return;
    if (prediction.rank !== 2) {
      throw new ShapeError(`Trainer.fit: the 'crossEntropy' loss needs the model to output [batch, classes], but it gave shape [${prediction.shape.join(',')}]`);
    }
    const classes = prediction.shape[1]!;
    checkClassLabels(run.y, classes, 'training');
    if (run.validation) checkClassLabels(run.validation.y, classes, 'validation');
  }

  /** A schedule built by the trainer must give a learning rate (and momentum) for the run's last
   * step; a too-short one-cycle would otherwise fail mid-run, after updates. Instances are only
   * checked through a `totalSteps` property (their `lr` is not called outside the loop). */
  private checkScheduleCoversRun(s: Scheduler, totalSteps: number, perEpoch: number): void {
    const last = totalSteps - 1;
    const run = `this run takes ${totalSteps} steps (${this.epochs} epoch(s) × ${perEpoch} batch(es)), so it needs steps 0…${last}`;
    const own = (s as { totalSteps?: unknown }).totalSteps;
    if (typeof own === 'number' && own < last) {
      throw new ValueError(`Trainer.fit: scheduler '${s.name}' has totalSteps ${own}, but ${run}; raise totalSteps to at least ${last} (or leave it out: the trainer fills in the run's length)`);
    }
    if (isScheduler(this.config.scheduler)) return;
    try {
      s.lr(last, this.epochs - 1);
      if (this.config.cycleMomentum !== false) s.momentum?.(last);
    } catch (e) {
      if (e instanceof DescentError) throw new (e.constructor as new (m: string) => DescentError)(`Trainer.fit: scheduler '${s.name}' cannot cover the run: ${run}: ${e.message}`);
      throw e;
    }
  }

  private resolveScheduler(totalSteps: number): Scheduler | null {
    const input = this.config.scheduler;
    if (input === undefined || input === null) return null;
    if (isScheduler(input)) return input;
    const spec: SchedulerSpec = typeof input === 'string' ? { name: input } : input;
    const options: Record<string, unknown> = { ...(spec.options ?? {}) };
    const defaults = schedulers.get(spec.name).defaults as Record<string, unknown>;
    // NOTE: run-length options with no default take the run's number of steps.
    if ('totalSteps' in defaults && defaults.totalSteps == null && options.totalSteps == null && options.epochs == null && options.stepsPerEpoch == null) {
      options.totalSteps = totalSteps;
    }
    if ('tMax' in defaults && defaults.tMax == null && options.tMax == null) options.tMax = totalSteps;
    return createScheduler(spec.name, options, this.optimizer.baseLrs[0]);
  }

  private each(hook: string, call: (cb: Callback) => void): void {
    for (const cb of this.callbacks) {
      try {
        call(cb);
      } catch (e) {
        throw callbackFailure(e, cb.name, hook);
      }
    }
  }

  private requestStop(run: Run, reason: StopReason, message: string): void {
    if (run.stop === null) run.stop = { reason, message };
  }

  private makeContext(run: Run): TrainContext {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const trainer = this;
    return {
      get model() { return trainer.model; },
      get optimizer() { return trainer.optimizer; },
      get scheduler() { return trainer.schedulerInstance; },
      get history() { return run.history; },
      get params() { return trainer.params; },
      get epochs() { return trainer.epochs; },
      get stepsPerEpoch() { return run.stepsPerEpoch; },
      get totalSteps() { return run.totalSteps; },
      get epoch() { return run.epoch; },
      get step() { return run.step; },
      get hasValidation() { return run.validation !== null; },
      get resumed() { return run.resumed; },
      stop: (reason: StopReason, message?: string) => trainer.requestStop(run, reason, message ?? `stopped (${reason}) at step ${run.step}`),
      requestCheckpoint: (path: string) => {
        if (typeof path !== 'string' || path.length === 0) throw new ValueError(`requestCheckpoint: path must be a non-empty string, but got ${describeValue(path)}`);
        run.pendingCheckpoints.push(path);
      },
    };
  }

  // ── checkpoints ──────────────────────────────────────────────────────────────────────────────

  /** The plugins that own something for checkpoints: orders, regularizers and constraints with a
   * `state()`, and every plugin (gradient transforms, callbacks and the scheduler too, whose
   * `state()` is saved in their own fields) holding a generator as a property. */
  private ownedPlugins(): OwnedPlugin[] {
    return [
      ownedPlugin(this.order, true),
      ...this.regularizers.map((r) => ownedPlugin(r, true)),
      ...this.constraints.map((c) => ownedPlugin(c, true)),
      ...this.gradients.map((g) => ownedPlugin(g, false)),
      ...this.callbacks.map((c) => ownedPlugin(c, false)),
      ...(this.schedulerInstance ? [ownedPlugin(this.schedulerInstance, false)] : []),
    ].filter((p) => p.hooks !== null || p.generators.length > 0); // NOTE: only those with something to save (a progress bar comes and goes with the terminal)
  }

  private fingerprint(run: Run): CheckpointFingerprint {
    return {
      params: this.params.map((p) => ({ name: p.name, shape: p.tensor.shape.slice(), dtype: p.tensor.dtype })),
      optimizer: this.optimizer.name,
      scheduler: this.schedulerInstance?.name ?? null,
      order: this.order.name,
      gradients: this.gradients.map((g) => g.name),
      callbacks: this.callbacks.filter((c) => c.state).map((c) => c.name),
      batchSize: this.batchSize,
      samples: run.n,
      stepsPerEpoch: run.stepsPerEpoch,
      accumulateGradBatches: this.accumulateGradBatches,
    };
  }

  private flushCheckpoints(run: Run): void {
    if (run.pendingCheckpoints.length === 0) return;
    const paths = [...new Set(run.pendingCheckpoints)];
    run.pendingCheckpoints = [];
    const progress: CheckpointProgress = {
      epoch: run.epoch, batch: run.step - run.epoch * run.stepsPerEpoch, step: run.step, orderRng: run.epochStartRng, stop: run.stop,
    };
    // The checkpoint holds the evaluation parameters (Schedule-Free's x); the optimizer state then
    // carries the training values, restored on resume.
    const body: CheckpointBody = this.inEvalMode(() => ({
      fingerprint: this.fingerprint(run),
      progress,
      accumulator: { ...run.acc },
      model: encodeSnapshot(snapshotModel(this.model)),
      optimizer: this.optimizer.state(),
      scheduler: this.schedulerInstance ? this.schedulerInstance.state() : null,
      gradients: this.gradients.map((g) => (g.state ? g.state() : null)),
      callbacks: this.callbacks.filter((c) => c.state).map((c) => ({ name: c.name, state: c.state!() })),
      history: run.history,
      generators: Object.fromEntries(run.generators.map(([name, g]) => [name, g.getState()])),
      plugins: savePlugins(run.plugins),
    }));
    for (const p of paths) writeCheckpoint(p, body);
  }

  /** Run `fn` with the optimizer in evaluation mode (`Optimizer.evalMode`), then back in training mode. */
  private inEvalMode<T>(fn: () => T): T {
    const switched = this.optimizer.evalMode();
    try {
      return fn();
    } finally {
      if (switched) this.optimizer.trainMode();
    }
  }

  /** Load a checkpoint into the trainer's objects: everything is checked first, and a failure
   * part-way restores what was already loaded, so a bad checkpoint changes nothing. */
  private resume(path: string, run: Run): void {
    const { body } = readCheckpoint(path);
    const mismatches = fingerprintMismatches(body.fingerprint, this.fingerprint(run));
    if (mismatches.length) throw new StateError(`checkpoint '${path}' does not match this trainer (nothing was loaded):\n  ${mismatches.join('\n  ')}`);
    const p = body.progress; // NOTE: in range for this run: readCheckpoint checked it against the fingerprint, which matches.
    const generators = body.generators ?? {};
    const names = run.generators.map(([name]) => name);
    if (JSON.stringify(Object.keys(generators)) !== JSON.stringify(names)) {
      throw new StateError(`checkpoint '${path}' does not match this trainer (nothing was loaded): the model's random generators are ${formatValue(names)}, but the checkpoint saved ${formatValue(Object.keys(generators))}`);
    }
    // NOTE: a file written before plugin states were saved has none: it fits only plugins that keep nothing.
    const plugins = body.plugins ?? run.plugins.map((pl) => ({ name: pl.name, state: null, generators: {} }));
    const pluginProblems = pluginMismatches(plugins, run.plugins);
    if (pluginProblems.length) throw new StateError(`checkpoint '${path}' does not match this trainer (nothing was loaded):\n  ${pluginProblems.join('\n  ')}`);
    const model = decodeSnapshot(body.model, `checkpoint '${path}' model`);
    const stateful = this.callbacks.filter((c) => c.state);
    const saved = {
      model: snapshotModel(this.model),
      optimizer: this.optimizer.state(),
      scheduler: this.schedulerInstance?.state() ?? null,
      gradients: this.gradients.map((g) => (g.state ? g.state() : null)),
      callbacks: stateful.map((c) => c.state!()),
      orderRng: this.orderRng.getState(),
      generators: run.generators.map(([, g]) => g.getState()),
      plugins: savePlugins(run.plugins),
    };
    const apply = (s: {
      model: ReturnType<typeof snapshotModel>; optimizer: OptimizerStateDict; scheduler: SchedulerState | null;
      gradients: PluginState[]; callbacks: PluginState[]; orderRng: RngState; generators: RngState[]; plugins: SavedPlugin[];
    }) => {
      restoreModel(this.model, s.model);
      this.optimizer.loadState(s.optimizer);
      if (this.schedulerInstance) this.schedulerInstance.loadState(s.scheduler ?? {});
      this.gradients.forEach((g, i) => { if (g.loadState) g.loadState(s.gradients[i]!); });
      stateful.forEach((c, i) => c.loadState?.(s.callbacks[i]!));
      this.orderRng.setState(s.orderRng);
      run.generators.forEach(([, g], i) => g.setState(s.generators[i]!));
      restorePlugins(s.plugins, run.plugins);
    };
    try {
      apply({ model, optimizer: body.optimizer, scheduler: body.scheduler, gradients: body.gradients, callbacks: body.callbacks.map((c) => c.state), orderRng: p.orderRng, generators: names.map((n) => generators[n]!), plugins });
    } catch (e) {
      apply(saved);
      throw new StateError(`checkpoint '${path}' could not be loaded (nothing was changed): ${(e as Error).message}`);
    }
    this.optimizer.trainMode(); // a checkpoint is written in evaluation mode
    run.epoch = p.epoch;
    run.step = p.step;
    run.epochStartRng = p.orderRng;
    run.acc = { ...emptyAccumulator(), ...body.accumulator };
    run.stop = p.stop;
    run.resumed = true;
    run.history.steps.push(...body.history.steps);
    run.history.epochs.push(...body.history.epochs);
  }
}

// ── module helpers ───────────────────────────────────────────────────────────────────────────────

/** The model's buffers (a `@descent/layers` Module's `namedBuffers()`), or none. */
function bufferTensors(model: TrainableModel): Tensor[] {
  const m = model as TrainableModel & { namedBuffers?: () => Array<[string, Tensor]> };
  return typeof m.namedBuffers === 'function' ? m.namedBuffers().map(([, t]) => t) : [];
}

/** The model's random generators by name (`namedGenerators()`), or none. */
function generatorsOf(model: TrainableModel): Array<[string, Rng]> {
  return typeof model.namedGenerators === 'function' ? model.namedGenerators() : [];
}

/** What a callback's hook threw, naming the callback and hook: an Error gets them prepended to its
 * message; a frozen Error or a non-Error (a string…) is wrapped in a CallbackError that keeps it as `cause`. */
function callbackFailure(e: unknown, name: string, hook: string): unknown {
  if (e instanceof NonFiniteError || e instanceof CallbackError) return e;
  const prefix = `callback '${name}' (${hook})`;
  if (e instanceof Error) {
    const writable = Object.getOwnPropertyDescriptor(e, 'message')?.writable ?? Object.isExtensible(e);
    if (writable && !Object.isFrozen(e)) {
      if (!e.message.includes(`callback '${name}'`) && !e.message.startsWith(name)) e.message = `${prefix}: ${e.message}`;
      return e;
    }
    return new CallbackError(`${prefix} threw a frozen ${e.name || 'Error'}: ${e.message}`, name, hook, e);
  }
  return new CallbackError(`${prefix} threw ${e === null || e === undefined ? String(e) : typeof e === 'object' ? 'a non-Error object' : withArticle(typeof e)}: ${formatValue(e, 200)}`, name, hook, e);
}

/** Add where in the run an error of the forward pass or the loss happened (step, epoch, batch). */
function withStepContext(e: unknown, step: number, epoch: number, batch: number): unknown {
  if (e instanceof DescentError && !Object.isFrozen(e) && !e.message.startsWith('Trainer.fit:')) {
    e.message = `${e.message} (Trainer.fit: at step ${step}, epoch ${epoch}, batch ${batch}; nothing was updated at that step)`;
  }
  return e;
}

/** Class-index targets (a label list or a 1-D tensor) must be integers in [0, classes). */
function checkClassLabels(y: Targets, classes: number, what: string): void {
  if (y instanceof Tensor && y.rank !== 1) {
    throw new ShapeError(`Trainer.fit: the 'crossEntropy' loss needs the ${what} targets as class indices (a list or a 1-D tensor, one per sample), but got a tensor of shape [${y.shape.join(',')}]; for one-hot rows pass their argmax`);
  }
  const labels: ArrayLike<number> = y instanceof Tensor ? y.buffer() : y;
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i]!;
    if (!Number.isInteger(v) || v < 0 || v >= classes) {
      throw new ValueError(`Trainer.fit: the ${what} labels do not match the model's outputs: y[${i}] must be an integer class index in [0, ${classes - 1}] (the model gives ${classes} class scores per sample), but got ${formatValue(v)}`);
    }
  }
}

function checkInt(v: unknown, name: string, min: number, meaning: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    throw new ValueError(`Trainer: ${name} must be an integer ≥ ${min} (${meaning}), but got ${describeValue(v)}`);
  }
  return v;
}

function listOf<T>(value: ReadonlyArray<T> | undefined, name: string): T[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new ConfigError(`Trainer: ${name} must be a list, but got ${describeValue(value)}`);
  return value.slice();
}

function isOptimizer(value: unknown): value is Optimizer {
  const v = value as Partial<Optimizer> | null;
  return value instanceof Optimizer
    || (v !== null && typeof v === 'object' && typeof v.stepWithGrads === 'function' && typeof v.state === 'function' && typeof v.loadState === 'function' && Array.isArray(v.params));
}

/** Whether a value is an optimizer plugin object (has `init` and `update` functions). */
function isOptimizerPluginObject(value: unknown): value is AnyOptimizerPlugin {
  const v = value as Partial<AnyOptimizerPlugin> | null;
  return v !== null && typeof v === 'object' && typeof v.init === 'function' && typeof v.update === 'function';
}

function resolveOptimizer(input: unknown, model: TrainableModel): Optimizer {
  if (isOptimizer(input)) return input;
  // A plugin object stands wherever a name does: `adaBelief` or `{ name: adaBelief, options }`.
  const withPlugin = input !== null && typeof input === 'object' && isOptimizerPluginObject((input as { name?: unknown }).name)
    ? input as { name: AnyOptimizerPlugin; options?: unknown } : null;
  if (withPlugin) {
    const extra = Object.keys(withPlugin).filter((k) => k !== 'name' && k !== 'options');
    if (extra.length) throw new ConfigError(`Trainer: optimizer: unknown field '${extra[0]}' in { name, options } of '${withPlugin.name.name}' (fields given: ${Object.keys(withPlugin).join(', ')})`);
    if (withPlugin.options !== undefined && (withPlugin.options === null || typeof withPlugin.options !== 'object' || Array.isArray(withPlugin.options))) {
      throw new ConfigError(`Trainer: optimizer: the options of '${withPlugin.name.name}' must be an object, but got ${describeValue(withPlugin.options)}`);
    }
  }
  const spec: { name: string | AnyOptimizerPlugin; options?: Readonly<Record<string, unknown>> } | null = typeof input === 'string' ? { name: input, options: {} }
    : isOptimizerPluginObject(input) ? { name: input, options: {} }
      : withPlugin ? withPlugin as { name: AnyOptimizerPlugin; options?: Record<string, unknown> }
        : isPluginSpec(input) ? input : null;
  const problem = spec ? null : specProblem(input);
  if (problem) throw new ConfigError(`Trainer: optimizer: ${problem}`);
  if (!spec) throw new ConfigError(`Trainer: optimizer must be an Optimizer, a registered name, an optimizer plugin object or { name, options } (name: a registered name or a plugin object), but got ${describeValue(input)}`);
  const params = model.parameters().filter((p) => p.requiresGrad);
  if (params.length === 0) throw new ConfigError('Trainer: the model has no parameter that requires grad (all frozen?)');
  return new Optimizer(spec.name, params, spec.options ?? {});
}

function resolveLoss(spec: unknown): LossFunction {
  if (spec === 'crossEntropy') return (p, t) => crossEntropy(p, t as ArrayLike<number> | Tensor);
  if (spec === 'mse') return (p, t) => mse(p, t as Tensor);
  if (typeof spec === 'function') return spec as LossFunction;
  const m = spec as { call?: unknown; forward?: unknown } | null;
  if (m && typeof m === 'object' && typeof m.call === 'function') return (p, t) => (m.call as (a: Tensor, b: Targets) => Tensor).call(m, p, t);
  if (m && typeof m === 'object' && typeof m.forward === 'function') return (p, t) => (m.forward as (a: Tensor, b: Targets) => Tensor).call(m, p, t);
  throw new ConfigError(`Trainer: loss must be a function (prediction, target) => Tensor, a loss module, 'crossEntropy' or 'mse', but got ${describeValue(spec)}`);
}

function checkScalarLoss(loss: unknown): Tensor {
  if (!(loss instanceof Tensor)) throw new ValueError(`Trainer: the loss function must return a Tensor, but returned ${describeValue(loss)}`);
  if (loss.size !== 1) throw new ShapeError(`Trainer: the loss must be a scalar, but has shape [${loss.shape.join(',')}] (use reduction 'mean')`);
  return loss;
}

function checkData(data: unknown, what: string): { x: Tensor; y: Targets; n: number } {
  const d = data as Partial<Dataset> | null;
  if (d === null || typeof d !== 'object' || !('x' in d) || !('y' in d)) throw new ValueError(`Trainer.fit: the ${what} must be { x, y }, but got ${describeValue(data)}`);
  const n = sampleCount(d.x, `Trainer.fit: ${what}`);
  if (n === 0) throw new ValueError(`Trainer.fit: the ${what} is empty (x has shape [${(d.x as Tensor).shape.join(',')}])`);
  const ny = targetCount(d.y, `Trainer.fit: ${what}`);
  if (ny !== n) throw new ShapeError(`Trainer.fit: the ${what} has ${n} inputs (x has shape [${(d.x as Tensor).shape.join(',')}]) but ${ny} targets; x and y need one entry per sample`);
  return { x: d.x as Tensor, y: d.y as Targets, n };
}

function checkPlan(plan: unknown, sizes: readonly number[], n: number, order: string, epoch: number): void {
  if (!Array.isArray(plan) || plan.length !== sizes.length) {
    throw new ValueError(`order '${order}': batches() must return ${sizes.length} batches for epoch ${epoch}, but returned ${Array.isArray(plan) ? plan.length : describeValue(plan)}`);
  }
  plan.forEach((b: unknown, i) => {
    if (!(b instanceof Int32Array) || b.length !== sizes[i]) throw new ValueError(`order '${order}': batch ${i} of epoch ${epoch} must be an Int32Array of ${sizes[i]} indices`);
    for (const v of b) if (v < 0 || v >= n) throw new ValueError(`order '${order}': batch ${i} of epoch ${epoch} has index ${v} outside [0, ${n})`);
  });
}

function checkGrads(out: unknown, params: readonly Tensor[], name: string): void {
  if (!Array.isArray(out) || out.length !== params.length) {
    throw new ValueError(`gradient transform '${name}': apply() must return one gradient per parameter (${params.length}), but returned ${Array.isArray(out) ? out.length : describeValue(out)}`);
  }
  out.forEach((g: unknown, i) => {
    const p = params[i]!;
    if (!(g instanceof Tensor) || g.dtype !== p.dtype || g.shape.length !== p.shape.length || g.shape.some((d, k) => d !== p.shape[k])) {
      throw new ValueError(`gradient transform '${name}': gradient ${i} must be a ${p.dtype} Tensor of shape [${p.shape.join(',')}]`);
    }
  });
}

/** Correct predictions of a classification batch: logits `[batch, classes ≥ 2]` against class
 * indices (array or 1-D tensor) or one-hot rows; null when the task is not classification. */
function countCorrect(pred: Tensor, y: Targets): { correct: number; total: number } | null {
  if (pred.rank !== 2 || pred.shape[1]! < 2) return null;
  const [rows, cols] = pred.shape as [number, number];
  const p = pred.buffer();
  const argmax = (a: ArrayLike<number>, r: number) => {
    let best = 0;
    for (let c = 1; c < cols; c++) if (a[r * cols + c]! > a[r * cols + best]!) best = c;
    return best;
  };
  let labels: ArrayLike<number>;
  if (y instanceof Tensor) {
    if (y.rank === 1 && y.shape[0] === rows) labels = y.buffer();
    else if (y.rank === 2 && y.shape[0] === rows && y.shape[1] === cols) {
      // NOTE: only probability rows (≥ 0, summing to 1: one-hot or soft labels) make it classification.
      const t = y.buffer();
      for (let r = 0; r < rows; r++) {
        let sum = 0;
        for (let c = 0; c < cols; c++) { const v = t[r * cols + c]!; if (!(v >= 0)) return null; sum += v; }
        if (Math.abs(sum - 1) > 1e-6) return null;
      }
      labels = Array.from({ length: rows }, (_, r) => argmax(t, r));
    } else return null;
  } else labels = y;
  if (labels.length !== rows || !Array.from(labels).every((v) => Number.isInteger(v))) return null;
  let correct = 0;
  for (let r = 0; r < rows; r++) if (argmax(p, r) === labels[r]) correct++;
  return { correct, total: rows };
}

/** Where a momentum-cycling schedule writes: the options object (the group's own, or for a
 * wrapper such as Lookahead, those of the optimizer it wraps, as PyTorch's schedulers reach a
 * wrapped optimizer's `param_groups`) and the plugin's {@link MomentumOption} declaration.
 * @throws ConfigError naming the plugin when it declares no momentum option. */
function momentumTarget(plugin: AnyOptimizerPlugin, options: Record<string, unknown>, scheduler: string): { o: Record<string, unknown>; m: MomentumOption } {
  let p = plugin, o = options;
  for (let depth = 0; depth < 8; depth++) {
    const m = p.momentum;
    if (m === undefined) {
      throw new ConfigError(`Trainer: scheduler '${scheduler}' cycles momentum, but optimizer '${p.name}' declares no momentum option (plugin metadata 'momentum', e.g. { option: 'betas', index: 0 }); declare it in the plugin, or set cycleMomentum: false in the trainer config`);
    }
    if (m.wraps !== true) return { o, m };
    const inner = o[m.option] as { plugin?: AnyOptimizerPlugin; options?: Record<string, unknown> } | null | undefined;
    if (inner === null || typeof inner !== 'object' || typeof inner.plugin !== 'object' || inner.options === null || typeof inner.options !== 'object') break;
    p = inner.plugin; o = inner.options;
  }
  throw new ConfigError(`Trainer: scheduler '${scheduler}' cycles momentum, but optimizer '${plugin.name}' declares its option '${plugin.momentum?.option}' as a wrapped optimizer, and it holds none ({ plugin, options } after resolution)`);
}

/** A previous momentum / β₁ value: the options object it was set on, its key ('' when none was
 * set) and the value before. */
type PreviousMomentum = [Record<string, unknown> | null, string, unknown];

/** Set the momentum option every group's plugin declares (`OptimizerPlugin.momentum`: SGD's
 * `momentum`, Adam's `betas[0]`; the wrapped optimizer's for Lookahead), as PyTorch's cyclic
 * schedulers do; returns the previous values.
 * @throws ConfigError (before changing anything) when a plugin declares no momentum option. */
function setMomentum(optimizer: Optimizer, m: number, scheduler: string): PreviousMomentum[] {
  const targets = optimizer.groups.map((g) => momentumTarget(optimizer.plugin, g.options as unknown as Record<string, unknown>, scheduler));
  return targets.map(({ o, m: decl }) => {
    // NOTE: the Optimizer has no setter for hyperparameters: the group's resolved options are
    // updated in place (the plugins read them at every step), as torch's param_groups are.
    const prev = o[decl.option];
    if (decl.index !== undefined) {
      if (!Array.isArray(prev)) return [null, '', undefined];
      const next = prev.slice();
      next[decl.index] = m;
      o[decl.option] = next;
      return [o, decl.option, prev];
    }
    // NOTE: SGD built with momentum 0 has no momentum buffer in its state: it is left without momentum.
    if (typeof prev === 'number' && prev > 0) { o[decl.option] = m; return [o, decl.option, prev]; }
    return [null, '', undefined];
  });
}

function restoreOptions(previous: readonly PreviousMomentum[]): void {
  for (const [o, key, value] of previous) if (o !== null && key) o[key] = value;
}
