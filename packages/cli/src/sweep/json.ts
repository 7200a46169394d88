/**
 * JSON for run results: non-finite numbers (a diverged run's loss) are written as the strings
 * `"NaN"`, `"Infinity"` and `"-Infinity"` and read back as numbers, so a result survives the
 * cache and `results.json` bit for bit.
 * @module
 */

/** JSON text of `value`, non-finite numbers as strings.
 * @example
 * ```ts
 * toResultJson({ loss: Infinity }); // '{"loss":"Infinity"}'
 * ```
 */
export function toResultJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v), indent);
}

/** Parse {@link toResultJson}'s text, turning `"NaN"`, `"Infinity"`, `"-Infinity"` back into numbers.
 * @example
 * ```ts
 * fromResultJson<{ loss: number }>('{"loss":"Infinity"}').loss; // Infinity
 * ```
 */
export function fromResultJson<T>(text: string): T {
  return JSON.parse(text, (_k, v: unknown) => (v === 'NaN' ? NaN : v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : v)) as T;
}
