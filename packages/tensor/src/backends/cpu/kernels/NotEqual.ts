import { NotEqual } from '../../../kernel_names.js';
import type { KernelConfig } from '../../../kernel_registry.js';
import { elementwiseKernel } from '../elementwise.js';

/** CPU kernel for {@link NotEqual}.
 * @example
 * ```ts
 * registerKernel(notEqualConfig);
 * ```
 */
export const notEqualConfig: KernelConfig = { kernelName: NotEqual, backendName: 'cpu', kernelFunc: elementwiseKernel(['a', 'b'], '(a !== b ? 1 : 0)') };
