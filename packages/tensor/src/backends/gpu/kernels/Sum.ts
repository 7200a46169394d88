import { Sum } from '../../../kernel_names.js';
import type { KernelConfig } from '../../../kernel_registry.js';
import { reduceGpu } from '../reduce.js';

/** gpu.js kernel for {@link Sum}: a tree of passes, each thread adding at most 1024 elements.
 * @example
 * ```ts
 * registerKernel(sumConfig);
 * ```
 */
export const sumConfig: KernelConfig = { kernelName: Sum, backendName: 'gpu', kernelFunc: reduceGpu(Sum, 'sum') };
