import ndarray from 'ndarray';
import ops from 'ndarray-ops';
import { Slice, type SliceAttrs } from '../../../kernel_names.js';
import type { KernelConfig } from '../../../kernel_registry.js';
import { newOutput, viewOf } from '../backend_cpu.js';

/** CPU kernel for {@link Slice}.
 * @example
 * ```ts
 * registerKernel(sliceConfig);
 * ```
 */
export const sliceConfig: KernelConfig = {
  kernelName: Slice,
  backendName: 'cpu',
  kernelFunc: ({ inputs, attrs }) => {
    const x = inputs.x!;
    const { begin, size } = attrs as unknown as SliceAttrs;
    const [out, info] = newOutput(size, x.dtype);
    if (out.length === 0) return info;
    if (size.length === 0) { out[0] = viewOf(x).data[0]!; return info; }
    ops.assign(ndarray(out, size), viewOf(x).lo(...begin).hi(...size));
    return info;
  },
};
