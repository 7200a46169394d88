/**
 * The trainer's configuration, and its resolution into the parts the loops run: every plugin
 * resolved from its name or spec, every number checked, the generators split from the seed.
 * @module
 */
import { ConfigError, Rng, Tensor, ValueError, crossEntropy, mse } from '@descent/tensor';
import { callbacks as callbackRegistry, isCallback, type Callback } from '../callbacks/types.js';
import { historyCallback } from '../callbacks/history.js';
import { nanGuard } from '../callbacks/nan_guard.js';
import { progressBar, progressBarByDefault } from '../callbacks/progress_bar.js';
import { isDataOrder, orders, type DataOrder } from '../data/types.js';
import '../data/index.js';
import { gradientTransforms, isGradientTransform, type GradientTransform } from '../gradients/types.js';
import '../gradients/index.js';
import '../callbacks/index.js';
import '../regularizers/index.js';
import { namedParametersOf, checkModel } from '../model.js';
import { Optimizer } from '../optimizer.js';
import type { AnyOptimizerPlugin } from '../optimizers/types.js';
import type { Dataset, LossFunction, LossSpec, NamedParameter, PluginInput, PluginSpec, Targets, TrainableModel } from '../plugin_types.js';
import { constraints as constraintRegistry, isConstraint, isRegularizer, regularizers as regularizerRegistry, type Constraint, type Regularizer } from '../regularizers/types.js';
import { checkSchedulerSpec, isScheduler, schedulers, type Scheduler, type SchedulerSpec } from '../schedulers/types.js';
import { checkAccumulateGradBatches } from './accumulation.js';
import { describeValue, isPluginSpec, resolvePlugin, specProblem } from './plugins.js';

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

export const CONFIG_KEYS: ReadonlyArray<keyof TrainerConfig> = [
  'model', 'loss', 'optimizer', 'scheduler', 'regularizers', 'gradients', 'constraints', 'order', 'callbacks',
  'batchSize', 'epochs', 'seed', 'dropLast', 'gradTolerance', 'nanGuard', 'progressBar', 'evalBatchSize', 'cycleMomentum',
  'accumulateGradBatches',
];

/** The plugins and settings a Trainer resolved from its configuration: its public read-only members.
 * @example
 * ```ts
 * const t = new Trainer({ model, loss: 'mse', optimizer: 'adam', batchSize: 8, epochs: 2, seed: 0 });
 * t.callbacks.map((c) => c.name); // ['history', 'nanGuard']
 * ```
 */
export interface TrainerComponents {
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
}

/** The trainer's configuration resolved: what the fit, epoch and batch loops run with. */
export interface TrainerParts extends TrainerComponents {
  /** The loss as configured (`'crossEntropy'` enables the class-label check). */
  readonly loss: LossSpec;
  readonly lossFn: LossFunction;
  /** The trained parameters with their names, in the optimizer's order. */
  readonly params: readonly NamedParameter[];
  readonly dropLast: boolean;
  /** 0: never stop on a small gradient. */
  readonly gradTolerance: number;
  readonly cycleMomentum: boolean;
  readonly evalBatchSize: number;
  /** The scheduler as configured (created per fit, when the run's length is known). */
  readonly scheduler: TrainerConfig['scheduler'];
  /** The data order's generator and one per gradient transform, split from `seed`. */
  readonly orderRng: Rng;
  readonly gradientRngs: readonly Rng[];
}

/** Check a trainer configuration and resolve every plugin in it.
 * @throws ConfigError / ValueError naming the key, what was expected and what was given. */
