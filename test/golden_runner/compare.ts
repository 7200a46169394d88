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

/** The coordinate of flat (row-major) index `i` in a tensor of `shape`, e.g. `[1,0]`. */
export function coordinate(i: number, shape: readonly number[]): string {
  const out: number[] = [];
  for (let k = shape.length - 1; k >= 0; k--) { out.unshift(i % shape[k]!); i = Math.floor(i / shape[k]!); }
  return `[${out.join(',')}]`;
}

/** Compare a trajectory (one flat list of every parameter per step) with its reference; the first
 * mismatch names the step (0-based, as `trajectory[t]`), the parameter (its index and shape) and
 * the coordinate in it: `trajectory (adam/quadratic float64): step 3, parameter 1 (shape [3]) at [2]: expected …`. */
export function trajectoryMismatch(label: string, actual: readonly number[][], expected: readonly unknown[], shapes: readonly number[][], tol: Tolerance = FLOAT64_TOLERANCE): string | null {
  if (actual.length !== expected.length) return `${label}: expected ${expected.length} steps, got ${actual.length}`;
  for (let t = 0; t < expected.length; t++) {
    const want = flat(expected[t]), got = actual[t]!;
    if (got.length !== want.length) return `${label}: step ${t}: expected ${want.length} values, got ${got.length}`;
    let offset = 0;
    for (let j = 0; j < shapes.length; j++) {
      const size = shapes[j]!.reduce((a, d) => a * d, 1);
      const m = firstMismatch('', got.slice(offset, offset + size), want.slice(offset, offset + size), tol);
      if (m !== null) {
        const at = /^\[(\d+)\]: (.*)$/.exec(m);
        return at ? `${label}: step ${t}, parameter ${j} (shape [${shapes[j]!.join(',')}]) at ${coordinate(Number(at[1]), shapes[j]!)}: ${at[2]}` : `${label}: step ${t}, parameter ${j}: ${m}`;
      }
      offset += size;
    }
  }
  return null;
}
