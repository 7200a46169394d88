/**
 * Small numeric helpers shared by the optimizers that port reference code operation by operation
 * (Muon, Adafactor, Schedule-Free, Prodigy, …): PyTorch's `lerp` formula, reductions, and the
 * "compute the new parameters, return the difference" form of an update.
 *
 * @module
 */
import type { Tensor, TypedArray } from '@descent/tensor';

/**
 * `torch.lerp(start, end, w)` as ATen computes it for a scalar weight: from the start when
 * |w| < 0.5 (`start + w·(end − start)`), otherwise from the end (`end − (end − start)·(1 − w)`), so
 * `w = 1` gives `end` exactly.
 * @example
 * ```ts
 * torchLerp(2, 4, 0.25); // 2.5
 * torchLerp(2, 4, 1);    // 4
 * ```
 */
export function torchLerp(start: number, end: number, weight: number): number {
  const diff = end - start;
  return Math.abs(weight) < 0.5 ? start + weight * diff : end - diff * (1 - weight);
}

/** Σ aᵢ², accumulated in float64.
 * @example
 * ```ts
 * sumOfSquares(new Float64Array([3, 4])); // 25
 * ```
 */
export function sumOfSquares(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * a[i]!;
  return s;
}

/** Σ |aᵢ|, accumulated in float64.
 * @example
 * ```ts
 * sumOfAbs(new Float64Array([-1, 2])); // 3
 * ```
 */
export function sumOfAbs(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i]!);
  return s;
}

/** Σ aᵢ·bᵢ, accumulated in float64.
 * @example
 * ```ts
 * dot(new Float64Array([1, 2]), new Float64Array([3, 4])); // 11
 * ```
 */
export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/**
 * The updates of a step written as "compute the new parameters": `step(j, theta)` receives a
 * float64 copy of parameter j and overwrites it with the new value (following the reference code's
 * in-place operations); the update returned for it is `new − old` in the parameter's dtype, which
 * `applyUpdates` adds back. Parameters are not modified.
 * @example
 * ```ts
 * const updates = updatesFromNewParams(params, (j, theta) => { for (let i = 0; i < theta.length; i++) theta[i] *= 0.9; });
 * ```
 */
export function updatesFromNewParams(params: readonly Tensor[], step: (j: number, theta: Float64Array) => void): TypedArray[] {
  return params.map((p, j) => {
    const old = p.buffer();
    const theta = Float64Array.from(old);
    step(j, theta);
    const u = p.dtype === 'float64' ? new Float64Array(theta.length) : new Float32Array(theta.length);
    for (let i = 0; i < theta.length; i++) u[i] = theta[i]! - old[i]!;
    return u;
  });
}
