// Elementwise add, mul and relu of the CPU backend in WebAssembly SIMD: programs for the one
// elementwise compiler (elementwise_simd.ts) in float32 lanes (f32x4) or float64 lanes (f64x2). Each
// lane does the IEEE operation the JS loop does on the same dtype (a float32 sum or product computed
// in float64 and rounded is the float32 one), so results are bitwise identical to the JS loops. Where
// WebAssembly SIMD is missing, createElementwiseSimd returns null.
import { compileKernel, type CompiledKernel, type KernelExpr, type KernelProgram } from './elementwise_simd.js';
import type { TypedArray } from '../../../types.js';

/** The operations with a SIMD loop. */
export type SimdElementwiseOp = 'add' | 'mul' | 'relu';

/** `array 2 ← op(array 0, array 1)` (relu: `array 1 ← relu(array 0)`). */
function opProgram(op: SimdElementwiseOp): KernelProgram {
  const a: KernelExpr = { op: 'array', index: 0 }, b: KernelExpr = { op: 'array', index: 1 };
  if (op === 'relu') return { arrays: 2, scalars: 0, temps: 0, statements: [{ target: 'array', index: 1, expr: { op: 'relu', a } }] };
  return { arrays: 3, scalars: 0, temps: 0, statements: [{ target: 'array', index: 2, expr: { op, a, b } }] };
}

/**
 * The SIMD elementwise loops, or null where WebAssembly SIMD is missing. The returned function computes
 * `out[i] = a[i] ∘ b[i]` (b ignored for relu) for arrays of one dtype and length; each loop's memory
 * (at most 384 KiB) is allocated on first use and never grows.
 * @example
 * ```ts
 * const simd = createElementwiseSimd();
 * simd?.('add', a, b, out);
 * ```
 */
export function createElementwiseSimd(): ((op: SimdElementwiseOp, a: TypedArray, b: TypedArray | null, out: TypedArray) => void) | null {
  const kernels = new Map<string, CompiledKernel>();
  for (const op of ['add', 'mul', 'relu'] as const) {
    for (const lanes of ['f32x4', 'f64x2'] as const) {
      const kernel = compileKernel(opProgram(op), lanes);
      if (kernel === null) return null;
      kernels.set(op + lanes, kernel);
    }
  }
  return (op, a, b, out) => {
    const kernel = kernels.get(op + (out instanceof Float32Array ? 'f32x4' : 'f64x2'))!;
    kernel(b === null ? [a, out] : [a, b, out], []);
  };
}
