import { ScatterAddRows } from '../../../kernel_names.js';
import type { KernelConfig } from '../../../kernel_registry.js';
import { newOutput, valuesOf } from '../backend_cpu.js';

/** CPU kernel for {@link ScatterAddRows}.
 * @example
 * ```ts
 * registerKernel(scatterAddRowsConfig);
 * ```
 */
export const scatterAddRowsConfig: KernelConfig = {
  kernelName: ScatterAddRows,
  backendName: 'cpu',
  kernelFunc: ({ inputs, attrs }) => {
    const x = inputs.x!;
    const indices = attrs.indices as ArrayLike<number>;
    const [out, info] = newOutput([attrs.numRows as number, ...x.shape.slice(1)], x.dtype);
    const row = x.shape.slice(1).reduce((p, d) => p * d, 1);
    const values = valuesOf(x);
    for (let i = 0; i < indices.length; i++) {
      const src = i * row, dst = indices[i]! * row;
      for (let j = 0; j < row; j++) out[dst + j] += values[src + j]!;
    }
    return info;
  },
};
