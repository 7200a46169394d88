import { Concat } from '../../../kernel_names.js';
import type { KernelConfig } from '../../../kernel_registry.js';
import { newOutput, valuesOf } from '../backend_cpu.js';

/** CPU kernel for {@link Concat}.
 * @example
 * ```ts
 * registerKernel(concatConfig);
 * ```
 */
export const concatConfig: KernelConfig = {
  kernelName: Concat,
  backendName: 'cpu',
  kernelFunc: ({ inputs, attrs }) => {
    const axis = attrs.axis as number;
    const parts = Object.keys(inputs).sort((p, q) => Number(p.slice(1)) - Number(q.slice(1))).map((k) => inputs[k]!);
    const first = parts[0]!;
    const shape = first.shape.slice();
    shape[axis] = parts.reduce((s, p) => s + p.shape[axis]!, 0);
    const [out, info] = newOutput(shape, first.dtype);
    let outer = 1;
    for (let i = 0; i < axis; i++) outer *= shape[i]!;
    const outChunk = outer === 0 ? 0 : out.length / outer;
    let offset = 0;
    for (const p of parts) {
      const values = valuesOf(p);
      const chunk = outer === 0 ? 0 : values.length / outer;
      for (let o = 0; o < outer; o++) out.set(values.subarray(o * chunk, (o + 1) * chunk), o * outChunk + offset);
      offset += chunk;
    }
    return info;
  },
};
