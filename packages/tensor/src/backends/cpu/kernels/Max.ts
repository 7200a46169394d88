import { Max } from '../../../kernel_names.js';
import type { KernelConfig } from '../../../kernel_registry.js';
import { reduceKernel } from '../reduce.js';

// NaN propagates (x !== x), as in PyTorch.
/** CPU kernel for {@link Max}.
 * @example
 * ```ts
 * registerKernel(maxConfig);
 * ```
 */
export const maxConfig: KernelConfig = { kernelName: Max, backendName: 'cpu', kernelFunc: reduceKernel('-Infinity', '(x > acc || x !== x ? x : acc)') };
