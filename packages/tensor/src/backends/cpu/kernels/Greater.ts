import { Greater } from '../../../kernel_names.js';
import type { KernelConfig } from '../../../kernel_registry.js';
import { elementwiseKernel } from '../elementwise.js';

/** CPU kernel for {@link Greater}.
 * @example
 * ```ts
 * registerKernel(greaterConfig);
 * ```
 */
export const greaterConfig: KernelConfig = { kernelName: Greater, backendName: 'cpu', kernelFunc: elementwiseKernel(['a', 'b'], '(a > b ? 1 : 0)') };
