/**
 * Resolving a plugin given as an instance, a name, or `{ name, options }` through the one registry.
 * @module
 */
import { ConfigError } from '@descent/tensor';
import type { KindRegistry } from '../registry.js';
import type { PluginInput, PluginSpec } from './types.js';

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
  throw new ConfigError(`${where}: expected a ${view.kind} instance, a registered name (${view.names().join(', ')}) or { name, options }, but got ${describeValue(value)}`);
}

/** A short text for a value in error messages.
 * @example
 * ```ts
 * describeValue([1, 2]); // '[1,2]'
 * ```
 */
export function describeValue(v: unknown): string {
  if (typeof v === 'function') return 'a function';
  if (v === undefined) return 'undefined';
  if (typeof v === 'number') return String(v);
  try {
    const s = JSON.stringify(v);
    return s === undefined ? String(v) : s.length > 120 ? `${s.slice(0, 117)}...` : s;
  } catch {
    return String(v);
  }
}
