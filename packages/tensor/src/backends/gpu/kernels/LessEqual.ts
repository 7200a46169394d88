import { LessEqual } from '../../../kernel_names.js';
import type { KernelConfig } from '../../../kernel_registry.js';
import { elementwiseGpu } from '../elementwise.js';

/** gpu.js kernel for {@link LessEqual}.
 * @example
 * ```ts
 * registerKernel(lessEqualConfig);
 * ```
 */
export const lessEqualConfig: KernelConfig = { kernelName: LessEqual, backendName: 'gpu', kernelFunc: elementwiseGpu(LessEqual, ['a', 'b'], '(a <= b ? 1 : 0)') };
