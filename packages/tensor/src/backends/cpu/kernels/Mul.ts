import { Mul } from '../../../kernel_names.js';
import type { KernelConfig } from '../../../kernel_registry.js';
import { elementwiseKernel } from '../elementwise.js';

/** CPU kernel for {@link Mul}.
 * @example
 * ```ts
 * registerKernel(mulConfig);
 * ```
 */
export const mulConfig: KernelConfig = { kernelName: Mul, backendName: 'cpu', kernelFunc: elementwiseKernel(['a', 'b'], 'a * b', 'mul') };
