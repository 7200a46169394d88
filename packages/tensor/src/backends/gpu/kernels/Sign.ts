import { Sign } from '../../../kernel_names.js';
import type { KernelConfig } from '../../../kernel_registry.js';
import { elementwiseGpu } from '../elementwise.js';

/** gpu.js kernel for {@link Sign}.
 * @example
 * ```ts
 * registerKernel(signConfig);
 * ```
 */
export const signConfig: KernelConfig = { kernelName: Sign, backendName: 'gpu', kernelFunc: elementwiseGpu(Sign, ['x'], '(x > 0 ? 1 : (x < 0 ? -1 : x))') };
