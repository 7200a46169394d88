import { MaxPool2DGrad, type Pool2DAttrs } from '../../../kernel_names.js';
import type { KernelConfig } from '../../../kernel_registry.js';
import { newOutput, valuesOf } from '../backend_cpu.js';
import { maxPoolArgmax, poolWindowsOf } from '../pool.js';
import { maxPoolBackwardWasm, maxPoolGeometry } from '../wasm/max_pool_wasm.js';

/** CPU kernel for {@link MaxPool2DGrad}: finds each window's argmax again and adds dy there
 * (in WebAssembly for tensors in the tensor heap, see wasm/max_pool_wasm.ts).
 * @example
 * ```ts
 * registerKernel(maxPool2DGradConfig);
 * ```
 */
export const maxPool2DGradConfig: KernelConfig = {
  kernelName: MaxPool2DGrad,
  backendName: 'cpu',
  kernelFunc: ({ inputs, attrs }) => {
    const x = inputs.x!, dy = valuesOf(inputs.dy!);
    const [N, C, H, W] = x.shape as [number, number, number, number];
    const poolAttrs = attrs as unknown as Pool2DAttrs;
    const [dx, info] = newOutput(x.shape, x.dtype);
    const xs = valuesOf(x);
    if (maxPoolBackwardWasm(xs, dy, dx, maxPoolGeometry(x.shape, poolAttrs))) return info;
    const { rows, cols } = poolWindowsOf(x.shape, poolAttrs);
    const argmax = new Int32Array(dy.length);
    maxPoolArgmax(xs, null, argmax, N * C, H, W, rows, cols);
    for (let o = 0; o < argmax.length; o++) dx[argmax[o]!] += dy[o]!;
    return info;
  },
};
