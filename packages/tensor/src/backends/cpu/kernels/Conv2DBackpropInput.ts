import { Conv2DBackpropInput, type Conv2DBackpropAttrs } from '../../../kernel_names.js';
import type { KernelConfig } from '../../../kernel_registry.js';
import { newOutput, valuesOf } from '../backend_cpu.js';
import { conv2dBackpropInput, convGeometry } from '../conv.js';

/** CPU kernel for {@link Conv2DBackpropInput}: gemm + col2im.
 * @example
 * ```ts
 * registerKernel(conv2DBackpropInputConfig);
 * ```
 */
export const conv2DBackpropInputConfig: KernelConfig = {
  kernelName: Conv2DBackpropInput,
  backendName: 'cpu',
  kernelFunc: ({ inputs, attrs }) => {
    const { dy, w } = inputs;
    const a = attrs as unknown as Conv2DBackpropAttrs;
    const g = convGeometry(a.shape, w!.shape, a);
    const [dx, info] = newOutput(a.shape, dy!.dtype);
    conv2dBackpropInput(valuesOf(dy!), valuesOf(w!), dx, g, dy!.dtype);
    return info;
  },
};
