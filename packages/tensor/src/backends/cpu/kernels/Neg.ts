import { Neg } from '../../../kernel_names.js';
import type { KernelConfig } from '../../../kernel_registry.js';
import { unaryKernel } from '../elementwise.js';

/** CPU kernel for {@link Neg}.
 * @example
 * ```ts
 * registerKernel(negConfig);
 * ```
 */
export const negConfig: KernelConfig = { kernelName: Neg, backendName: 'cpu', kernelFunc: unaryKernel('-x') };
