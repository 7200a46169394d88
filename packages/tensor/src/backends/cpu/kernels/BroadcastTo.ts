import ndarray from 'ndarray';
import ops from 'ndarray-ops';
import { BroadcastTo } from '../../../kernel_names.js';
import type { KernelConfig } from '../../../kernel_registry.js';
import { stridesOf } from '../../../shape.js';
import { newOutput, valuesOf } from '../backend_cpu.js';

/** CPU kernel for {@link BroadcastTo}.
 * @example
 * ```ts
 * registerKernel(broadcastToConfig);
 * ```
 */
export const broadcastToConfig: KernelConfig = {
  kernelName: BroadcastTo,
  backendName: 'cpu',
  kernelFunc: ({ inputs, attrs }) => {
    const x = inputs.x!;
    const shape = attrs.shape as number[];
    const [out, info] = newOutput(shape, x.dtype);
    if (out.length === 0) return info;
    if (shape.length === 0) { out[0] = valuesOf(x)[0]!; return info; }
    const own = stridesOf(x.shape);
    const lead = shape.length - x.shape.length;
    // a stride-0 view repeats the input along broadcast axes
    const strides = shape.map((_, ax) => (ax < lead || x.shape[ax - lead] === 1 ? 0 : own[ax - lead]!));
    ops.assign(ndarray(out, shape), ndarray(valuesOf(x), shape, strides, 0));
    return info;
  },
};
