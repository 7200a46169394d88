import { Pow } from '../../../kernel_names.js';
import type { KernelConfig } from '../../../kernel_registry.js';
import { elementwiseKernel } from '../elementwise.js';

/** CPU kernel for {@link Pow}.
 * @example
 * ```ts
 * registerKernel(powConfig);
 * ```
 */
export const powConfig: KernelConfig = { kernelName: Pow, backendName: 'cpu', kernelFunc: elementwiseKernel(['a', 'b'], 'Math.pow(a, b)') };
