/**
 * Loading user plugin modules (`--plugin ./my-plugin.js`). A plugin module either registers its
 * plugins when imported (importing `@descent/optim` itself), or exports a `register(api)` function
 * (default or named) that receives descent's registries — so a single file that has not
 * installed `@descent/*` (see examples/plugin-package for a package that has) works too.
 * @module
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tensor from '@descent/tensor';
import * as layers from '@descent/layers';
import * as optim from '@descent/optim';
import { UsageError } from './args.js';
import { formatValue } from '@descent/optim';
import { layerRegistrationCount, registerLayer } from './model.js';

/** What a plugin's `register(api)` receives: the three packages and the CLI's layer registry.
 * @example
 * ```ts
 * export function register({ optim }: PluginApi) {
 *   optim.registerOptimizer({ name: 'signsgd', defaults: { lr: 0.01 }, init: () => ({}), update: (g, s, _p, ctx) => ({ updates: g.map((x) => x.map((v) => -ctx.lr * Math.sign(v))), state: s }) });
 * }
 * ```
 */
export interface PluginApi {
  /** `@descent/tensor`. */
  readonly tensor: typeof tensor;
  /** `@descent/layers`. */
  readonly layers: typeof layers;
  /** `@descent/optim` (its registries: `registerOptimizer`, `schedulers.register`, `callbacks.register`, …). */
  readonly optim: typeof optim;
  /** Add a layer type usable in `descent train` configs. */
  readonly registerLayer: typeof registerLayer;
}

/** Plugin modules that registered something in this process (a second import of a module is cached
 * and registers nothing new). */
const everLoaded = new Set<string>();

/** The API object handed to plugins' `register` functions.
 * @example
 * ```ts
 * pluginApi.optim.optimizers.names();
 * ```
 */
export const pluginApi: PluginApi = { tensor, layers, optim, registerLayer };

/**
 * Import each plugin module (paths relative to `cwd`) and call its `register(api)` export if it has one.
 * @returns the absolute paths loaded.
 * @throws UsageError naming the plugin when the file is missing, fails to load, exports a `register`
 *   that is not a function, registers nothing, or `register` throws.
 * @example
 * ```ts
 * await loadPlugins(['./my-optimizer.js']);
 * ```
 */
export async function loadPlugins(paths: readonly string[], cwd = process.cwd()): Promise<string[]> {
  const loaded: string[] = [];
  const registrations = () => optim.registry.registrations + layerRegistrationCount();
  for (const p of paths) {
    const before = registrations();
    const abs = resolve(cwd, p);
    if (!existsSync(abs)) throw new UsageError(`--plugin ${p}: file not found (looked for ${abs})`);
    let mod: Record<string, unknown>;
    try {
      mod = (await import(pathToFileURL(abs).href)) as Record<string, unknown>;
    } catch (e) {
      throw new UsageError(`--plugin ${p}: failed to load: ${(e as Error).message}`);
    }
    const exported = 'register' in mod ? 'register' : 'default' in mod ? 'default' : null;
    const register = exported === null ? null : mod[exported];
    if (exported !== null && typeof register !== 'function' && registrations() === before) {
      throw new UsageError(`--plugin ${p}: the '${exported}' export must be a function register(api), but got ${formatValue(register, 80)}`);
    }
    if (typeof register === 'function') {
      try {
        await (register as (api: PluginApi) => unknown)(pluginApi);
      } catch (e) {
        throw new UsageError(`--plugin ${p}: register() failed: ${e instanceof Error ? e.message : formatValue(e, 200)}`);
      }
    }
    // NOTE: a module imported before (ESM caches it) registered its plugins the first time.
    if (registrations() === before && !everLoaded.has(abs)) {
      const names = Object.keys(mod);
      throw new UsageError(`--plugin ${p}: the module registered nothing: a plugin module must register plugins when imported, or export a function register(api) that does (its exports: ${names.length ? names.join(', ') : 'none'})`);
    }
    everLoaded.add(abs);
    loaded.push(abs);
  }
  return loaded;
}

/** The `--plugin` values of parsed arguments, as a list.
 * @example
 * ```ts
 * pluginPaths({ values: { plugin: ['a.js', 'b.js'] }, positionals: [] }); // ['a.js', 'b.js']
 * ```
 */
export function pluginPaths(args: { values: Record<string, unknown> }): string[] {
  const v = args.values.plugin;
  return v === undefined ? [] : Array.isArray(v) ? v.map(String) : [String(v)];
}
