/**
 * The scheduler plugin interface, the `schedulers` registry view, {@link createScheduler}, and the
 * small helpers every scheduler file shares (option rules, step checks, trivial state).
 *
 * A scheduler is a function of the 0-based optimizer step: `lr(t)` is the learning rate used by
 * optimizer step `t` (PyTorch's value after `t` calls of `scheduler.step()`). Only `plateau` keeps
 * state; it is driven by `observe(metric)`.
 * @module
 */
import { ConfigError, StateError, ValueError } from '@descent/tensor';
import { registry, type KindRegistry } from '../registry.js';
import { formatValue, type OptionRule } from '../options.js';

/** A JSON value, the type of the entries of a scheduler state.
 * @example
 * ```ts
 * const v: SchedulerStateValue = { best: 0.5, numBadEpochs: 2 };
 * ```
 */
export type SchedulerStateValue = null | boolean | number | string | SchedulerStateValue[] | { [key: string]: SchedulerStateValue };

/** A scheduler's saved state: a plain JSON object (`JSON.stringify` round-trips it).
 * @example
 * ```ts
 * const s: SchedulerState = createScheduler('plateau', {}, 0.1).state();
 * ```
 */
export type SchedulerState = { [key: string]: SchedulerStateValue };

/**
 * A learning-rate schedule. Stateless schedulers are pure functions of the step; `plateau` keeps
 * state and changes only through {@link Scheduler.observe}.
 *
 * @example
 * ```ts
 * const s: Scheduler = createScheduler('cosine', { tMax: 100 }, 0.1);
 * for (let t = 0; t < 100; t++) optimizer.update(grads, state, params, { ...ctx, lr: s.lr(t) });
 * ```
 */
export interface Scheduler {
  /** The registry name (`'cosine'`, `'onecycle'`, …). */
  readonly name: string;
  /** The optimizer's learning rate before the scheduler was attached (PyTorch's `initial_lr`). */
  readonly baseLr: number;
  /** The resolved options, defaults filled in. */
  readonly options: Readonly<Record<string, unknown>>;
  /** Whether the schedule keeps state that changes as it runs (only `plateau`). */
  readonly stateful: boolean;
  /**
   * The learning rate used by optimizer step `step` (0-based). `epoch` is accepted so the trainer
   * can call every scheduler alike; the built-in step-based schedules ignore it.
   * @throws ValueError when `step` is not a non-negative integer (one-cycle also past `totalSteps`).
   */
  lr(step: number, epoch?: number): number;
  /**
   * The momentum (or Adam's β₁) to use at `step`, cycled inversely to the lr, or null when the
   * scheduler does not cycle momentum. Only `cyclic`, `onecycle` and `sequential` define it.
   */
  momentum?(step: number): number | null;
  /** Report a metric (end of an epoch); only `plateau` defines it. */
  observe?(metric: number, epoch?: number): void;
  /** The state as a JSON object (`{}` for stateless schedules). */
  state(): SchedulerState;
  /** Restore a state returned by {@link Scheduler.state}; throws StateError when malformed. */
  loadState(state: SchedulerState): void;
}

/** A scheduler given by its registry name and options, as in the golden traces' `scheduler` field.
 * @example
 * ```ts
 * const spec: SchedulerSpec = { name: 'step', options: { stepSize: 7, gamma: 0.5 } };
 * ```
 */
export interface SchedulerSpec {
  /** The registry name (`'step'`, `'cosine'`, …). */
  name: string;
  /** Its options (camelCase, as in FORMAT.md); absent ones take PyTorch's defaults. */
  options?: Record<string, unknown>;
}

/** Options every registered scheduler's `create` receives besides its own: `initialLr` is the
 * optimizer's learning rate the schedule starts from; {@link createScheduler} fills it in.
 * @example
 * ```ts
 * schedulers.create('cosine', { tMax: 10, initialLr: 0.1 } satisfies WithInitialLr<{ tMax: number }>);
 * ```
 */
export type WithInitialLr<O> = Partial<O> & {
  /** The optimizer's learning rate before the scheduler is attached (PyTorch's `initial_lr`). */
  initialLr?: number;
};

