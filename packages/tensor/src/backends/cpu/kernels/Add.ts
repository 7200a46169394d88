import { Add } from '../../../kernel_names.js';
import type { KernelConfig } from '../../../kernel_registry.js';
import { elementwiseKernel } from '../elementwise.js';

/** CPU kernel for {@link Add}.
 * @example
 * ```ts
 * registerKernel(addConfig);
 * ```
 */
export const addConfig: KernelConfig = { kernelName: Add, backendName: 'cpu', kernelFunc: elementwiseKernel(['a', 'b'], 'a + b', 'add') };
