import { BroadcastTo } from '../../../kernel_names.js';
import type { KernelConfig } from '../../../kernel_registry.js';
import { sizeOf } from '../../../shape.js';
import type { GpuKernelHost } from '../kernel_host.js';
import { broadcastStrides } from '../codegen.js';
import { gatherGpu } from '../elementwise.js';

/** gpu.js kernel for {@link BroadcastTo}: a gather with stride 0 along broadcast axes.
 * @example
 * ```ts
 * registerKernel(broadcastToConfig);
 * ```
 */
export const broadcastToConfig: KernelConfig = {
  kernelName: BroadcastTo,
  backendName: 'gpu',
  kernelFunc: (args) => {
    const backend = args.backend as GpuKernelHost;
    const x = args.inputs.x!;
    const shape = (args.attrs.shape as number[]).slice();
    if (!backend.supports(args.inputs) || !backend.supportsOutput(sizeOf(shape))) return backend.runOnCpu(BroadcastTo, args);
    return gatherGpu(backend, x, shape, broadcastStrides(x.shape, shape), 0);
  },
};
