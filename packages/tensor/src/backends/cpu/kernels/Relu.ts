import { Relu } from '../../../kernel_names.js';
import type { KernelConfig } from '../../../kernel_registry.js';
import { unaryKernel } from '../elementwise.js';

/** CPU kernel for {@link Relu}.
 * @example
 * ```ts
 * registerKernel(reluConfig);
 * ```
 */
export const reluConfig: KernelConfig = { kernelName: Relu, backendName: 'cpu', kernelFunc: unaryKernel('(x <= 0 ? 0 : x)', undefined, 'relu') };
