import { Equal } from '../../../kernel_names.js';
import type { KernelConfig } from '../../../kernel_registry.js';
import { elementwiseKernel } from '../elementwise.js';

/** CPU kernel for {@link Equal}.
 * @example
 * ```ts
 * registerKernel(equalConfig);
 * ```
 */
export const equalConfig: KernelConfig = { kernelName: Equal, backendName: 'cpu', kernelFunc: elementwiseKernel(['a', 'b'], '(a === b ? 1 : 0)') };
