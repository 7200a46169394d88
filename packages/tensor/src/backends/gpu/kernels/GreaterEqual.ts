import { GreaterEqual } from '../../../kernel_names.js';
import type { KernelConfig } from '../../../kernel_registry.js';
import { elementwiseGpu } from '../elementwise.js';

/** gpu.js kernel for {@link GreaterEqual}.
 * @example
 * ```ts
 * registerKernel(greaterEqualConfig);
 * ```
 */
export const greaterEqualConfig: KernelConfig = { kernelName: GreaterEqual, backendName: 'gpu', kernelFunc: elementwiseGpu(GreaterEqual, ['a', 'b'], '(a >= b ? 1 : 0)') };
