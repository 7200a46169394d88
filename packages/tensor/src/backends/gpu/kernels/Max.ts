import { Max } from '../../../kernel_names.js';
import type { KernelConfig } from '../../../kernel_registry.js';
import { reduceGpu } from '../reduce.js';

/** gpu.js kernel for {@link Max} (NaN propagates, as on the CPU).
 * @example
 * ```ts
 * registerKernel(maxConfig);
 * ```
 */
export const maxConfig: KernelConfig = { kernelName: Max, backendName: 'gpu', kernelFunc: reduceGpu(Max, 'max') };
