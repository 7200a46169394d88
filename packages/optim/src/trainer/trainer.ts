/**
 * The training loop: the Trainer and its fit loop. Three files fix the order in which the plugins
 * are called (docs/training-loop.md states it): this one (fit), epoch_loop.ts (epoch) and
 * batch_loop.ts (step); config.ts resolves the configuration, run.ts holds a run's state and
 * run_checkpoint.ts writes and resumes checkpoints:
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
import { ConfigError, DescentError, StateError, ValueError } from '@descent/tensor';
import type { TrainContext } from '../callbacks/types.js';
import { batchSizes as planBatchSizes } from '../data/types.js';
import type { Dataset, History, NamedParameter } from '../plugin_types.js';
import { createScheduler, isScheduler, schedulers, type Scheduler, type SchedulerSpec } from '../schedulers/types.js';
import { optimizerStepsPerEpoch } from './accumulation.js';
import { emptyAccumulator } from './checkpoint.js';
import { checkData } from './checks.js';
import { resolveTrainerConfig, type FitOptions, type TrainerComponents, type TrainerConfig, type TrainerParts } from './config.js';
import { evaluateModel, runEpoch } from './epoch_loop.js';
import { momentumTarget } from './momentum.js';
import { describeValue } from './plugins.js';
import { bufferTensors, eachCallback, generatorsOf, makeContext, type Run } from './run.js';
import { ownedPlugins, resumeRun } from './run_checkpoint.js';

export type { FitOptions, OptimizerPluginSpec, TrainerComponents, TrainerConfig } from './config.js';

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
// The resolved plugins and settings are the Trainer's public read-only members, declared once in
// TrainerComponents and merged into the class.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface Trainer extends TrainerComponents {}
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class Trainer {
  private readonly config: TrainerConfig;
  /** The configuration resolved: what the loops run with. */
  private readonly parts: TrainerParts;
  private schedulerInstance: Scheduler | null = null;
  private run: Run | null = null;

  constructor(config: TrainerConfig) {
    const parts = resolveTrainerConfig(config);
    this.config = config;
    this.parts = parts;
    const { model, optimizer, order, regularizers, gradients, constraints, callbacks, batchSize, epochs, seed, accumulateGradBatches } = parts;
    const components: TrainerComponents = { model, optimizer, order, regularizers, gradients, constraints, callbacks, batchSize, epochs, seed, accumulateGradBatches };
    Object.assign(this, components);
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
    return this.parts.params;
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
    const sizes = planBatchSizes(n, this.batchSize, this.parts.dropLast);
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
      epoch: 0, step: 0, epochStartRng: this.parts.orderRng.getState(), acc: emptyAccumulator(), stop: null, resumed: false, targetsChecked: false, buffers: bufferTensors(this.model), generators: generatorsOf(this.model), plugins: [], pendingCheckpoints: [], history,
      ctx: undefined as unknown as TrainContext, scheduler: this.schedulerInstance,
    };
    run.ctx = makeContext(this.parts, run);
    run.plugins = ownedPlugins(this.parts, run);
    const names = this.parts.params.map((p) => p.name);
    const tensors = this.parts.params.map((p) => p.tensor);

    this.run = run;
    try {
      // NOTE: the order plans micro-batches, so its steps count micro-batches.
      this.order.init?.({ x, y, n, totalSteps: this.epochs * sizes.length, rng: this.parts.orderRng });
      run.epochStartRng = this.parts.orderRng.getState();
      this.gradients.forEach((g, i) => g.init?.({ rng: this.parts.gradientRngs[i]!, params: tensors, names }));
      if (options.resumeFrom !== undefined) resumeRun(this.parts, run, options.resumeFrom);

      this.model.train?.(true);
      eachCallback(this.parts, 'onTrainBegin', (cb) => cb.onTrainBegin?.(run.ctx));
      // NOTE: a stop requested mid-epoch (possibly before a checkpoint was taken) still runs that epoch's end.
      while (run.epoch < this.epochs && (run.stop === null || run.step > run.epoch * run.stepsPerEpoch)) {
        runEpoch(this.parts, run);
      }
      if (run.stop) { history.stopReason = run.stop.reason; history.stopMessage = run.stop.message; }
      else { history.stopReason = 'epochs'; history.stopMessage = `completed ${this.epochs} epoch(s)`; }
      eachCallback(this.parts, 'onTrainEnd', (cb) => cb.onTrainEnd?.(history, run.ctx));
      return history;
    } finally {
      this.run = null;
      for (const cb of this.callbacks) {
        try { cb.dispose?.(); } catch { /* NOTE: a failing dispose must not hide the error that ended training */ }
      }
    }
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
    return evaluateModel(this.parts, data);
  }

  // ── the schedule of a run ───────────────────────────────────────────────────────────────────

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
}
