/**
 * Resolution of an optimizer nested in another one's options: Lookahead's `inner`, SAM's `base`,
 * `averaged`'s `inner`, Muon's `fallback`. Each accepts the same three spellings — a plugin,
 * `{ name, options }` with a registered name, or `{ plugin, options }` (also `{ name: plugin }`) —
 * and resolves it once, when the outer optimizer's options are resolved.
 * @module
 */
import { ConfigError } from '@descent/tensor';
import { formatValue } from '../options.js';
import { getOptimizerPlugin, resolveOptimizerOptions } from './define.js';
import type { AnyOptimizerPlugin, OptimizerOptions } from './types.js';

/** A nested optimizer after resolution: registry name, plugin and options with defaults merged.
 * @example
 * ```ts
 * const r: ResolvedOptimizer = { name: 'sgd', plugin: sgd, options: { ...sgd.defaults, lr: 0.1 } };
 * ```
 */
export interface ResolvedOptimizer {
  /** Registry name. */ readonly name: string;
  /** Its plugin. */ readonly plugin: AnyOptimizerPlugin;
  /** Its resolved options. */ readonly options: OptimizerOptions & Record<string, unknown>;
}

/** How {@link resolveNestedOptimizer} checks and completes one outer optimizer's nested spec.
 * @example
 * ```ts
 * const how: NestedOptimizerRules = { owner: 'sam', option: 'base', reject: (p) => (p.needsClosure ? 'an optimizer without a closure' : undefined) };
 * ```
 */
export interface NestedOptimizerRules {
  /** The outer optimizer's name, for messages (e.g. `'sam'`). */ readonly owner: string;
  /** The option that holds the nested spec (e.g. `'base'`). */ readonly option: string;
  /** Options that the nested spec's own options override (Muon's fallback inherits its lr). */ readonly inherited?: object;
  /** What the nested plugin must be, when it is not: returns the expectation, or undefined to accept. */
  readonly reject?: (plugin: AnyOptimizerPlugin) => string | undefined;
}

const isPlugin = (v: unknown): v is AnyOptimizerPlugin =>
  typeof v === 'object' && v !== null && typeof (v as AnyOptimizerPlugin).init === 'function' && typeof (v as AnyOptimizerPlugin).update === 'function';

/**
 * Resolves a nested optimizer spec: a plugin, `{ name, options }`, `{ plugin, options }` or
 * `{ name: plugin, options }`; throws ConfigError naming the owner's option otherwise.
 * @example
 * ```ts
 * resolveNestedOptimizer({ name: 'adam', options: { lr: 1e-3 } }, { owner: 'lookahead', option: 'inner' }).options.betas; // [0.9, 0.999]
 * ```
 */
export function resolveNestedOptimizer(spec: unknown, rules: NestedOptimizerRules): ResolvedOptimizer {
  const where = `${rules.owner}: option '${rules.option}'`;
  const of = (plugin: AnyOptimizerPlugin, options: unknown): ResolvedOptimizer => {
    const expected = rules.reject?.(plugin);
    if (expected !== undefined) throw new ConfigError(`${where} must be ${expected}, but got '${plugin.name}'`);
    if (options !== undefined && (typeof options !== 'object' || options === null)) throw new ConfigError(`${where}: options must be an object, but got ${formatValue(options)}`);
    return { name: plugin.name, plugin, options: resolveOptimizerOptions(plugin, { ...rules.inherited, ...(options as object | undefined) }) };
  };
  if (isPlugin(spec)) return of(spec, undefined);
  if (typeof spec === 'object' && spec !== null) {
    const o = spec as { name?: unknown; plugin?: unknown; options?: unknown };
    if (isPlugin(o.plugin)) return of(o.plugin, o.options);
    if (isPlugin(o.name)) return of(o.name, o.options);
    if (typeof o.name === 'string') return of(getOptimizerPlugin(o.name), o.options);
  }
  throw new ConfigError(`${where} must be { name, options } of a registered optimizer or an optimizer plugin, but got ${formatValue(spec)}`);
}
