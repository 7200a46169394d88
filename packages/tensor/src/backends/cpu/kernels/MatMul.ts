import { MatMul, type MatMulAttrs } from '../../../kernel_names.js';
import type { KernelConfig } from '../../../kernel_registry.js';
import { newOutput, valuesOf } from '../backend_cpu.js';
import { gemm } from '../matmul.js';

/** CPU kernel for {@link MatMul}.
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
    const ra = a.shape.length, rb = b.shape.length;
    const M = transposeA ? a.shape[ra - 1]! : a.shape[ra - 2]!;
    const K = transposeA ? a.shape[ra - 2]! : a.shape[ra - 1]!;
    const N = transposeB ? b.shape[rb - 2]! : b.shape[rb - 1]!;
    const batched = ra === 3 || rb === 3;
    const batch = ra === 3 ? a.shape[0]! : rb === 3 ? b.shape[0]! : 1; // may be 0: an empty batch
    const [out, info] = newOutput(batched ? [batch, M, N] : [M, N], a.dtype);
    const A = valuesOf(a), B = valuesOf(b);
    for (let i = 0; i < batch; i++) {
      gemm(A, ra === 3 ? i * M * K : 0, B, rb === 3 ? i * K * N : 0, out, i * M * N, M, N, K, transposeA, transposeB);
    }
    return info;
  },
};
