import { Transpose } from '../../../kernel_names.js';
import type { KernelConfig } from '../../../kernel_registry.js';
import { output } from '../backend_cpu.js';
import { permuteValues } from '../permute.js';

/** CPU kernel for {@link Transpose}.
 * @example
 * ```ts
 * registerKernel(transposeConfig);
 * ```
 */
export const transposeConfig: KernelConfig = {
  kernelName: Transpose,
  backendName: 'cpu',
  kernelFunc: ({ inputs, attrs }) => {
    const x = inputs.x!;
    const perm = attrs.perm as number[];
    return output(permuteValues(x, perm), perm.map((p) => x.shape[p]!), x.dtype);
  },
};
