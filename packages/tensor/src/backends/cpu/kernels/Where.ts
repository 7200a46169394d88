import { Where } from '../../../kernel_names.js';
import type { KernelConfig } from '../../../kernel_registry.js';
import { elementwiseKernel } from '../elementwise.js';

/** CPU kernel for {@link Where}.
 * @example
 * ```ts
 * registerKernel(whereConfig);
 * ```
 */
export const whereConfig: KernelConfig = { kernelName: Where, backendName: 'cpu', kernelFunc: elementwiseKernel(['condition', 'a', 'b'], '(condition !== 0 ? a : b)') };
