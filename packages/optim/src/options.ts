import { checkOptionNames, ConfigError, ValueError } from '@descent/tensor';

/** A check on one option value: returns an error text ("must be in [0, 1)") or null when fine.
 * @example
 * ```ts
 * const positive: OptionRule = (v) => (typeof v === 'number' && v > 0 ? null : 'must be a number > 0');
 * ```
 */
export type OptionRule = (value: unknown, all: Record<string, unknown>) => string | null;

/**
 * Merge user options over defaults, rejecting unknown names (a typo like `weight_decay` or `lR`
 * is reported, not ignored) and values that fail their rule. Returns the merged options.
 *
 * @throws ConfigError for an unknown option or one of the wrong type; ValueError for a value out of range.
 * @example
 * ```ts
 * const o = resolveOptions('sgd', { lr: 1e-3, momentum: 0 }, { lr: 0.1 }, { lr: rules.nonNegative });
 * ```
 */
export function resolveOptions<O extends object>(
  owner: string,
  defaults: O,
  options: Partial<O> | undefined,
  checks: { [K in keyof O]?: OptionRule } = {},
): O {
  if (options !== undefined && (options === null || typeof options !== 'object' || Array.isArray(options))) {
    throw new ConfigError(`${owner}: options must be an object, but got ${formatValue(options)}`);
  }
  const known = Object.keys(defaults);
  checkOptionNames(options ?? {}, known, owner);
  const merged = { ...defaults, ...(options ?? {}) } as O;
  for (const k of known) {
    const value = (merged as Record<string, unknown>)[k];
    const def = (defaults as Record<string, unknown>)[k];
    if (def !== undefined && def !== null && value !== undefined && typeof def !== 'object' && typeof value !== typeof def) {
      throw new ConfigError(`${owner}: option '${k}' must be a ${typeof def}, but got ${formatValue(value)} (${typeof value})`);
    }
    const rule = checks[k as keyof O];
    const problem = rule?.(value, merged as Record<string, unknown>);
    if (problem) throw new ValueError(`${owner}: option '${k}' ${problem}, but got ${formatValue(value)}`);
  }
  return merged;
}

/**
 * A value as error messages show it: JSON, except that numbers keep their JavaScript spelling
 * (`NaN`, `Infinity`, `-0` — `JSON.stringify` would print `null` or `0`), `undefined` and
 * functions are named, and long texts are cut at `maxLength` characters.
 * @example
 * ```ts
 * formatValue([0.9, NaN]);   // '[0.9,NaN]'
 * formatValue({ lr: -Infinity }); // '{"lr":-Infinity}'
 * formatValue(undefined);    // 'undefined'
 * ```
 */
export function formatValue(value: unknown, maxLength = 120): string {
  const format = (v: unknown, depth: number): string => {
    if (v === undefined) return 'undefined';
    if (v === null) return 'null';
    if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
    if (typeof v === 'string') return JSON.stringify(v);
    if (typeof v === 'boolean') return String(v);
    if (typeof v === 'bigint') return `${v}n`;
    if (typeof v === 'function') return 'a function';
    if (typeof v === 'symbol') return String(v);
    if (depth > 4) return '…';
    if (Array.isArray(v)) return `[${v.map((e) => format(e, depth + 1)).join(',')}]`;
    if (ArrayBuffer.isView(v)) return `a ${v.constructor.name} of length ${(v as unknown as ArrayLike<number>).length ?? v.byteLength}`;
    const name = (v as object).constructor?.name;
    if (name && name !== 'Object') return `a ${name}`;
    return `{${Object.entries(v as object).map(([k, e]) => `${JSON.stringify(k)}:${format(e, depth + 1)}`).join(',')}}`;
  };
  const text = format(value, 0);
  return text.length > maxLength ? `${text.slice(0, maxLength - 3)}...` : text;
}

const isNum = (v: unknown): v is number => typeof v === 'number' && !Number.isNaN(v);

/** Common option rules.
 * @example
 * ```ts
 * rules.inRange(0, 1, true)(0.9, {}); // null (fine)
 * ```
 */
export const rules = {
  /** A finite number ≥ 0. */
  nonNegative: ((v) => (isNum(v) && Number.isFinite(v) && v >= 0 ? null : 'must be a finite number ≥ 0')) as OptionRule,
  /** A finite number > 0. */
  positive: ((v) => (isNum(v) && Number.isFinite(v) && v > 0 ? null : 'must be a finite number > 0')) as OptionRule,
  /** A positive integer. */
  positiveInt: ((v) => (Number.isInteger(v) && (v as number) > 0 ? null : 'must be a positive integer')) as OptionRule,
  /** A number in [lo, hi) (or [lo, hi] when `closed`). */
  inRange: (lo: number, hi: number, closed = false): OptionRule => (v) =>
    isNum(v) && v >= lo && (closed ? v <= hi : v < hi) ? null : `must be in [${lo}, ${hi}${closed ? ']' : ')'}`,
  /** A number in (lo, hi]. */
  inOpenClosed: (lo: number, hi: number): OptionRule => (v) => (isNum(v) && v > lo && v <= hi ? null : `must be in (${lo}, ${hi}]`),
  /** A pair [β1, β2] with both in [0, 1). */
  betas: ((v) =>
    Array.isArray(v) && v.length === 2 && v.every((b) => isNum(b) && b >= 0 && b < 1) ? null : 'must be a pair [beta1, beta2] with each in [0, 1)') as OptionRule,
  /** One of the listed strings. */
  oneOf: (...values: string[]): OptionRule => (v) => (values.includes(v as string) ? null : `must be one of ${values.map((s) => `'${s}'`).join(', ')}`),
};
