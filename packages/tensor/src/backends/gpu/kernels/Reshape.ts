import { Reshape } from '../../../kernel_names.js';
import type { KernelConfig } from '../../../kernel_registry.js';
import type { GpuKernelHost } from '../kernel_host.js';

// The output shares the input's storage (texture or host values), as on the CPU: no kernel runs.
/** gpu.js backend kernel for {@link Reshape}.
 * @example
 * ```ts
 * registerKernel(reshapeConfig);
 * ```
 */
export const reshapeConfig: KernelConfig = {
  kernelName: Reshape,
  outputAliases: 'x',
  backendName: 'gpu',
  kernelFunc: ({ inputs, attrs, backend }) => {
    const x = inputs.x!;
    return { shape: (attrs.shape as number[]).slice(), dtype: x.dtype, handle: (backend as GpuKernelHost).share(x.handle) };
  },
};
