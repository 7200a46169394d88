/**
 * Option specs that several commands share (`--out`, `--quiet`, `--plugin`), so their spelling,
 * alias and help stay the same everywhere.
 * @module
 */
import type { OptionSpec } from '../args.js';

/** `-q, --quiet`: no progress output.
 * @example
 * ```ts
 * const options = { quiet: QUIET_OPTION };
 * ```
 */
export const QUIET_OPTION: OptionSpec = { type: 'boolean', short: 'q', help: 'no progress output' };

/** `-o, --out DIR`, with what the command writes there and its default folder.
 * @example
 * ```ts
 * const options = { out: outOption('where to write index.html and results.json', 'report') };
 * ```
 */
export function outOption(help: string, defaultDir?: string): OptionSpec {
  return { type: 'string', short: 'o', value: 'DIR', help, ...(defaultDir !== undefined ? { default: defaultDir } : {}) };
}

/** `--plugin FILE` (repeatable), with what the command does with the plugins.
 * @example
 * ```ts
 * const options = { plugin: pluginOption('load a module that registers plugins (e.g. your optimizer)') };
 * ```
 */
export function pluginOption(help: string): OptionSpec {
  return { type: 'string', value: 'FILE', help, multiple: true };
}
