/**
 * Resolving a plugin given as an instance, a name, or `{ name, options }` through the one registry.
 * @module
 */
import { ConfigError } from '@descent/tensor';
import { formatValue } from '../options.js';
import type { KindRegistry } from '../registry.js';
import type { PluginInput, PluginSpec } from '../plugin_types.js';

/** Whether a value looks like `{ name, options? }` (a spec, not an instance).
 * @example
 * ```ts
 * isPluginSpec({ name: 'shuffle' }); // true
 * ```
 */
export function isPluginSpec(value: unknown): value is PluginSpec {
  if (value === null || typeof value !== 'object') return false;
  const keys = Object.keys(value);
  const v = value as PluginSpec;
  return typeof v.name === 'string' && keys.every((k) => k === 'name' || k === 'options')
    && (v.options === undefined || (typeof v.options === 'object' && v.options !== null && !Array.isArray(v.options)));
}

/**
 * Why a value that looks like a `{ name, options }` spec (an object with a string `name`) is not
 * one: a field other than `name` and `options`, or `options` that is not an object; null otherwise.
 * @example
 * ```ts
 * specProblem({ name: 'l2', option: { lambda: 1 } }); // "unknown field 'option' in { name, options } …"
 * ```
 */
export function specProblem(value: unknown): string | null {
  if (value === null || typeof value !== 'object' || typeof (value as PluginSpec).name !== 'string') return null;
  const v = value as PluginSpec;
  const keys = Object.keys(value);
  const unknown = keys.filter((k) => k !== 'name' && k !== 'options');
  if (unknown.length) return `unknown field '${unknown[0]}' in { name, options } of '${v.name}' (fields given: ${keys.join(', ')})`;
  if (v.options !== undefined && (v.options === null || typeof v.options !== 'object' || Array.isArray(v.options))) {
    return `the options of '${v.name}' must be an object, but got ${formatValue(v.options)}`;
  }
  return null;
}

/**
 * A plugin instance from an instance (checked with `isInstance`), a registered name, or a
 * `{ name, options }` spec created through `view`.
 * @throws ConfigError for anything else; RegistryError for an unknown name; ConfigError/ValueError for bad options.
 * @example
 * ```ts
 * const order = resolvePlugin(orders, 'shuffle', isDataOrder, 'Trainer: order');
 * ```
 */
export function resolvePlugin<T>(view: KindRegistry<T>, value: PluginInput<T>, isInstance: (v: unknown) => v is T, where: string): T {
  if (typeof value === 'string') return view.create(value, {});
  if (isInstance(value)) return value;
  if (isPluginSpec(value)) return view.create(value.name, { ...(value.options ?? {}) });
  const problem = specProblem(value);
  if (problem) throw new ConfigError(`${where}: ${problem}; nor is it a ${view.kind} instance`);
  throw new ConfigError(`${where}: expected a ${view.kind} instance, a registered name (${view.names().join(', ')}) or { name, options }, but got ${describeValue(value)}`);
}

/** A short text for a value in error messages.
 * @example
 * ```ts
 * describeValue([1, 2]); // '[1,2]'
 * ```
 */
export function describeValue(v: unknown): string {
  return formatValue(v);
}
