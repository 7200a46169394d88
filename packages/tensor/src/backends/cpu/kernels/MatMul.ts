import { MatMul, type MatMulAttrs } from '../../../kernel_names.js';
import type { KernelConfig } from '../../../kernel_registry.js';
import { matmulLayout } from '../../../matmul_shape.js';
import { newOutput, valuesOf } from '../backend_cpu.js';
import { gemm } from '../matmul.js';

/** CPU kernel for {@link MatMul}: one 2-D gemm per batch entry, the leading axes broadcast.
 * @example
 * ```ts
 * registerKernel(matMulConfig);
 * ```
 */
export const matMulConfig: KernelConfig = {
  kernelName: MatMul,
  backendName: 'cpu',
  kernelFunc: ({ inputs, attrs }) => {
    const a = inputs.a!, b = inputs.b!;
    const { transposeA, transposeB } = attrs as unknown as MatMulAttrs;
    const layout = matmulLayout(a.shape, b.shape, transposeA, transposeB);
    const { M, K, N, batches } = layout;
    const [out, info] = newOutput(layout.outShape, a.dtype);
    const A = valuesOf(a), B = valuesOf(b);
    for (let i = 0; i < batches; i++) {
      gemm(A, layout.matrixOfA(i) * M * K, B, layout.matrixOfB(i) * K * N, out, i * M * N, M, N, K, transposeA, transposeB, true);
    }
    return info;
  },
};
