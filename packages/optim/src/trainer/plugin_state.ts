/**
 * What the trainer's plugins own, for checkpoints: each plugin's saved state (orders, regularizers
 * and constraints that define `state()`) and every random generator a plugin object holds as a
 * property, so a resumed run draws exactly what the uninterrupted one would have.
 * @module
 */
import { StateError, type Rng, type RngState } from '@descent/tensor';
import { isGenerator } from '@descent/layers';
import { formatValue } from '../options.js';
import type { PluginState } from '../plugin_types.js';

/** One plugin as a checkpoint sees it.
 * @example
 * ```ts
 * const owned: OwnedPlugin = ownedPlugin(regularizer, true);
 * ```
 */
export interface OwnedPlugin {
  /** The plugin's name. */
  readonly name: string;
  /** Its `state()` / `loadState()` when they are saved here (null for plugins whose state is saved elsewhere). */
  readonly hooks: {
    /** The plugin's `state()`. */ state(): PluginState;
    /** The plugin's `loadState()`, when it has one. */ loadState?(s: PluginState): void } | null;
  /** The generators it holds as properties, by property name. */
  readonly generators: Array<[string, Rng]>;
}

/** What a checkpoint stores per plugin.
 * @example
 * ```ts
 * const saved: SavedPlugin = { name: 'shuffle', state: null, generators: {} };
 * ```
 */
export interface SavedPlugin {
  /** The plugin's name (must match on resume). */
  name: string;
  /** What `state()` returned, or null. */
  state: PluginState;
  /** Each generator's state by property name. */
  generators: Record<string, RngState>;
}

/**
 * Describe a plugin for checkpoints: its name, its state hooks when `withState` and it defines
 * `state()`, and the generators among its own properties.
 * @example
 * ```ts
 * ownedPlugin(trainer.order, true).generators.map(([k]) => k); // e.g. ['rng']
 * ```
 */
export function ownedPlugin(plugin: { name: string; state?(): PluginState; loadState?(s: PluginState): void }, withState: boolean): OwnedPlugin {
  const generators = Object.entries(plugin as object).filter((e): e is [string, Rng] => isGenerator(e[1]));
  const hooks = withState && typeof plugin.state === 'function' ? { state: () => plugin.state!(), loadState: plugin.loadState?.bind(plugin) } : null;
  return { name: plugin.name, hooks, generators };
}

/** Save every plugin's state and generators.
 * @example
 * ```ts
 * body.plugins = savePlugins(owned);
 * ```
 */
export function savePlugins(plugins: readonly OwnedPlugin[]): SavedPlugin[] {
  return plugins.map((p) => ({
    name: p.name,
    state: p.hooks ? p.hooks.state() : null,
    generators: Object.fromEntries(p.generators.map(([k, g]) => [k, g.getState()])),
  }));
}

/** Check that saved plugins fit the live ones (names, generator names, a state where one is kept).
 * @returns the problems (empty when they fit).
 * @example
 * ```ts
 * pluginMismatches(body.plugins ?? [], owned); // []
 * ```
 */
export function pluginMismatches(saved: readonly SavedPlugin[], live: readonly OwnedPlugin[]): string[] {
  const names = (list: ReadonlyArray<{ name: string }>) => list.map((p) => p.name);
  if (JSON.stringify(names(saved)) !== JSON.stringify(names(live))) return [`plugins: checkpoint ${formatValue(names(saved))}, trainer ${formatValue(names(live))}`];
  const out: string[] = [];
  live.forEach((p, i) => {
    const s = saved[i]!;
    const want = p.generators.map(([k]) => k), got = Object.keys(s.generators);
    if (JSON.stringify(want) !== JSON.stringify(got)) out.push(`plugin ${i} '${p.name}': generators in the checkpoint ${formatValue(got)}, in the trainer ${formatValue(want)}`);
    if (p.hooks?.loadState && s.state === null) out.push(`plugin ${i} '${p.name}': the checkpoint has no state for it`);
  });
  return out;
}

/** Load saved plugins into the live ones (call {@link pluginMismatches} first).
 * @throws StateError from a plugin's `loadState`.
 * @example
 * ```ts
 * restorePlugins(body.plugins, owned);
 * ```
 */
export function restorePlugins(saved: readonly SavedPlugin[], live: readonly OwnedPlugin[]): void {
  live.forEach((p, i) => {
    const s = saved[i];
    if (!s) throw new StateError(`plugin ${i} '${p.name}': no saved state`);
    if (p.hooks?.loadState) p.hooks.loadState(s.state);
    for (const [k, g] of p.generators) g.setState(s.generators[k]!);
  });
}
