/** Tolerances of the golden traces (FORMAT.md): float64 agrees to 1e-9 relative or 1e-12 absolute. */
export interface Tolerance { rel: number; abs: number }
export const FLOAT64_TOLERANCE: Tolerance = { rel: 1e-9, abs: 1e-12 };
export const FLOAT32_TOLERANCE: Tolerance = { rel: 1e-4, abs: 1e-6 };

/** Compare two flat lists of numbers; returns a description of the first mismatch, or null. */
export function firstMismatch(label: string, actual: ArrayLike<number>, expected: ArrayLike<number>, tol: Tolerance = FLOAT64_TOLERANCE): string | null {
  if (actual.length !== expected.length) return `${label}: expected ${expected.length} values, got ${actual.length}`;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    const err = Math.abs(a - e);
    if (!(err <= tol.abs || err <= tol.rel * Math.abs(e))) {
      return `${label}[${i}]: expected ${e}, got ${a} (|diff| ${err.toExponential(2)}, rel ${(err / Math.abs(e)).toExponential(2)})`;
    }
  }
  return null;
}

/** Flatten nested number lists. */
export function flat(value: unknown): number[] {
  return Array.isArray(value) ? value.flatMap(flat) : [value as number];
}
