import { Sigmoid } from '../../../kernel_names.js';
import type { KernelConfig } from '../../../kernel_registry.js';
import { elementwiseGpu } from '../elementwise.js';

// Both branches are stable: e^x never overflows where it is used.
/** gpu.js kernel for {@link Sigmoid}.
 * @example
 * ```ts
 * registerKernel(sigmoidConfig);
 * ```
 */
export const sigmoidConfig: KernelConfig = { kernelName: Sigmoid, backendName: 'gpu', kernelFunc: elementwiseGpu(Sigmoid, ['x'], 'if (x >= 0) { return 1 / (1 + Math.exp(-x)); } const e = Math.exp(x); return e / (1 + e);') };
