import { AvgPool2DGrad, type Pool2DAttrs } from '../../../kernel_names.js';
import type { KernelConfig } from '../../../kernel_registry.js';
import { newOutput, valuesOf } from '../backend_cpu.js';
import { avgPoolBackward, poolWindowsOf } from '../pool.js';

/** CPU kernel for {@link AvgPool2DGrad}.
 * @example
 * ```ts
 * registerKernel(avgPool2DGradConfig);
 * ```
 */
export const avgPool2DGradConfig: KernelConfig = {
  kernelName: AvgPool2DGrad,
  backendName: 'cpu',
  kernelFunc: ({ inputs, attrs }) => {
    const dy = inputs.dy!;
    const a = attrs as unknown as Pool2DAttrs;
    const shape = a.shape!;
    const [N, C, H, W] = shape as [number, number, number, number];
    const { rows, cols } = poolWindowsOf(shape, a);
    const [dx, info] = newOutput(shape, dy.dtype);
    avgPoolBackward(valuesOf(dy), dx, N * C, H, W, rows, cols, a.countIncludePad);
    return info;
  },
};
