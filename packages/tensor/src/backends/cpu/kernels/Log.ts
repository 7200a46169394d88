import { Log } from '../../../kernel_names.js';
import type { KernelConfig } from '../../../kernel_registry.js';
import { unaryKernel } from '../elementwise.js';

/** CPU kernel for {@link Log}.
 * @example
 * ```ts
 * registerKernel(logConfig);
 * ```
 */
export const logConfig: KernelConfig = { kernelName: Log, backendName: 'cpu', kernelFunc: unaryKernel('Math.log(x)') };
