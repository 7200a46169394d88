import { Log1p } from '../../../kernel_names.js';
import type { KernelConfig } from '../../../kernel_registry.js';
import { unaryKernel } from '../elementwise.js';

/** CPU kernel for {@link Log1p}.
 * @example
 * ```ts
 * registerKernel(log1pConfig);
 * ```
 */
export const log1pConfig: KernelConfig = { kernelName: Log1p, backendName: 'cpu', kernelFunc: unaryKernel('Math.log1p(x)') };
