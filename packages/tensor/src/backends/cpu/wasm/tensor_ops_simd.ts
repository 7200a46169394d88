// Elementwise add, mul, relu and float32 exp of the CPU backend in WebAssembly SIMD: programs for the
// one elementwise compiler (elementwise_simd.ts) in float32 lanes (f32x4) or float64 lanes (f64x2).
// For add, mul and relu each lane does the IEEE operation the JS loop does on the same dtype (a
// float32 sum or product computed in float64 and rounded is the float32 one), so results are bitwise
// identical to the JS loops. exp (float32 only) is a float64 polynomial rounded to float32: within
// 1 ulp of `Math.fround(Math.exp(x))` (EXP_ERROR); float64 exp keeps the JS loop. Where WebAssembly
// SIMD is missing, createElementwiseSimd returns null.
import { compileKernel, type CompiledKernel, type KernelExpr, type KernelLanes, type KernelProgram } from './elementwise_simd.js';
import type { TypedArray } from '../../../types.js';

/** The operations with a SIMD loop. */
export type SimdElementwiseOp = 'add' | 'mul' | 'relu' | 'exp';

/** `array 2 ← op(array 0, array 1)` (relu, exp: `array 1 ← op(array 0)`). */
function opProgram(op: SimdElementwiseOp): KernelProgram {
  const a: KernelExpr = { op: 'array', index: 0 }, b: KernelExpr = { op: 'array', index: 1 };
  if (op === 'relu' || op === 'exp') return { arrays: 2, scalars: 0, temps: 0, statements: [{ target: 'array', index: 1, expr: { op, a } }] };
  return { arrays: 3, scalars: 0, temps: 0, statements: [{ target: 'array', index: 2, expr: { op, a, b } }] };
}

/** The lanes of each op's loop per dtype; a missing entry keeps the JS loop. */
const LANES: Record<SimdElementwiseOp, { float32?: KernelLanes; float64?: KernelLanes }> = {
  add: { float32: 'f32x4', float64: 'f64x2' },
  mul: { float32: 'f32x4', float64: 'f64x2' },
  relu: { float32: 'f32x4', float64: 'f64x2' },
  exp: { float32: 'f32-as-f64' },
};

/**
 * The SIMD elementwise loops, or null where WebAssembly SIMD is missing. The returned function computes
 * `out[i] = a[i] ∘ b[i]` (b ignored for relu and exp) for arrays of one dtype and length and returns
 * true, or returns false (doing nothing) where the op has no SIMD loop for that dtype (float64 exp);
 * each loop's memory (at most 384 KiB) is allocated on first use and never grows.
 * @example
 * ```ts
 * const simd = createElementwiseSimd();
 * simd?.('add', a, b, out); // true
 * ```
 */
export function createElementwiseSimd(): ((op: SimdElementwiseOp, a: TypedArray, b: TypedArray | null, out: TypedArray) => boolean) | null {
  const kernels = new Map<string, CompiledKernel>();
  for (const [op, byDtype] of Object.entries(LANES) as Array<[SimdElementwiseOp, { float32?: KernelLanes; float64?: KernelLanes }]>) {
    for (const [dtype, lanes] of Object.entries(byDtype)) {
      const kernel = compileKernel(opProgram(op), lanes);
      if (kernel === null) return null;
      kernels.set(op + dtype, kernel);
    }
  }
  return (op, a, b, out) => {
    const kernel = kernels.get(op + (out instanceof Float32Array ? 'float32' : 'float64'));
    if (kernel === undefined) return false;
    kernel(b === null ? [a, out] : [a, b, out], []);
    return true;
  };
}
