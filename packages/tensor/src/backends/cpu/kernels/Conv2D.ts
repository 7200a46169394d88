import { Conv2D, type Conv2DAttrs } from '../../../kernel_names.js';
import type { KernelConfig } from '../../../kernel_registry.js';
import { newOutput, valuesOf } from '../backend_cpu.js';
import { conv2dForward, convGeometry } from '../conv.js';

/** CPU kernel for {@link Conv2D}: im2col + gemm.
 * @example
 * ```ts
 * registerKernel(conv2DConfig);
 * ```
 */
export const conv2DConfig: KernelConfig = {
  kernelName: Conv2D,
  backendName: 'cpu',
  kernelFunc: ({ inputs, attrs }) => {
    const { x, w, bias } = inputs;
    const g = convGeometry(x!.shape, w!.shape, attrs as unknown as Conv2DAttrs);
    const [out, info] = newOutput([g.N, g.O, g.Ho, g.Wo], x!.dtype);
    conv2dForward(valuesOf(x!), valuesOf(w!), bias ? valuesOf(bias) : null, out, g, x!.dtype);
    return info;
  },
};
