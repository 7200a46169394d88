import { Sign } from '../../../kernel_names.js';
import type { KernelConfig } from '../../../kernel_registry.js';
import { unaryKernel } from '../elementwise.js';

/** CPU kernel for {@link Sign}.
 * @example
 * ```ts
 * registerKernel(signConfig);
 * ```
 */
export const signConfig: KernelConfig = { kernelName: Sign, backendName: 'cpu', kernelFunc: unaryKernel('(x > 0 ? 1 : x < 0 ? -1 : x)') };