/** The registry view of kind `'scheduler'`: `register`, `create`, `names`, `get`, `has`.
 * @example
 * ```ts
 * schedulers.names(); // ['constant', 'cosine', 'cyclic', 'exponential', 'linear', 'multistep', …]
 * ```
 */
export const schedulers: KindRegistry<Scheduler> = registry.kind<Scheduler>('scheduler');

/**
 * Create a scheduler from its registry name and options for an optimizer whose learning rate is
 * `baseLr`, or return a ready-made {@link Scheduler} instance unchanged.
 *
 * @throws RegistryError for an unknown name (listing the registered ones); ConfigError/ValueError for bad options.
 * @example
 * ```ts
 * const s = createScheduler('step', { stepSize: 7, gamma: 0.5 }, 0.1);
 * s.lr(7); // 0.05
 * ```
 */
export function createScheduler(nameOrInstance: string | Scheduler | SchedulerSpec, options: Record<string, unknown> = {}, baseLr?: number): Scheduler {
  if (isScheduler(nameOrInstance)) return nameOrInstance;
  if (nameOrInstance !== null && typeof nameOrInstance === 'object' && typeof (nameOrInstance as SchedulerSpec).name === 'string') {
    const spec = nameOrInstance as SchedulerSpec;
    checkSchedulerSpec(spec, 'createScheduler');
    return createScheduler(spec.name, { ...(spec.options ?? {}), ...options }, baseLr);
  }
  if (typeof nameOrInstance !== 'string') {
    throw new ConfigError(`createScheduler: expected a scheduler name, a {name, options} spec or a Scheduler, but got ${describe(nameOrInstance)}`);
  }
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new ConfigError(`createScheduler: options of '${nameOrInstance}' must be an object, but got ${describe(options)}`);
  }
  if (baseLr !== undefined) checkLr(`createScheduler('${nameOrInstance}')`, 'baseLr', baseLr);
  const withLr = baseLr === undefined ? options : { ...options, initialLr: baseLr };
  return schedulers.create(nameOrInstance, withLr);
}

/**
 * Check the fields of a `{ name, options }` scheduler spec: a field other than `name` and
 * `options` (a typo such as `option`) or `options` that is not an object is an error, not ignored.
 * @throws ConfigError naming the field.
 * @example
 * ```ts
 * checkSchedulerSpec({ name: 'cosine', option: { tMax: 10 } }, 'Trainer: scheduler');
 * // ConfigError: Trainer: scheduler: unknown field 'option' in { name, options } (fields given: name, option)
 * ```
 */
export function checkSchedulerSpec(spec: SchedulerSpec, where: string): void {
  const unknown = Object.keys(spec).filter((k) => k !== 'name' && k !== 'options');
  if (unknown.length) {
    throw new ConfigError(`${where}: unknown field '${unknown[0]}' in { name, options } (fields given: ${Object.keys(spec).join(', ')})`);
  }
  const o = spec.options;
  if (o !== undefined && (o === null || typeof o !== 'object' || Array.isArray(o))) {
    throw new ConfigError(`${where}: the options of scheduler '${spec.name}' must be an object, but got ${describe(o)}`);
  }
}

/** Whether a value is a {@link Scheduler} (has `name`, `lr`, `state` and `loadState`).
 * @example
 * ```ts
 * isScheduler(createScheduler('constant', {}, 0.1)); // true
 * ```
 */
export function isScheduler(value: unknown): value is Scheduler {
  const v = value as Partial<Scheduler> | null;
  return v !== null && typeof v === 'object' && typeof v.name === 'string' && typeof v.lr === 'function'
    && typeof v.state === 'function' && typeof v.loadState === 'function';
}

// ── helpers shared by the scheduler files ──────────────────────────────────────────────────────

/** A short text for a value in error messages.
 * @example
 * ```ts
 * describe(NaN); // 'NaN'
 * ```
 */
export function describe(v: unknown): string {
  return formatValue(v, 400);
}

/** Check a learning rate: a finite number ≥ 0.
 * @throws ValueError naming the owner and option.
 * @example
 * ```ts
 * checkLr('cosine', 'baseLr', 0.1);
 * ```
 */
export function checkLr(owner: string, option: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new ValueError(`${owner}: ${option} must be a finite number ≥ 0, but got ${describe(value)}`);
  }
  return value;
}

