import { Transpose } from '../../../kernel_names.js';
import type { KernelConfig } from '../../../kernel_registry.js';
import { sizeOf } from '../../../shape.js';
import type { GpuKernelHost } from '../kernel_host.js';
import { contiguousStrides } from '../codegen.js';
import { gatherGpu } from '../elementwise.js';

/** gpu.js kernel for {@link Transpose}: a gather through permuted strides.
 * @example
 * ```ts
 * registerKernel(transposeConfig);
 * ```
 */
export const transposeConfig: KernelConfig = {
  kernelName: Transpose,
  backendName: 'gpu',
  kernelFunc: (args) => {
    const backend = args.backend as GpuKernelHost;
    const x = args.inputs.x!;
    const perm = args.attrs.perm as number[];
    const shape = perm.map((p) => x.shape[p]!);
    if (!backend.supports(args.inputs) || !backend.supportsOutput(sizeOf(shape))) return backend.runOnCpu(Transpose, args);
    const own = contiguousStrides(x.shape);
    return gatherGpu(backend, x, shape, perm.map((p) => own[p]!), 0);
  },
};
