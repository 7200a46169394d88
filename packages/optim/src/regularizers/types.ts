/**
 * Regularizer and constraint plugin contracts, and the parameter selection they share.
 *
 * A **regularizer** adds a scalar penalty to the loss, built from tensor ops on the tape, so its
 * gradient comes from autodiff with the loss's (tfjs-layers `Regularizer.apply`). A **constraint**
 * changes parameters in place after the optimizer update (Keras `kernel_constraint`).
 *
 * @module
 */
import { ConfigError, type Tensor } from '@descent/tensor';
import { registry, type KindRegistry } from '../registry.js';
import type { NamedParameter, PluginState } from '../plugin_types.js';

/**
 * Which parameters a regularizer or constraint applies to:
 * - `'weights'` (default): parameters with at least two axes whose name does not contain `norm`
 *   and does not end in `bias` — weight matrices, not biases or normalisation gains/shifts;
 * - `'all'`: every trained parameter;
 * - a RegExp tested on the dotted name, a list of exact names, or a predicate `(name, tensor) => boolean`.
 *
 * @example
 * ```ts
 * const onlyFirst: ParamFilter = /^fc1\./;
 * const named: ParamFilter = ['fc1.weight', 'fc2.weight'];
 * ```
 */
export type ParamFilter = 'weights' | 'all' | RegExp | readonly string[] | ((name: string, tensor: Tensor) => boolean);

/** The default selection: weight matrices (≥ 2 axes), not biases or normalisation parameters.
 * @example
 * ```ts
 * isWeight('fc1.weight', zeros([4, 3])); // true
 * isWeight('fc1.bias', zeros([3]));      // false
 * isWeight('ln.weight', zeros([3]));     // false (1-D)
 * ```
 */
export function isWeight(name: string, t: Tensor): boolean {
  return t.rank >= 2 && !/norm/i.test(name) && !/bias$/i.test(name);
}

/**
 * The parameters a filter selects, in the given order.
 * @throws ConfigError for a filter of another type.
 * @example
 * ```ts
 * selectParameters(namedParametersOf(model), 'weights').map((p) => p.name); // ['fc1.weight', 'fc2.weight']
 * ```
 */
export function selectParameters(params: readonly NamedParameter[], filter: ParamFilter = 'weights'): NamedParameter[] {
  return params.filter(({ name, tensor: t }) => matches(filter, name, t));
}

function matches(filter: ParamFilter, name: string, t: Tensor): boolean {
  if (filter === 'weights') return isWeight(name, t);
  if (filter === 'all') return true;
  if (filter instanceof RegExp) { filter.lastIndex = 0; return filter.test(name); }
  if (Array.isArray(filter)) return filter.includes(name);
  if (typeof filter === 'function') return Boolean((filter as (n: string, t: Tensor) => boolean)(name, t));
  throw new ConfigError(`parameter filter must be 'weights', 'all', a RegExp, a list of names or a function, but got ${JSON.stringify(filter)}`);
}

/**
 * Check a parameter filter given as an option.
 * @throws ConfigError naming the owner.
 * @example
 * ```ts
 * checkParamFilter('l2', /weight/); // returns the RegExp
 * ```
 */
export function checkParamFilter(owner: string, filter: unknown): ParamFilter {
  if (filter === undefined) return 'weights';
  const ok = filter === 'weights' || filter === 'all' || filter instanceof RegExp || typeof filter === 'function'
    || (Array.isArray(filter) && filter.every((n) => typeof n === 'string'));
  if (!ok) throw new ConfigError(`${owner}: option 'params' must be 'weights', 'all', a RegExp, a list of parameter names or a function (name, tensor) => boolean, but got ${JSON.stringify(filter)}`);
  return filter as ParamFilter;
}

/**
 * A regularizer plugin: a scalar penalty on the tape, added to the loss before backward.
 * @example
 * ```ts
 * // penalise the squared sum of each weight matrix's rows
 * const rowSum: Regularizer = {
 *   name: 'rowSum',
 *   penalty: (params) => params.map((p) => square(sum(p.tensor)).mul(1e-3)).reduce((a, b) => a.add(b)),
 * };
 * ```
 */
export interface Regularizer {
  /** Registry name. */
  readonly name: string;
  /** The penalty of the selected parameters (a scalar tensor on the tape), or null when none is selected. */
  penalty(params: readonly NamedParameter[]): Tensor | null;
  /** Saved state for checkpoints (a generator held as a property is saved without it). */
  state?(): PluginState;
  /** Restore {@link Regularizer.state}; throw StateError when malformed. */
  loadState?(state: PluginState): void;
}

/** A constraint plugin: applied in place to parameters after every optimizer update.
 * @example
 * ```ts
 * const nonNeg: Constraint = { name: 'nonNeg', apply: (ps) => ps.forEach((p) => p.tensor.assign(p.tensor.data().map((v) => Math.max(0, v)))) };
 * ```
 */
export interface Constraint {
  /** Registry name. */
  readonly name: string;
  /** Change the selected parameters in place (with `Tensor.assign`). */
  apply(params: readonly NamedParameter[]): void;
  /** Saved state for checkpoints (a generator held as a property is saved without it). */
  state?(): PluginState;
  /** Restore {@link Constraint.state}; throw StateError when malformed. */
  loadState?(state: PluginState): void;
}

/** The regularizer view of the plugin registry (kind `'regularizer'`).
 * @example
 * ```ts
 * regularizers.names(); // ['elasticNet', 'l1', 'l2']
 * const l2 = regularizers.create('l2', { lambda: 1e-4 });
 * ```
 */
export const regularizers: KindRegistry<Regularizer> = registry.kind<Regularizer>('regularizer');

/** The constraint view of the plugin registry (kind `'constraint'`).
 * @example
 * ```ts
 * constraints.create('maxNorm', { maxValue: 3 });
 * ```
 */
export const constraints: KindRegistry<Constraint> = registry.kind<Constraint>('constraint');

/** Whether a value is a {@link Regularizer} instance.
 * @example
 * ```ts
 * isRegularizer(l2({ lambda: 1e-4 })); // true
 * ```
 */
export function isRegularizer(value: unknown): value is Regularizer {
  const v = value as Partial<Regularizer> | null;
  return v !== null && typeof v === 'object' && typeof v.name === 'string' && typeof v.penalty === 'function';
}

/** Whether a value is a {@link Constraint} instance.
 * @example
 * ```ts
 * isConstraint(maxNorm({ maxValue: 3 })); // true
 * ```
 */
export function isConstraint(value: unknown): value is Constraint {
  const v = value as Partial<Constraint> | null;
  return v !== null && typeof v === 'object' && typeof v.name === 'string' && typeof v.apply === 'function';
}
