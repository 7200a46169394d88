import { LessEqual } from '../../../kernel_names.js';
import type { KernelConfig } from '../../../kernel_registry.js';
import { elementwiseKernel } from '../elementwise.js';

/** CPU kernel for {@link LessEqual}.
 * @example
 * ```ts
 * registerKernel(lessEqualConfig);
 * ```
 */
export const lessEqualConfig: KernelConfig = { kernelName: LessEqual, backendName: 'cpu', kernelFunc: elementwiseKernel(['a', 'b'], '(a <= b ? 1 : 0)') };
