import { ConfigError, ValueError } from './errors.js';
import { describe } from './shape.js';

/** The JavaScript type an option value must have (`'any'`: checked by its owner).
 * @example
 * ```ts
 * const t: OptionType = 'boolean';
 * ```
 */
export type OptionType = 'boolean' | 'number' | 'string' | 'function' | 'object' | 'null' | 'any';

/** The options an owner accepts: their names, or each name with the type(s) its value must have.
 * `undefined` is always accepted (it means "the default").
 * @example
 * ```ts
 * const spec: OptionSpec = { keepDims: 'boolean', correction: 'number' };
 * const names: OptionSpec = ['rng', 'bias', 'dtype'];
 * ```
 */
export type OptionSpec = readonly string[] | Readonly<Record<string, OptionType | readonly OptionType[]>>;

/** Levenshtein distance between two strings. */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0]!;
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = d[j]!;
      d[j] = Math.min(d[j]! + 1, d[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return d[b.length]!;
}

/** The candidate closest to `name` (case, `_` and `-` ignored) within 2 edits, if any: the
 * "did you mean" of every unknown-name error.
 * @example
 * ```ts
 * closestName('keepdim', ['keepDims']);   // 'keepDims'
 * closestName('transpose_b', ['transposeA', 'transposeB']); // 'transposeB'
 * closestName('xyz', ['dtype']);           // undefined
 * ```
 */
export function closestName(name: string, candidates: readonly string[]): string | undefined {
  const norm = (s: string) => s.replace(/[_-]/g, '').toLowerCase();
  let best: string | undefined, bestDistance = 3;
  for (const c of candidates) {
    const d = editDistance(norm(name), norm(c));
    if (d < bestDistance) { best = c; bestDistance = d; }
  }
  return best;
}

/** Reject option names that `owner` does not know (a typo like `dtyp` or `weight_decay` is reported,
 * never ignored).
 * @throws ConfigError naming the unknown option, the closest known one and all known ones.
 * @example
 * ```ts
 * checkOptionNames({ keepdim: true }, ['keepDims'], 'sum');
 * // ConfigError: sum: unknown option 'keepdim' (did you mean 'keepDims'?). Known options: keepDims
 * ```
 */
export function checkOptionNames(options: object, known: readonly string[], owner: string): void {
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const hint = closestName(key, known);
    throw new ConfigError(`${owner}: unknown option '${key}'${hint ? ` (did you mean '${hint}'?)` : ''}. Known options: ${known.join(', ') || '(none: it takes no options)'}`);
  }
}

const typeOf = (v: unknown): OptionType => (v === null ? 'null' : Array.isArray(v) ? 'object' : (typeof v as OptionType));

/**
 * Check an options argument: `undefined` (no options) or a plain object whose keys are all in
 * `spec` and whose values have the listed types. Value ranges are left to the owner. Every options
 * object of the tensor ops, the layers and the optimizers goes through here.
 *
 * @throws ValueError when `options` is not an object or a value has the wrong type (naming the
 * option, the expected type and the value given); ConfigError for an unknown option (with a did-you-mean).
 * @example
 * ```ts
 * checkOptions({ transposeB: 'no' }, { transposeA: 'boolean', transposeB: 'boolean' }, 'matmul');
 * // ValueError: matmul: option 'transposeB' must be a boolean, but got 'no' (string)
 * ```
 */
export function checkOptions<T extends object>(options: T | undefined, spec: OptionSpec, owner: string): T {
  if (options === undefined) return {} as T;
  if (options === null || typeof options !== 'object' || !isPlainRecord(options)) {
    throw new ValueError(`${owner}: options must be an object, but got ${describe(options)}`);
  }
  const known = Array.isArray(spec) ? (spec as readonly string[]) : Object.keys(spec);
  checkOptionNames(options, known, owner);
  if (!Array.isArray(spec)) {
    const types = spec as Readonly<Record<string, OptionType | readonly OptionType[]>>;
    for (const key of Object.keys(options)) {
      const value = (options as Record<string, unknown>)[key];
      const allowed = types[key]!;
      if (value === undefined || allowed === 'any') continue;
      const list: readonly OptionType[] = typeof allowed === 'string' ? [allowed] : allowed;
      if (list.includes('any') || list.includes(typeOf(value))) continue;
      const shown = typeof value === 'number' || typeof value === 'boolean' ? `${describe(value)} (${typeof value})` : describe(value);
      throw new ValueError(`${owner}: option '${key}' must be ${list.map(article).join(' or ')}, but got ${shown}`);
    }
  }
  return options;
}

/** An object literal (not an array, a Tensor, a typed array, a Map…). */
function isPlainRecord(o: object): boolean {
  const proto = Object.getPrototypeOf(o);
  return proto === Object.prototype || proto === null;
}

const article = (t: OptionType): string => (t === 'null' ? 'null' : t === 'object' ? 'an object' : `a ${t}`);
