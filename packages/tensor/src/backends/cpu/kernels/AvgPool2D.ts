import { AvgPool2D, type Pool2DAttrs } from '../../../kernel_names.js';
import type { KernelConfig } from '../../../kernel_registry.js';
import { newOutput, valuesOf } from '../backend_cpu.js';
import { avgPoolForward, poolWindowsOf } from '../pool.js';

/** CPU kernel for {@link AvgPool2D}.
 * @example
 * ```ts
 * registerKernel(avgPool2DConfig);
 * ```
 */
export const avgPool2DConfig: KernelConfig = {
  kernelName: AvgPool2D,
  backendName: 'cpu',
  kernelFunc: ({ inputs, attrs }) => {
    const x = inputs.x!;
    const a = attrs as unknown as Pool2DAttrs;
    const [N, C, H, W] = x.shape as [number, number, number, number];
    const { rows, cols } = poolWindowsOf(x.shape, a);
    const [out, info] = newOutput([N, C, rows.start.length, cols.start.length], x.dtype);
    avgPoolForward(valuesOf(x), out, N * C, H, W, rows, cols, a.countIncludePad);
    return info;
  },
};
