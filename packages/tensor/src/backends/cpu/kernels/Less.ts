import { Less } from '../../../kernel_names.js';
import type { KernelConfig } from '../../../kernel_registry.js';
import { elementwiseKernel } from '../elementwise.js';

/** CPU kernel for {@link Less}.
 * @example
 * ```ts
 * registerKernel(lessConfig);
 * ```
 */
export const lessConfig: KernelConfig = { kernelName: Less, backendName: 'cpu', kernelFunc: elementwiseKernel(['a', 'b'], '(a < b ? 1 : 0)') };
