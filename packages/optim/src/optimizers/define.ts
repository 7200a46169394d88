/**
 * Registering and resolving optimizer plugins, on top of the one plugin registry (`registry.ts`)
 * and the one option validator (`options.ts`).
 *
 * @module
 */
import { ConfigError, RegistryError } from '@descent/tensor';
import { formatValue, resolveOptions, rules } from '../options.js';
import { registry, type KindRegistry, type PluginDefinition } from '../registry.js';
import type { AnyOptimizerPlugin, ConfiguredOptimizer, MomentumOption, OptimizerOptions, OptimizerPlugin } from './types.js';

/** The optimizer view of the plugin registry: `register`, `create(name, options)`, `names()`.
 * `create` validates the options and returns a {@link ConfiguredOptimizer} (`{ plugin, options }`).
 * @example
 * ```ts
 * optimizers.names();                         // ['adabound', 'adagrad', 'adam', …]
 * const { plugin, options } = optimizers.create('adam', { lr: 0.01 });
 * ```
 */
export const optimizers: KindRegistry<ConfiguredOptimizer> = registry.kind<ConfiguredOptimizer>('optimizer');

/** The registry entry of an optimizer: a plugin definition that also carries the plugin. */
interface OptimizerDefinition extends PluginDefinition<object, ConfiguredOptimizer> {
  readonly plugin: AnyOptimizerPlugin;
}

/**
 * Add an optimizer plugin to the registry under `plugin.name`. Built-ins register themselves
 * this way; so does your own plugin.
 * @throws RegistryError when the name is taken (pass `{ replace: true }` to replace it).
 * @example
 * ```ts
 * registerOptimizer(signSgd);
 * createOptimizer('signsgd', model.parameters(), { lr: 0.01 });
 * ```
 */
export function registerOptimizer(plugin: AnyOptimizerPlugin, options: { replace?: boolean } = {}): void {
  checkPluginShape(plugin, 'registerOptimizer');
  const def: Omit<OptimizerDefinition, 'kind'> = {
    name: plugin.name,
    ...(plugin.description !== undefined ? { description: plugin.description } : {}),
    defaults: plugin.defaults,
    plugin,
    create: (opts: object) => ({ plugin, options: resolveOptimizerOptions(plugin, opts) }),
  };
  optimizers.register(def, options);
}

/**
 * The plugin registered under a name (or the plugin itself when given one).
 * @throws RegistryError listing the registered names when the name is unknown.
 * @example
 * ```ts
 * getOptimizerPlugin('adam').defaults.betas; // [0.9, 0.999]
 * ```
 */
export function getOptimizerPlugin(nameOrPlugin: string | AnyOptimizerPlugin): AnyOptimizerPlugin {
  if (typeof nameOrPlugin !== 'string') {
    checkPluginShape(nameOrPlugin, 'getOptimizerPlugin');
    return nameOrPlugin;
  }
  const def = optimizers.get(nameOrPlugin) as Partial<OptimizerDefinition>;
  if (!def.plugin) throw new RegistryError(`getOptimizerPlugin: '${nameOrPlugin}' was registered without a plugin object; register optimizers with registerOptimizer()`);
  return def.plugin;
}

/**
 * Merge options over a plugin's defaults and validate them: unknown names are a ConfigError,
 * out-of-range values a ValueError naming the option, what it expects and what it got.
 * @example
 * ```ts
 * resolveOptimizerOptions(adam, { lr: 0.01 });          // { lr: 0.01, betas: [0.9, 0.999], … }
 * resolveOptimizerOptions(adam, { weight_decay: 0.1 }); // ConfigError: adam: unknown option 'weight_decay' (did you mean 'weightDecay'?)
 * ```
 */
export function resolveOptimizerOptions<O extends OptimizerOptions>(plugin: OptimizerPlugin<O, unknown>, options: object | undefined = {}): O {
  checkPluginShape(plugin as AnyOptimizerPlugin, 'resolveOptimizerOptions');
  const merged = resolveOptions<O>(plugin.name, plugin.defaults, options as Partial<O>, plugin.rules ?? {});
  const out = plugin.resolve ? plugin.resolve(merged) : merged;
  const lr = (out as OptimizerOptions).lr;
  if (typeof lr !== 'number' || !Number.isFinite(lr) || lr < 0) {
    throw new ConfigError(`${plugin.name}: option 'lr' must be a finite number ≥ 0 after resolution, but got ${formatValue(lr)}`);
  }
  return out;
}

