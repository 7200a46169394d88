import { Sub } from '../../../kernel_names.js';
import type { KernelConfig } from '../../../kernel_registry.js';
import { elementwiseKernel } from '../elementwise.js';

/** CPU kernel for {@link Sub}.
 * @example
 * ```ts
 * registerKernel(subConfig);
 * ```
 */
export const subConfig: KernelConfig = { kernelName: Sub, backendName: 'cpu', kernelFunc: elementwiseKernel(['a', 'b'], 'a - b') };
