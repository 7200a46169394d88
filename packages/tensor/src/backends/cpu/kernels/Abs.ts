import { Abs } from '../../../kernel_names.js';
import type { KernelConfig } from '../../../kernel_registry.js';
import { unaryKernel } from '../elementwise.js';

/** CPU kernel for {@link Abs}.
 * @example
 * ```ts
 * registerKernel(absConfig);
 * ```
 */
export const absConfig: KernelConfig = { kernelName: Abs, backendName: 'cpu', kernelFunc: unaryKernel('Math.abs(x)') };