function checkPluginShape(plugin: AnyOptimizerPlugin, where: string): void {
  const p = plugin as Partial<AnyOptimizerPlugin> | null;
  if (!p || typeof p !== 'object') throw new ConfigError(`${where}: expected an optimizer plugin object, but got ${String(plugin)}`);
  if (typeof p.name !== 'string' || p.name.length === 0) throw new ConfigError(`${where}: an optimizer plugin needs a non-empty string 'name', but got ${formatValue(p.name)}`);
  if (typeof p.init !== 'function' || typeof p.update !== 'function') {
    throw new ConfigError(`${where}: optimizer plugin '${p.name}' must have init() and update() functions`);
  }
  if (p.updateInPlace !== undefined && typeof p.updateInPlace !== 'function') {
    throw new ConfigError(`${where}: optimizer plugin '${p.name}': 'updateInPlace' must be a function when given, but got ${formatValue(p.updateInPlace)}`);
  }
  if (!p.defaults || typeof p.defaults !== 'object' || typeof (p.defaults as Record<string, unknown>).lr !== 'number' && !('lr' in p.defaults)) {
    throw new ConfigError(`${where}: optimizer plugin '${p.name}' must have 'defaults' including 'lr'`);
  }
  if (checked.has(p)) return;
  const problem = pluginMetadataProblem(p as AnyOptimizerPlugin);
  if (problem) throw new ConfigError(`${where}: optimizer plugin '${p.name}': ${problem}`);
  checked.add(p);
}

/** Plugins whose metadata has passed {@link pluginMetadataProblem} (checked once per object). */
const checked = new WeakSet<object>();

/** Registry names: lower case letters and digits, words joined by `-` or `_` (`adam`, `sgd-w`). */
const NAME = /^[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*$/;
/** Option keys: camelCase (`weightDecay`, `betas`, `lr`). */
const OPTION_KEY = /^[a-z][a-zA-Z0-9]*$/;

/** Why a plugin's name, option keys, `rules` or `momentum` declaration break the conventions
 * (null when they do not): the name must be lower case, option keys camelCase, every `rules` key
 * an option, and `momentum` must name an option of the right kind. */
function pluginMetadataProblem(p: AnyOptimizerPlugin): string | null {
  if (!NAME.test(p.name)) return `the name must be lower case (letters and digits, words joined by '-' or '_'), e.g. '${p.name.toLowerCase().replace(/[^a-z0-9_-]/g, '')}', but got '${p.name}'`;
  const keys = Object.keys(p.defaults);
  const badKey = keys.find((k) => !OPTION_KEY.test(k));
  if (badKey !== undefined) {
    const camel = badKey.replace(/[_-]+([a-zA-Z0-9])/g, (_m, c: string) => c.toUpperCase()).replace(/^[A-Z]/, (c) => c.toLowerCase());
    return `option keys must be camelCase (e.g. '${camel}'), but 'defaults' has '${badKey}'`;
  }
  if (p.rules !== undefined) {
    if (p.rules === null || typeof p.rules !== 'object') return `'rules' must be an object of option checks, but got ${formatValue(p.rules)}`;
    for (const [k, rule] of Object.entries(p.rules as Record<string, unknown>)) {
      if (!keys.includes(k)) return `'rules' has a check for '${k}', which is not an option; options (the keys of 'defaults'): ${keys.join(', ')}`;
      if (typeof rule !== 'function') return `'rules.${k}' must be a function (value, options) => string | null, but got ${formatValue(rule)}`;
    }
  }
  const m = p.momentum as Partial<MomentumOption> | null | undefined;
  if (m !== undefined) {
    if (m === null || typeof m !== 'object' || typeof m.option !== 'string') return `'momentum' must be { option, index? } naming the momentum option, but got ${formatValue(m)}`;
    if (!keys.includes(m.option)) return `'momentum.option' must be an option (one of ${keys.join(', ')}), but got '${m.option}'`;
    const def = (p.defaults as Record<string, unknown>)[m.option];
    if (m.index !== undefined) {
      if (!Number.isInteger(m.index) || m.index < 0 || !Array.isArray(def) || typeof def[m.index] !== 'number') {
        return `'momentum' is { option: '${m.option}', index: ${formatValue(m.index)} }, but the default ${formatValue(def)} has no number at that index`;
      }
    } else if (m.wraps !== true && typeof def !== 'number') {
      return `'momentum.option' '${m.option}' must be a number option (or give 'index' for an array option, 'wraps' for a wrapped optimizer), but its default is ${formatValue(def)}`;
    }
  }
  return null;
}

/** Option rules shared by the built-in optimizers (a plugin author may reuse them).
 * @example
 * ```ts
 * const myRules = { lr: optimizerRules.lr, betas: optimizerRules.betas };
 * ```
 */
export const optimizerRules = {
  /** Learning rate: a finite number ≥ 0. */
  lr: rules.nonNegative,
  /** A pair [β1, β2], each in [0, 1). */
  betas: rules.betas,
  /** ε > 0. */
  eps: rules.positive,
  /** Momentum μ ≥ 0. */
  momentum: rules.nonNegative,
  /** Dampening τ in [0, 1]. */
  dampening: rules.inRange(0, 1, true),
  /** Weight decay λ ≥ 0. */
  weightDecay: rules.nonNegative,
  /** A coefficient β in [0, 1). */
  beta: rules.inRange(0, 1),
} as const;
