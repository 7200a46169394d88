import { Sqrt } from '../../../kernel_names.js';
import type { KernelConfig } from '../../../kernel_registry.js';
import { unaryKernel } from '../elementwise.js';

/** CPU kernel for {@link Sqrt}.
 * @example
 * ```ts
 * registerKernel(sqrtConfig);
 * ```
 */
export const sqrtConfig: KernelConfig = { kernelName: Sqrt, backendName: 'cpu', kernelFunc: unaryKernel('Math.sqrt(x)') };
