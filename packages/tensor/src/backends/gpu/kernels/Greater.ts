import { Greater } from '../../../kernel_names.js';
import type { KernelConfig } from '../../../kernel_registry.js';
import { elementwiseGpu } from '../elementwise.js';

/** gpu.js kernel for {@link Greater}.
 * @example
 * ```ts
 * registerKernel(greaterConfig);
 * ```
 */
export const greaterConfig: KernelConfig = { kernelName: Greater, backendName: 'gpu', kernelFunc: elementwiseGpu(Greater, ['a', 'b'], '(a > b ? 1 : 0)') };
