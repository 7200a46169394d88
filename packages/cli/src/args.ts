/**
 * Command-line parsing shared by the commands: `node:util`'s `parseArgs` in strict mode, with
 * every problem reported as a {@link UsageError} that names the option.
 * @module
 */
import { parseArgs } from 'node:util';
import { UsageError } from '@descent/tensor';

export { UsageError };

/** One option of a command: its type, default, value name and help text.
 * @example
 * ```ts
 * const o: OptionSpec = { type: 'string', value: 'N', help: 'epochs per optimizer', default: '4' };
 * ```
 */
export interface OptionSpec {
  /** A value-taking option (`--epochs 3`) or a flag (`--quiet`, `--no-landscape`). */
  readonly type: 'string' | 'boolean';
  /** One-letter alias (`-o`). */
  readonly short?: string;
  /** Placeholder in the help text (`N`, `DIR`). */
  readonly value?: string;
  /** One line for `--help`. */
  readonly help: string;
  /** The default, shown in the help text (applied by the command). */
  readonly default?: string;
  /** May be given several times (values collected in order). */
  readonly multiple?: boolean;
}

/** What a command declares: name, one-line summary, usage line, options, and examples.
 * @example
 * ```ts
 * const spec: CommandSpec = { name: 'list', summary: 'list plugins', usage: 'descent list [kind]', options: {} };
 * ```
 */
export interface CommandSpec {
  /** The command word (`compare`). */
  readonly name: string;
  /** One line for `descent --help`. */
  readonly summary: string;
  /** The usage line. */
  readonly usage: string;
  /** Longer description printed under the usage. */
  readonly description?: string;
  /** The options by long name (without `--`). */
  readonly options: Readonly<Record<string, OptionSpec>>;
  /** Example command lines for `--help`. */
  readonly examples?: readonly string[];
  /** Whether positional arguments are accepted (how many at most). */
  readonly positionals?: number;
}

/** The parsed command line of one command.
 * @example
 * ```ts
 * const { values, positionals } = parseCommandArgs(spec, ['--epochs', '3']);
 * ```
 */
export interface ParsedArgs {
  /** Option values by long name: strings, booleans, or lists for repeatable options. */
  readonly values: Record<string, string | boolean | string[] | undefined>;
  /** The arguments that are not options, in order. */
  readonly positionals: string[];
}

/** Every command accepts `--help` / `-h`. */
const HELP: OptionSpec = { type: 'boolean', short: 'h', help: 'show this help' };

/**
 * Parse `argv` (the arguments after the command name) against a command's options.
 * @throws UsageError naming the unknown option, the option missing its value, or the extra argument.
 * @example
 * ```ts
 * parseCommandArgs(compareSpec, ['--epochs', '2', '--dataset', 'iris']).values.epochs; // '2'
 * ```
 */
export function parseCommandArgs(spec: CommandSpec, argv: readonly string[]): ParsedArgs {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = { help: { type: 'boolean', short: 'h' } };
  for (const [name, o] of Object.entries(spec.options)) {
    options[name] = { type: o.type, ...(o.short ? { short: o.short } : {}), ...(o.multiple ? { multiple: true } : {}) };
  }
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options, strict: true, allowPositionals: true, allowNegative: true });
  } catch (e) {
    const msg = (e as Error).message.replace(/\. To specify a positional argument starting with a '-'.*$/s, '');
    throw new UsageError(`descent ${spec.name}: ${msg}`);
  }
  const max = spec.positionals ?? 0;
  if (parsed.positionals.length > max && !parsed.values.help) {
    const extra = parsed.positionals.slice(max).map((p) => `'${p}'`).join(', ');
    throw new UsageError(`descent ${spec.name}: unexpected argument ${extra}${max === 0 ? ' (this command takes options only)' : ''}`);
  }
  return { values: parsed.values as ParsedArgs['values'], positionals: parsed.positionals };
}

/** The help text of a command: usage, description, options with defaults, examples.
 * @example
 * ```ts
 * console.log(helpText(compareSpec));
 * ```
 */
