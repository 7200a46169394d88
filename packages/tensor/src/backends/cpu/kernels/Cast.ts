import { Cast } from '../../../kernel_names.js';
import type { KernelConfig } from '../../../kernel_registry.js';
import type { DType } from '../../../types.js';
import { newOutput, valuesOf } from '../backend_cpu.js';

/** CPU kernel for {@link Cast}.
 * @example
 * ```ts
 * registerKernel(castConfig);
 * ```
 */
export const castConfig: KernelConfig = {
  kernelName: Cast,
  backendName: 'cpu',
  kernelFunc: ({ inputs, attrs }) => {
    const [out, info] = newOutput(inputs.x!.shape, attrs.dtype as DType);
    out.set(valuesOf(inputs.x!));
    return info;
  },
};
