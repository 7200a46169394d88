import { GatherRows } from '../../../kernel_names.js';
import type { KernelConfig } from '../../../kernel_registry.js';
import { newOutput, valuesOf } from '../backend_cpu.js';

/** CPU kernel for {@link GatherRows}.
 * @example
 * ```ts
 * registerKernel(gatherRowsConfig);
 * ```
 */
export const gatherRowsConfig: KernelConfig = {
  kernelName: GatherRows,
  backendName: 'cpu',
  kernelFunc: ({ inputs, attrs }) => {
    const x = inputs.x!;
    const indices = attrs.indices as ArrayLike<number>;
    const shape = [indices.length, ...x.shape.slice(1)];
    const [out, info] = newOutput(shape, x.dtype);
    const row = x.shape.slice(1).reduce((p, d) => p * d, 1);
    const values = valuesOf(x);
    for (let i = 0; i < indices.length; i++) out.set(values.subarray(indices[i]! * row, (indices[i]! + 1) * row), i * row);
    return info;
  },
};
