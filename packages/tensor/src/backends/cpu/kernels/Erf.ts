import { Erf } from '../../../kernel_names.js';
import type { KernelConfig } from '../../../kernel_registry.js';
import { erf } from '../../../special.js';
import { newOutput, valuesOf } from '../backend_cpu.js';

/** CPU kernel for {@link Erf}.
 * @example
 * ```ts
 * registerKernel(erfConfig);
 * ```
 */
export const erfConfig: KernelConfig = {
  kernelName: Erf,
  backendName: 'cpu',
  kernelFunc: ({ inputs }) => {
    const x = inputs.x!;
    const [out, info] = newOutput(x.shape, x.dtype);
    const values = valuesOf(x);
    for (let i = 0; i < out.length; i++) out[i] = erf(values[i]!);
    return info;
  },
};
