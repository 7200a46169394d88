import { GreaterEqual } from '../../../kernel_names.js';
import type { KernelConfig } from '../../../kernel_registry.js';
import { elementwiseKernel } from '../elementwise.js';

/** CPU kernel for {@link GreaterEqual}.
 * @example
 * ```ts
 * registerKernel(greaterEqualConfig);
 * ```
 */
export const greaterEqualConfig: KernelConfig = { kernelName: GreaterEqual, backendName: 'cpu', kernelFunc: elementwiseKernel(['a', 'b'], '(a >= b ? 1 : 0)') };
