import { PowScalar } from '../../../kernel_names.js';
import type { KernelConfig } from '../../../kernel_registry.js';
import { unaryKernel } from '../elementwise.js';

/** CPU kernel for {@link PowScalar}.
 * @example
 * ```ts
 * registerKernel(powScalarConfig);
 * ```
 */
export const powScalarConfig: KernelConfig = { kernelName: PowScalar, backendName: 'cpu', kernelFunc: unaryKernel('Math.pow(x, p)', 'exponent') };
