import { Log } from '../../../kernel_names.js';
import type { KernelConfig } from '../../../kernel_registry.js';
import { elementwiseGpu } from '../elementwise.js';

/** gpu.js kernel for {@link Log}.
 * @example
 * ```ts
 * registerKernel(logConfig);
 * ```
 */
export const logConfig: KernelConfig = { kernelName: Log, backendName: 'gpu', kernelFunc: elementwiseGpu(Log, ['x'], 'Math.log(x)') };