export function helpText(spec: CommandSpec): string {
  const rows = Object.entries({ ...spec.options, help: HELP }).map(([name, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : '    '}--${name}${o.value ? ` ${o.value}` : ''}`;
    const extra = [o.default !== undefined ? `default: ${o.default}` : '', o.multiple ? 'repeatable' : ''].filter(Boolean).join('; ');
    return [flag, `${o.help}${extra ? ` (${extra})` : ''}`] as const;
  });
  const w = Math.max(...rows.map((r) => r[0].length));
  const lines = [`${spec.summary}`, '', `Usage: ${spec.usage}`];
  if (spec.description) lines.push('', spec.description);
  lines.push('', 'Options:', ...rows.map(([f, h]) => `  ${f.padEnd(w)}  ${h}`));
  if (spec.examples?.length) lines.push('', 'Examples:', ...spec.examples.map((e) => `  ${e}`));
  return lines.join('\n');
}

/** A string option's value (or `fallback`).
 * @example
 * ```ts
 * stringOption(args, 'out', 'report');
 * ```
 */
export function stringOption(args: ParsedArgs, name: string, fallback: string): string;
export function stringOption(args: ParsedArgs, name: string): string | undefined;
export function stringOption(args: ParsedArgs, name: string, fallback?: string): string | undefined {
  const v = args.values[name];
  if (v === undefined) return fallback;
  if (typeof v !== 'string') throw new UsageError(`--${name} needs a value`);
  return v;
}

/**
 * An integer option within bounds.
 * @throws UsageError `--epochs must be an integer ≥ 1, but got 'x'`.
 * @example
 * ```ts
 * intOption(args, 'epochs', 4, { min: 1 });
 * ```
 */
export function intOption(args: ParsedArgs, name: string, fallback: number, bounds: { min?: number; max?: number } = {}): number {
  const raw = args.values[name];
  if (raw === undefined) return fallback;
  const { min = -Infinity, max = Infinity } = bounds;
  const n = typeof raw === 'string' && /^[+-]?\d+$/.test(raw.trim()) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    const range = Number.isFinite(max) ? `an integer in [${min}, ${max}]` : `an integer ≥ ${min}`;
    throw new UsageError(`--${name} must be ${range}, but got '${String(raw)}'`);
  }
  return n;
}

/**
 * A finite number option, optionally > 0.
 * @throws UsageError `--min-lr must be a number > 0, but got 'abc'`.
 * @example
 * ```ts
 * numberOption(args, 'min-lr', 1e-6, { positive: true });
 * ```
 */
export function numberOption(args: ParsedArgs, name: string, fallback: number, bounds: { positive?: boolean } = {}): number {
  const raw = args.values[name];
  if (raw === undefined) return fallback;
  const n = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
  if (!Number.isFinite(n) || (bounds.positive && n <= 0)) {
    throw new UsageError(`--${name} must be ${bounds.positive ? 'a number > 0' : 'a finite number'}, but got '${String(raw)}'`);
  }
  return n;
}

/**
 * One of a fixed set of words.
 * @throws UsageError `--dataset must be one of mnist, iris, but got 'cifar'`.
 * @example
 * ```ts
 * choiceOption(args, 'dataset', ['mnist', 'iris'], 'mnist');
 * ```
 */
export function choiceOption<T extends string>(args: ParsedArgs, name: string, choices: readonly T[], fallback: T): T {
  const raw = args.values[name];
  if (raw === undefined) return fallback;
  if (typeof raw !== 'string' || !choices.includes(raw as T)) {
    throw new UsageError(`--${name} must be one of ${choices.join(', ')}, but got '${String(raw)}'`);
  }
  return raw as T;
}

/** A comma-separated list (empty items dropped).
 * @example
 * ```ts
 * listOption(args, 'optimizers', ['adam']); // ['adam', 'sgdm'] for --optimizers adam,sgdm
 * ```
 */
export function listOption(args: ParsedArgs, name: string, fallback: readonly string[]): string[] {
  const raw = args.values[name];
  if (raw === undefined) return fallback.slice();
  const list = String(raw).split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  if (list.length === 0) throw new UsageError(`--${name} needs at least one name, but got '${String(raw)}'`);
  return list;
}

/**
 * `name=value` pairs separated by commas, as numbers (e.g. per-optimizer learning rates).
 * @throws UsageError naming the malformed pair.
 * @example
 * ```ts
 * numberMapOption(args, 'lr'); // { adam: 0.002, sgdm: 0.05 } for --lr adam=0.002,sgdm=0.05
 * ```
 */
export function numberMapOption(args: ParsedArgs, name: string): Record<string, number> {
  const raw = args.values[name];
  if (raw === undefined) return {};
  const out: Record<string, number> = {};
  for (const pair of String(raw).split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^([A-Za-z_][\w-]*)=(.+)$/.exec(pair);
    const v = m ? Number(m[2]) : NaN;
    if (!m || !Number.isFinite(v) || v <= 0) throw new UsageError(`--${name} expects name=value pairs with values > 0 (e.g. adam=0.001,sgdm=0.05), but got '${pair}'`);
    out[m[1]!] = v;
  }
  return out;
}
