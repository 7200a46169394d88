// Registration of the gpu.js backend. Nothing here loads gpu.js: a GpuBackend loads it on first use.
import { backendNames, findBackend, registerBackend } from '../../backend.js';
import { getKernel, registerKernel } from '../../kernel_registry.js';
import { GpuBackend, type GpuBackendOptions } from './backend_gpu.js';
import * as kernels from './kernels/index.js';

/** Register every gpu.js kernel under a backend name (the configs say `'gpu'`; other names get copies).
 * Already registered kernels are kept.
 * @example
 * ```ts
 * registerGpuKernels('gpu:webasm');
 * ```
 */
export function registerGpuKernels(backendName = 'gpu'): void {
  for (const config of Object.values(kernels)) {
    if (getKernel(config.kernelName, backendName)) continue;
    registerKernel(backendName === config.backendName ? config : { ...config, backendName });
  }
}

/**
 * Register a gpu.js backend (replacing any backend of that name) and its kernels. gpu.js is not
 * loaded until the backend is used. Tensors that live on a replaced backend of the same name must
 * not be used afterwards (their textures belong to the old GPU context).
 *
 * @example
 * ```ts
 * const backend = registerGpuBackend({ name: 'gpu:webasm', mode: 'webasm' });
 * ```
 */
export function registerGpuBackend(options: GpuBackendOptions = {}): GpuBackend {
  const backend = new GpuBackend(options);
  registerBackend(backend, { replace: true });
  registerGpuKernels(backend.name);
  return backend;
}

/** The registered gpu backend of that name, if it is one.
 * @example
 * ```ts
 * gpuBackendNamed('gpu')?.info();
 * ```
 */
export function gpuBackendNamed(name = 'gpu'): GpuBackend | undefined {
  if (!backendNames().includes(name)) return undefined;
  const b = findBackend(name);
  return b instanceof GpuBackend ? b : undefined;
}
