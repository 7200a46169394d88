import { Sigmoid } from '../../../kernel_names.js';
import type { KernelConfig } from '../../../kernel_registry.js';
import { unaryKernel } from '../elementwise.js';

/** CPU kernel for {@link Sigmoid}.
 * @example
 * ```ts
 * registerKernel(sigmoidConfig);
 * ```
 */
export const sigmoidConfig: KernelConfig = { kernelName: Sigmoid, backendName: 'cpu', kernelFunc: unaryKernel('(x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)))') };
