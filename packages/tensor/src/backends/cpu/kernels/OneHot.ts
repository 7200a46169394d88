import { OneHot } from '../../../kernel_names.js';
import type { KernelConfig } from '../../../kernel_registry.js';
import type { DType } from '../../../types.js';
import { newOutput } from '../backend_cpu.js';

/** CPU kernel for {@link OneHot}.
 * @example
 * ```ts
 * registerKernel(oneHotConfig);
 * ```
 */
export const oneHotConfig: KernelConfig = {
  kernelName: OneHot,
  backendName: 'cpu',
  kernelFunc: ({ attrs }) => {
    const labels = attrs.labels as ArrayLike<number>;
    const depth = attrs.depth as number;
    const [out, info] = newOutput([labels.length, depth], attrs.dtype as DType);
    for (let i = 0; i < labels.length; i++) out[i * depth + labels[i]!] = 1;
    return info;
  },
};
