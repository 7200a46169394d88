import { Conv2DBackpropFilter, type Conv2DBackpropAttrs } from '../../../kernel_names.js';
import type { KernelConfig } from '../../../kernel_registry.js';
import { newOutput, valuesOf } from '../backend_cpu.js';
import { conv2dBackpropFilter, convGeometry } from '../conv.js';

/** CPU kernel for {@link Conv2DBackpropFilter}: im2col + gemm.
 * @example
 * ```ts
 * registerKernel(conv2DBackpropFilterConfig);
 * ```
 */
export const conv2DBackpropFilterConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: 'cpu',
  kernelFunc: ({ inputs, attrs }) => {
    const { x, dy } = inputs;
    const a = attrs as unknown as Conv2DBackpropAttrs;
    const g = convGeometry(x!.shape, a.shape, a);
    const [dw, info] = newOutput(a.shape, x!.dtype);
    conv2dBackpropFilter(valuesOf(x!), valuesOf(dy!), dw, g, x!.dtype);
    return info;
  },
};
