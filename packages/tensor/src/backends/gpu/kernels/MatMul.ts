import { MatMul } from '../../../kernel_names.js';
import type { KernelConfig } from '../../../kernel_registry.js';
import { matmulKernel } from '../matmul.js';

/** gpu.js kernel for {@link MatMul}: every transposition and batched operands (see `../matmul.ts`).
 * @example
 * ```ts
 * registerKernel(matMulConfig);
 * ```
 */
export const matMulConfig: KernelConfig = { kernelName: MatMul, backendName: 'gpu', kernelFunc: matmulKernel };
