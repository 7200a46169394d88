import { Where } from '../../../kernel_names.js';
import type { KernelConfig } from '../../../kernel_registry.js';
import { elementwiseGpu } from '../elementwise.js';

/** gpu.js kernel for {@link Where}.
 * @example
 * ```ts
 * registerKernel(whereConfig);
 * ```
 */
export const whereConfig: KernelConfig = { kernelName: Where, backendName: 'gpu', kernelFunc: elementwiseGpu(Where, ['condition', 'a', 'b'], '(condition !== 0 ? a : b)') };