/**
 * Split the `initialLr` (the optimizer's lr, filled in by {@link createScheduler}) from a
 * registered scheduler's options. `required` makes a missing one an error.
 * @example
 * ```ts
 * const [lr, rest] = takeInitialLr('cosine', { tMax: 5, initialLr: 0.1 }, true); // [0.1, { tMax: 5 }]
 * ```
 */
export function takeInitialLr<O>(owner: string, options: WithInitialLr<O> | undefined, required: boolean): [number | undefined, Partial<O>] {
  if (options !== undefined && (options === null || typeof options !== 'object' || Array.isArray(options))) {
    throw new ConfigError(`${owner}: options must be an object, but got ${describe(options)}`);
  }
  const { initialLr, ...rest } = (options ?? {}) as WithInitialLr<O>;
  if (initialLr === undefined) {
    if (required) {
      throw new ConfigError(`${owner}: the optimizer's learning rate is needed; create it with createScheduler('${owner}', options, baseLr) or pass options.initialLr`);
    }
    return [undefined, rest as Partial<O>];
  }
  return [checkLr(owner, 'initialLr (the base learning rate)', initialLr), rest as Partial<O>];
}

/**
 * Check a step index: a non-negative integer.
 * @throws ValueError otherwise.
 * @example
 * ```ts
 * checkStep('cosine', 3); // ok
 * ```
 */
export function checkStep(owner: string, step: unknown): number {
  if (typeof step !== 'number' || !Number.isInteger(step) || step < 0) {
    throw new ValueError(`${owner}: lr(step) needs a step that is an integer ≥ 0 (0-based optimizer step), but got ${describe(step)}`);
  }
  return step;
}

/** Check a state object passed to `loadState`.
 * @throws StateError when it is not a plain object.
 * @example
 * ```ts
 * checkStateObject('cosine', {});
 * ```
 */
export function checkStateObject(owner: string, state: unknown): SchedulerState {
  if (state === null || typeof state !== 'object' || Array.isArray(state)) {
    throw new StateError(`${owner}: loadState expects the object returned by state(), but got ${describe(state)}`);
  }
  return state as SchedulerState;
}

/** Mark an option rule as required: a missing (undefined) value reports "is required".
 * @example
 * ```ts
 * const r = required(rules.positive); r(undefined, {}); // 'is required (PyTorch has no default)'
 * ```
 */
export function required(rule: OptionRule): OptionRule {
  return (v, all) => (v === undefined ? 'is required (PyTorch has no default)' : rule(v, all));
}

/** Option rule: a finite number.
 * @example
 * ```ts
 * finite(1, {}); // null
 * ```
 */
export const finite: OptionRule = (v) => (typeof v === 'number' && Number.isFinite(v) ? null : 'must be a finite number');

/** Option rule: a boolean.
 * @example
 * ```ts
 * bool(true, {}); // null
 * ```
 */
export const bool: OptionRule = (v) => (typeof v === 'boolean' ? null : 'must be true or false');

/** Option rule: an integer ≥ 0.
 * @example
 * ```ts
 * nonNegativeInt(0, {}); // null
 * ```
 */
export const nonNegativeInt: OptionRule = (v) => (Number.isInteger(v) && (v as number) >= 0 ? null : 'must be an integer ≥ 0');

/**
 * Base of the stateless schedulers: `state()` is `{}`, `loadState` accepts `{}`.
 * @example
 * ```ts
 * class Half extends StatelessScheduler { readonly name = 'half'; lr(t: number) { return this.baseLr / 2; } }
 * ```
 */
export abstract class StatelessScheduler implements Scheduler {
  abstract readonly name: string;
  readonly stateful = false;
  constructor(readonly baseLr: number, readonly options: Readonly<Record<string, unknown>>) {}
  abstract lr(step: number, epoch?: number): number;
  /** Always `{}`: the schedule is a pure function of the step. */
  state(): SchedulerState {
    return {};
  }
  /** Accepts the `{}` of {@link StatelessScheduler.state} (any field is a StateError: it would belong to another schedule). */
  loadState(state: SchedulerState): void {
    const keys = Object.keys(checkStateObject(this.name, state));
    if (keys.length) throw new StateError(`${this.name}: loadState expects {} (the schedule keeps no state), but got fields ${keys.join(', ')}`);
  }
}
