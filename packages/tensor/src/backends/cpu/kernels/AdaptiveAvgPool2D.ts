import { AdaptiveAvgPool2D, type AdaptivePool2DAttrs } from '../../../kernel_names.js';
import type { KernelConfig } from '../../../kernel_registry.js';
import { newOutput, valuesOf } from '../backend_cpu.js';
import { adaptiveWindows, avgPoolForward } from '../pool.js';

/** CPU kernel for {@link AdaptiveAvgPool2D}.
 * @example
 * ```ts
 * registerKernel(adaptiveAvgPool2DConfig);
 * ```
 */
export const adaptiveAvgPool2DConfig: KernelConfig = {
  kernelName: AdaptiveAvgPool2D,
  backendName: 'cpu',
  kernelFunc: ({ inputs, attrs }) => {
    const x = inputs.x!;
    const [oh, ow] = (attrs as unknown as AdaptivePool2DAttrs).outputSize;
    const [N, C, H, W] = x.shape as [number, number, number, number];
    const [out, info] = newOutput([N, C, oh, ow], x.dtype);
    avgPoolForward(valuesOf(x), out, N * C, H, W, adaptiveWindows(H, oh), adaptiveWindows(W, ow), false);
    return info;
  },
};
