import { ConfigError, RegistryError } from '@descent/tensor';
import { formatValue } from './options.js';

/** The kinds of plugin the one registry holds.
 * @example
 * ```ts
 * const kind: PluginKind = 'optimizer';
 * ```
 */
export type PluginKind = 'optimizer' | 'scheduler' | 'regularizer' | 'constraint' | 'gradient' | 'order' | 'callback';

/**
 * A plugin definition: a name, its default options, and a factory. `create` validates the options
 * (unknown names and bad values are errors) and returns the plugin instance.
 *
 * @example
 * ```ts
 * const def: PluginDefinition<{ lr: number }, MyOptimizer> = {
 *   kind: 'optimizer', name: 'mysgd', defaults: { lr: 0.01 }, create: (o) => new MyOptimizer(o),
 * };
 * ```
 */
export interface PluginDefinition<O extends object = object, T = unknown> {
  /** Which kind of plugin this is (optimizer, scheduler, …). */
  readonly kind: PluginKind;
  /** Registered name, unique within its kind (e.g. `'adam'`). */
  readonly name: string;
  /** One-line description shown by `descent list` and the docs. */
  readonly description?: string;
  /** Default options; also the list of option names `create` accepts. */
  readonly defaults: O;
  /** Validate `options` (merged over {@link defaults}) and build the plugin instance. */
  create(options: Partial<O>): T;
}

/**
 * The one registry of every plugin kind in `@descent/optim`. Each kind has a view with
 * `register`, `create(name, options)`, `names()` (see {@link optimizers}, {@link schedulers}…).
 *
 * @example
 * ```ts
 * registry.register(def);
 * registry.create('optimizer', 'adam', { lr: 1e-3 });
 * ```
 */
export class PluginRegistry {
  private readonly entries = new Map<string, PluginDefinition<object, unknown>>();
  private registered = 0;

  /** How many successful `register` calls there have been (replacements included): a loader can
   * tell whether a plugin module registered anything.
   * @example
   * ```ts
   * const before = registry.registrations; await import(path); registry.registrations > before;
   * ```
   */
  get registrations(): number {
    return this.registered;
  }

  /** Add a plugin. Registering a taken name is an error unless `replace` is set.
   * @example
   * ```ts
   * registry.register(def, { replace: true });
   * ```
   */
  register<O extends object, T>(def: PluginDefinition<O, T>, options: { replace?: boolean } = {}): void {
    if (!def || typeof def.name !== 'string' || def.name.length === 0) {
      throw new RegistryError(`register: a plugin needs a non-empty string name, but got ${formatValue(def?.name)}`);
    }
    const k = `${def.kind}:${def.name}`;
    if (this.entries.has(k) && !options.replace) {
      throw new RegistryError(`register: a ${def.kind} named '${def.name}' is already registered; pass { replace: true } to replace it`);
    }
    this.entries.set(k, def as unknown as PluginDefinition<object, unknown>);
    this.registered++;
  }

  /** The definition of a plugin.
   * @throws RegistryError listing the registered names of that kind.
   * @example
   * ```ts
   * registry.get('optimizer', 'adam').defaults;
   * ```
   */
  get(kind: PluginKind, name: string): PluginDefinition<object, unknown> {
    const def = this.entries.get(`${kind}:${name}`);
    if (!def) {
      throw new RegistryError(`unknown ${kind} '${name}'. Registered: ${this.names(kind).join(', ') || '(none)'}`);
    }
    return def;
  }

  /** Whether a plugin is registered.
   * @example
   * ```ts
   * registry.has('optimizer', 'adam'); // true
   * ```
   */
  has(kind: PluginKind, name: string): boolean {
    return this.entries.has(`${kind}:${name}`);
  }

  /** Create a plugin instance from its registered name and options.
   * @example
   * ```ts
   * const opt = registry.create('optimizer', 'sgd', { lr: 0.1, momentum: 0.9 });
   * ```
   */
  create<T = unknown>(kind: PluginKind, name: string, options: object = {}): T {
    if (typeof name !== 'string') throw new ConfigError(`create: the ${kind} name must be a string, but got ${formatValue(name)}`);
    return this.get(kind, name).create(options) as T;
  }

  /** Registered names of a kind, sorted.
   * @example
   * ```ts
   * registry.names('scheduler');
   * ```
   */
  names(kind: PluginKind): string[] {
    const prefix = `${kind}:`;
    return [...this.entries.keys()].filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length)).sort();
  }

  /** A view of one kind with `register`, `create`, `names`, `get`, `has`.
   * @example
   * ```ts
   * const opts = registry.kind<Optimizer>('optimizer');
   * opts.create('adam');
   * ```
   */
  kind<T>(kind: PluginKind): KindRegistry<T> {
    return {
      kind,
      register: <O extends object>(def: Omit<PluginDefinition<O, T>, 'kind'>, options?: { replace?: boolean }) =>
        this.register({ ...def, kind, create: def.create } as PluginDefinition<O, T>, options),
      create: (name: string, options: object = {}) => this.create<T>(kind, name, options),
      names: () => this.names(kind),
      get: (name: string) => this.get(kind, name),
      has: (name: string) => this.has(kind, name),
    };
  }
}

/** The registry restricted to one plugin kind.
 * @example
 * ```ts
 * optimizers.names(); // ['adabound', 'adagrad', …]
 * ```
 */
export interface KindRegistry<T> {
  /** The plugin kind this view is restricted to. */
  readonly kind: PluginKind;
  /** Add a plugin of this kind; a taken name is an error unless `replace` is set. */
  register<O extends object>(def: Omit<PluginDefinition<O, T>, 'kind'>, options?: { replace?: boolean }): void;
  /** Create an instance of the named plugin with the given options. */
  create(name: string, options?: object): T;
  /** Registered names of this kind, sorted. */
  names(): string[];
  /** The definition of the named plugin; throws `RegistryError` if unknown. */
  get(name: string): PluginDefinition<object, unknown>;
  /** Whether a plugin of this kind is registered under `name`. */
  has(name: string): boolean;
}

/** The process-wide registry every built-in plugin registers itself in.
 * @example
 * ```ts
 * registry.names('optimizer');
 * ```
 */
export const registry = new PluginRegistry();
