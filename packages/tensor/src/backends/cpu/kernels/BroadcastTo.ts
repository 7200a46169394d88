import { BroadcastTo } from '../../../kernel_names.js';
import type { KernelConfig } from '../../../kernel_registry.js';
import { stridesOf } from '../../../shape.js';
import type { TypedArray } from '../../../types.js';
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
    const values = valuesOf(x);
    if (values.length === 1) { out.fill(values[0]!); return info; }
    const own = stridesOf(x.shape);
    const lead = shape.length - x.shape.length;
    // a stride-0 view repeats the input along broadcast axes
    const strides = shape.map((_, ax) => (ax < lead || x.shape[ax - lead] === 1 ? 0 : own[ax - lead]!));
    broadcastRows(values, out, shape, strides);
    return info;
  },
};

/** out[i…] = x at the strided position of i, one output row (last axis) at a time: a row is a
 * fill when the last axis repeats, else a strided copy; the leading axes run as an odometer. */
function broadcastRows(x: TypedArray, out: TypedArray, shape: readonly number[], strides: readonly number[]): void {
  const rank = shape.length, row = shape[rank - 1]!, step = strides[rank - 1]!;
  const index = new Array<number>(rank - 1).fill(0);
  let from = 0;
  for (let o = 0; o < out.length; o += row) {
    if (step === 0) out.fill(x[from]!, o, o + row);
    else for (let j = 0, s = from; j < row; j++, s += step) out[o + j] = x[s]!;
    for (let ax = rank - 2; ax >= 0; ax--) {
      from += strides[ax]!;
      if (++index[ax]! < shape[ax]!) break;
      from -= strides[ax]! * shape[ax]!;
      index[ax] = 0;
    }
  }
}
