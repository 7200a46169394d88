import { MaxPool2D, type Pool2DAttrs } from '../../../kernel_names.js';
import type { KernelConfig } from '../../../kernel_registry.js';
import { newOutput, valuesOf } from '../backend_cpu.js';
import { maxPoolArgmax, poolWindowsOf } from '../pool.js';
import { maxPoolForwardWasm, maxPoolGeometry } from '../wasm/max_pool_wasm.js';

/** CPU kernel for {@link MaxPool2D}.
 * @example
 * ```ts
 * registerKernel(maxPool2DConfig);
 * ```
 */
export const maxPool2DConfig: KernelConfig = {
  kernelName: MaxPool2D,
  backendName: 'cpu',
  kernelFunc: ({ inputs, attrs }) => {
    const x = inputs.x!;
    const [N, C, H, W] = x.shape as [number, number, number, number];
    const poolAttrs = attrs as unknown as Pool2DAttrs;
    const { rows, cols } = poolWindowsOf(x.shape, poolAttrs);
    const [out, info] = newOutput([N, C, rows.start.length, cols.start.length], x.dtype);
    const xs = valuesOf(x);
    if (!maxPoolForwardWasm(xs, out, maxPoolGeometry(x.shape, poolAttrs))) maxPoolArgmax(xs, out, null, N * C, H, W, rows, cols);
    return info;
  },
};
