import { Cast } from '../../../kernel_names.js';
import type { KernelConfig } from '../../../kernel_registry.js';
import type { DType } from '../../../types.js';
import { arrayType } from '../../../types.js';
import type { GpuKernelHost } from '../kernel_host.js';

// float32 → float32 shares storage; any conversion involving float64 happens on the host, since
// float64 tensors live there on this backend.
/** gpu.js backend kernel for {@link Cast}.
 * @example
 * ```ts
 * registerKernel(castConfig);
 * ```
 */
export const castConfig: KernelConfig = {
  kernelName: Cast,
  backendName: 'gpu',
  kernelFunc: ({ inputs, attrs, backend }) => {
    const gpu = backend as GpuKernelHost;
    const x = inputs.x!;
    const dtype = attrs.dtype as DType;
    if (dtype === x.dtype) return { shape: x.shape.slice(), dtype, handle: gpu.share(x.handle) };
    const values = arrayType(dtype).from(gpu.hostValues(x.handle, x.shape));
    return { shape: x.shape.slice(), dtype, handle: gpu.write(values, x.shape, dtype) };
  },
};
