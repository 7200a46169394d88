import { Div } from '../../../kernel_names.js';
import type { KernelConfig } from '../../../kernel_registry.js';
import { elementwiseKernel } from '../elementwise.js';

/** CPU kernel for {@link Div}.
 * @example
 * ```ts
 * registerKernel(divConfig);
 * ```
 */
export const divConfig: KernelConfig = { kernelName: Div, backendName: 'cpu', kernelFunc: elementwiseKernel(['a', 'b'], 'a / b') };
