import { Less } from '../../../kernel_names.js';
import type { KernelConfig } from '../../../kernel_registry.js';
import { elementwiseGpu } from '../elementwise.js';

/** gpu.js kernel for {@link Less}.
 * @example
 * ```ts
 * registerKernel(lessConfig);
 * ```
 */
export const lessConfig: KernelConfig = { kernelName: Less, backendName: 'gpu', kernelFunc: elementwiseGpu(Less, ['a', 'b'], '(a < b ? 1 : 0)') };
