/**
 * `descent list`: every registered plugin by kind (optimizers, schedulers, regularizers,
 * constraints, gradient transforms, data orders, callbacks) and the layer types, with descriptions.
 * @module
 */
import { registry, type PluginKind } from '@descent/optim';
import { UsageError, parseCommandArgs, type CommandSpec } from '../args.js';
import type { CliIo } from '../io.js';
import { layerNames } from '../model.js';
import { loadPlugins, pluginPaths } from '../plugins.js';

/** One section of `descent list`.
 * @example
 * ```ts
 * const k: ListKind = { kind: 'optimizer', heading: 'Optimizers', field: 'optimizer' };
 * ```
 */
export interface ListKind {
  /** The registry kind, or `layer` for the CLI's layer types. */
  readonly kind: PluginKind | 'layer';
  /** The section heading. */
  readonly heading: string;
  /** The `descent train` config field that takes this kind. */
  readonly field: string;
}

/** The kinds `descent list` shows, with their config field and heading.
 * @example
 * ```ts
 * LIST_KINDS.map((k) => k.kind); // ['optimizer', 'scheduler', …, 'layer']
 * ```
 */
export const LIST_KINDS: ReadonlyArray<ListKind> = [
  { kind: 'optimizer', heading: 'Optimizers', field: 'optimizer' },
  { kind: 'scheduler', heading: 'Schedulers', field: 'scheduler' },
  { kind: 'regularizer', heading: 'Regularizers (loss penalties)', field: 'regularizers' },
  { kind: 'constraint', heading: 'Constraints (after each update)', field: 'constraints' },
  { kind: 'gradient', heading: 'Gradient transforms', field: 'gradients' },
  { kind: 'order', heading: 'Data orders', field: 'order' },
  { kind: 'callback', heading: 'Callbacks', field: 'callbacks' },
  { kind: 'layer', heading: 'Layers (descent train configs)', field: 'model' },
];

/** The options of `descent list`.
 * @example
 * ```ts
 * console.log(helpText(listCommand));
 * ```
 */
export const listCommand: CommandSpec = {
  name: 'list',
  summary: 'List the registered plugins (and layer types) by kind, with their descriptions.',
  usage: 'descent list [KIND] [--plugin FILE]…',
  description: `KIND is one of ${LIST_KINDS.map((k) => k.kind).join(', ')} (default: all).`,
  positionals: 1,
  options: {
    plugin: { type: 'string', value: 'FILE', help: 'load a module that registers plugins first (they are listed too)', multiple: true },
    json: { type: 'boolean', help: 'print { kind: [names] } as JSON' },
  },
  examples: ['descent list', 'descent list optimizer', 'descent list --plugin ./my-optimizer.js'],
};

/**
 * Run `descent list`; returns the listed names by kind.
 * @throws UsageError for an unknown kind.
 * @example
 * ```ts
 * (await listMain(['optimizer'], processIo())).optimizer; // ['adabound', 'adagrad', …]
 * ```
 */
export async function listMain(argv: readonly string[], io: CliIo): Promise<Record<string, string[]>> {
  const args = parseCommandArgs(listCommand, argv);
  await loadPlugins(pluginPaths(args), io.cwd);
  const want = args.positionals[0];
  const kinds = want === undefined ? LIST_KINDS : LIST_KINDS.filter((k) => k.kind === want || k.field === want || `${k.kind}s` === want);
  if (kinds.length === 0) throw new UsageError(`descent list: unknown kind '${want}'. Kinds: ${LIST_KINDS.map((k) => k.kind).join(', ')}`);
  const result: Record<string, string[]> = {};
  const blocks: string[] = [];
  for (const k of kinds) {
    const entries: Array<[string, string]> = k.kind === 'layer'
      ? layerNames()
      : registry.names(k.kind).map((n) => [n, registry.get(k.kind as PluginKind, n).description ?? ''] as [string, string]);
    result[k.kind] = entries.map((e) => e[0]);
    const w = Math.max(0, ...entries.map((e) => e[0].length));
    blocks.push([`${k.heading} — config field "${k.field}":`, ...(entries.length ? entries.map(([n, d]) => `  ${n.padEnd(w)}  ${d}`) : ['  (none)'])].join('\n'));
  }
  io.out(args.values.json ? JSON.stringify(result, null, 1) : blocks.join('\n\n'));
  return result;
}
