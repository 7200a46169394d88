import { Tanh } from '../../../kernel_names.js';
import type { KernelConfig } from '../../../kernel_registry.js';
import { unaryKernel } from '../elementwise.js';

/** CPU kernel for {@link Tanh}.
 * @example
 * ```ts
 * registerKernel(tanhConfig);
 * ```
 */
export const tanhConfig: KernelConfig = { kernelName: Tanh, backendName: 'cpu', kernelFunc: unaryKernel('Math.tanh(x)') };
