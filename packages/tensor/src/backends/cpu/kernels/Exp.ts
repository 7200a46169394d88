import { Exp } from '../../../kernel_names.js';
import type { KernelConfig } from '../../../kernel_registry.js';
import { unaryKernel } from '../elementwise.js';

/** CPU kernel for {@link Exp}.
 * @example
 * ```ts
 * registerKernel(expConfig);
 * ```
 */
export const expConfig: KernelConfig = { kernelName: Exp, backendName: 'cpu', kernelFunc: unaryKernel('Math.exp(x)', undefined, 'exp') };
