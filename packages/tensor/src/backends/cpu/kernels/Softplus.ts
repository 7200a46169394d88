import { Softplus } from '../../../kernel_names.js';
import type { KernelConfig } from '../../../kernel_registry.js';
import { unaryKernel } from '../elementwise.js';

/** CPU kernel for {@link Softplus}.
 * @example
 * ```ts
 * registerKernel(softplusConfig);
 * ```
 */
export const softplusConfig: KernelConfig = { kernelName: Softplus, backendName: 'cpu', kernelFunc: unaryKernel('(x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)))') };
