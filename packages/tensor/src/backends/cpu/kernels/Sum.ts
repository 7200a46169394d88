import { Sum } from '../../../kernel_names.js';
import type { KernelConfig } from '../../../kernel_registry.js';
import { reduceKernel } from '../reduce.js';

/** CPU kernel for {@link Sum}.
 * @example
 * ```ts
 * registerKernel(sumConfig);
 * ```
 */
export const sumConfig: KernelConfig = { kernelName: Sum, backendName: 'cpu', kernelFunc: reduceKernel('0', 'acc + x') };
