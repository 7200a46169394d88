import { Div } from '../../../kernel_names.js';
import type { KernelConfig } from '../../../kernel_registry.js';
import { elementwiseGpu } from '../elementwise.js';

/** gpu.js kernel for {@link Div}.
 * @example
 * ```ts
 * registerKernel(divConfig);
 * ```
 */
export const divConfig: KernelConfig = { kernelName: Div, backendName: 'gpu', kernelFunc: elementwiseGpu(Div, ['a', 'b'], 'a / b') };
