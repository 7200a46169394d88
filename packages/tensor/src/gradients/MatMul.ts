import { MatMul } from '../kernel_names.js';
import type { GradConfig } from '../kernel_registry.js';
import { matmul } from '../ops/matmul.js';
import type { Tensor } from '../tensor.js';

/** Gradient of {@link MatMul}.
 * @example
 * ```ts
 * registerGradient(matMulGrad);
 * ```
 */
export const matMulGrad: GradConfig = {
  kernelName: MatMul,
  gradFunc: (dy, { inputs, attrs }) => {
    const { a, b } = inputs as { a: Tensor; b: Tensor };
    const { transposeA: tA, transposeB: tB } = attrs as { transposeA: boolean; transposeB: boolean };
    // C = op(A)·op(B): d op(A) = dC·op(B)ᵀ, d op(B) = op(A)ᵀ·dC, transposed back when the operand was.
    return {
      a: () => (tA ? matmul(b, dy, { transposeA: tB, transposeB: true }) : matmul(dy, b, { transposeB: !tB })),
      b: () => (tB ? matmul(dy, a, { transposeA: true, transposeB: tA }) : matmul(a, dy, { transposeA: !tA })),
    };
  },
};
