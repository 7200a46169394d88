import { AdaptiveAvgPool2DGrad, type AdaptivePool2DAttrs } from '../../../kernel_names.js';
import type { KernelConfig } from '../../../kernel_registry.js';
import { newOutput, valuesOf } from '../backend_cpu.js';
import { adaptiveWindows, avgPoolBackward } from '../pool.js';

/** CPU kernel for {@link AdaptiveAvgPool2DGrad}.
 * @example
 * ```ts
 * registerKernel(adaptiveAvgPool2DGradConfig);
 * ```
 */
export const adaptiveAvgPool2DGradConfig: KernelConfig = {
  kernelName: AdaptiveAvgPool2DGrad,
  backendName: 'cpu',
  kernelFunc: ({ inputs, attrs }) => {
    const dy = inputs.dy!;
    const { outputSize: [oh, ow], shape } = attrs as unknown as AdaptivePool2DAttrs;
    const [N, C, H, W] = shape! as [number, number, number, number];
    const [dx, info] = newOutput(shape!, dy.dtype);
    avgPoolBackward(valuesOf(dy), dx, N * C, H, W, adaptiveWindows(H, oh), adaptiveWindows(W, ow), false);
    return info;
  },
};