export function resolveTrainerConfig(config: TrainerConfig): TrainerParts {
  const where = 'Trainer';
  if (config === null || typeof config !== 'object') throw new ConfigError(`${where}: expected a config object, but got ${describeValue(config)}`);
  for (const key of Object.keys(config)) {
    if (!CONFIG_KEYS.includes(key as keyof TrainerConfig)) throw new ConfigError(`${where}: unknown config key '${key}'. Known keys: ${CONFIG_KEYS.join(', ')}`);
  }
  const model = checkModel(config.model, where);
  const lossFn = resolveLoss(config.loss);
  const batchSize = checkInt(config.batchSize, 'batchSize', 1, 'the number of samples per mini-batch (1 = on-line, the data size = off-line)');
  const epochs = checkInt(config.epochs, 'epochs', 1, 'the number of passes over the data');
  if (typeof config.seed !== 'number' || !Number.isFinite(config.seed)) {
    throw new ConfigError(`${where}: seed must be a finite number (every random choice of the run derives from it), but got ${describeValue(config.seed)}`);
  }
  const accumulateGradBatches = checkAccumulateGradBatches(config.accumulateGradBatches);
  if (config.gradTolerance !== undefined && !(typeof config.gradTolerance === 'number' && config.gradTolerance >= 0)) {
    throw new ValueError(`${where}: gradTolerance must be a number ≥ 0, but got ${describeValue(config.gradTolerance)}`);
  }
  if (config.evalBatchSize !== undefined) checkInt(config.evalBatchSize, 'evalBatchSize', 1, 'the batch size of the validation pass');
  for (const k of ['dropLast', 'nanGuard', 'progressBar', 'cycleMomentum'] as const) {
    if (config[k] !== undefined && typeof config[k] !== 'boolean') throw new ConfigError(`${where}: ${k} must be true or false, but got ${describeValue(config[k])}`);
  }

  const optimizer = resolveOptimizer(config.optimizer, model);
  const names = new Map<Tensor, string>(namedParametersOf(model).map((p) => [p.tensor, p.name]));
  const params = optimizer.params.map((t, i) => ({ name: names.get(t) ?? `param${i}`, tensor: t }));

  if (config.scheduler !== undefined && config.scheduler !== null && !isScheduler(config.scheduler)) {
    const name = typeof config.scheduler === 'string' ? config.scheduler : (config.scheduler as SchedulerSpec).name;
    if (typeof name !== 'string') throw new ConfigError(`${where}: scheduler must be a Scheduler, a name or { name, options }, but got ${describeValue(config.scheduler)}`);
    if (typeof config.scheduler === 'object') checkSchedulerSpec(config.scheduler as SchedulerSpec, `${where}: scheduler`);
    schedulers.get(name); // NOTE: an unknown name fails now, listing the registered ones; options are checked when fit() knows the run length.
  }
  const order = resolvePlugin(orders, config.order ?? 'shuffle', isDataOrder, `${where}: order`);
  const regularizers = listOf(config.regularizers, 'regularizers').map((r, i) => resolvePlugin(regularizerRegistry, r, isRegularizer, `${where}: regularizers[${i}]`));
  const gradients = listOf(config.gradients, 'gradients').map((g, i) => resolvePlugin(gradientTransforms, g, isGradientTransform, `${where}: gradients[${i}]`));
  const constraints = listOf(config.constraints, 'constraints').map((c, i) => resolvePlugin(constraintRegistry, c, isConstraint, `${where}: constraints[${i}]`));
  const user = listOf(config.callbacks, 'callbacks').map((c, i) => resolvePlugin(callbackRegistry, c, isCallback, `${where}: callbacks[${i}]`));
  const has = (name: string) => user.some((c) => c.name === name);
  const callbacks: Callback[] = [];
  callbacks.push(user.find((c) => c.name === 'history') ?? historyCallback());
  if (config.nanGuard !== false && !has('nanGuard')) callbacks.push(nanGuard());
  callbacks.push(...user.filter((c) => c.name !== 'history' && c.name !== 'progressBar'));
  const wantBar = config.progressBar ?? progressBarByDefault();
  const bar = user.find((c) => c.name === 'progressBar');
  if (bar) callbacks.push(bar);
  else if (wantBar) callbacks.push(progressBar());

  // NOTE: one split per consumer, in a fixed order, so adding a consumer later does not shift the others.
  const root = new Rng(config.seed);
  const orderRng = root.split();
  const gradientRngs = gradients.map(() => root.split());
  return {
    model, loss: config.loss, lossFn, optimizer, order, regularizers, gradients, constraints, callbacks, params,
    batchSize, epochs, seed: config.seed, accumulateGradBatches, dropLast: config.dropLast ?? false,
    gradTolerance: config.gradTolerance ?? 0, cycleMomentum: config.cycleMomentum !== false, evalBatchSize: config.evalBatchSize ?? 1024,
    scheduler: config.scheduler, orderRng, gradientRngs,
  };
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
