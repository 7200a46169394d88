// Test arrays for elementwise kernels: seeded pseudo-random values with special values (NaN, ±0,
// ±∞, subnormals, the float32 extremes) mixed in every `period` elements.

/** Values every elementwise test should meet. */
export const SPECIAL = [0, -0, 1, -1, NaN, Infinity, -Infinity, 1e-45, -1e-45, 3.4e38, 1e-310, 0.1, -2.5];

/** `n` values in [−scale/2, scale/2), with an element of `special` at every index i where i % period === offset. */
export function specialValues(n: number, f32: boolean, seed: number, { scale = 8, period = 7, offset = 3, special = SPECIAL } = {}): Float32Array | Float64Array {
  const out = f32 ? new Float32Array(n) : new Float64Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    out[i] = i % period === offset ? special[(s >> 8) % special.length]! : (s / 2147483648 - 0.5) * scale;
  }
  return out;
}
