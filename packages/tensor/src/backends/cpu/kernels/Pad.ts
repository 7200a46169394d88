import ndarray from 'ndarray';
import ops from 'ndarray-ops';
import { Pad, type PadAttrs } from '../../../kernel_names.js';
import type { KernelConfig } from '../../../kernel_registry.js';
import { newOutput, viewOf } from '../backend_cpu.js';

/** CPU kernel for {@link Pad}.
 * @example
 * ```ts
 * registerKernel(padConfig);
 * ```
 */
export const padConfig: KernelConfig = {
  kernelName: Pad,
  backendName: 'cpu',
  kernelFunc: ({ inputs, attrs }) => {
    const x = inputs.x!;
    const { before, shape } = attrs as unknown as PadAttrs;
    const [out, info] = newOutput(shape, x.dtype);
    if (x.shape.reduce((p, d) => p * d, 1) === 0) return info;
    if (shape.length === 0) { out[0] = viewOf(x).data[0]!; return info; }
    ops.assign(ndarray(out, shape).lo(...before).hi(...x.shape), viewOf(x));
    return info;
  },
};
