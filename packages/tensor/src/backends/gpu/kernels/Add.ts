import { Add } from '../../../kernel_names.js';
import type { KernelConfig } from '../../../kernel_registry.js';
import { elementwiseGpu } from '../elementwise.js';

/** gpu.js kernel for {@link Add}.
 * @example
 * ```ts
 * registerKernel(addConfig);
 * ```
 */
export const addConfig: KernelConfig = { kernelName: Add, backendName: 'gpu', kernelFunc: elementwiseGpu(Add, ['a', 'b'], 'a + b') };
