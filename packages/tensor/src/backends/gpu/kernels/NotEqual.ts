import { NotEqual } from '../../../kernel_names.js';
import type { KernelConfig } from '../../../kernel_registry.js';
import { elementwiseGpu } from '../elementwise.js';

/** gpu.js kernel for {@link NotEqual}.
 * @example
 * ```ts
 * registerKernel(notEqualConfig);
 * ```
 */
export const notEqualConfig: KernelConfig = { kernelName: NotEqual, backendName: 'gpu', kernelFunc: elementwiseGpu(NotEqual, ['a', 'b'], '(a !== b ? 1 : 0)') };
