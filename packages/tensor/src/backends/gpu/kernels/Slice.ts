import { Slice, type SliceAttrs } from '../../../kernel_names.js';
import type { KernelConfig } from '../../../kernel_registry.js';
import { sizeOf } from '../../../shape.js';
import type { GpuKernelHost } from '../kernel_host.js';
import { contiguousStrides } from '../codegen.js';
import { gatherGpu } from '../elementwise.js';

/** gpu.js kernel for {@link Slice}: a gather from an offset with the input's strides.
 * @example
 * ```ts
 * registerKernel(sliceConfig);
 * ```
 */
export const sliceConfig: KernelConfig = {
  kernelName: Slice,
  backendName: 'gpu',
  kernelFunc: (args) => {
    const backend = args.backend as GpuKernelHost;
    const x = args.inputs.x!;
    const { begin, size } = args.attrs as unknown as SliceAttrs;
    if (!backend.supports(args.inputs) || !backend.supportsOutput(sizeOf(size))) return backend.runOnCpu(Slice, args);
    const own = contiguousStrides(x.shape);
    return gatherGpu(backend, x, size.slice(), own, begin.reduce((p, b, k) => p + b * own[k]!, 0));
  },
};
