/**
 * `@descent/tensor/gpu`: the gpu.js backend. Importing this entry registers a backend named `'gpu'`
 * (priority 2, above the CPU's 1) and its kernels, without loading gpu.js; gpu.js is loaded when the
 * backend is first used. gpu.js is an optional peer dependency: install it with
 * `npm install --no-save gpu.js@2.24.1` (headless-gl, its optional dependency, builds from source).
 *
 * Mode: headlessgl when a GL context can be created (a real GPU, or Mesa under Xvfb), else webasm,
 * else cpu; always precision `single`. float32 tensors run on gpu.js kernels and stay on the device
 * between kernels; float64 tensors stay on the host and use the CPU kernels (gpu.js has no float64).
 * Kernels without a gpu version (GatherRows, ScatterAddRows, OneHot) run on the CPU backend.
 *
 * `DESCENT_BACKEND=gpu` in the environment makes importing this entry enable and select the backend
 * (`DESCENT_GPU_MODE=headlessgl|webasm|cpu` picks the mode).
 *
 * @example
 * ```ts
 * import { matmul, randn, Rng, getBackend } from '@descent/tensor';
 * import { enableGpuBackend } from '@descent/tensor/gpu';
 * const info = enableGpuBackend(); // { available: true, mode: 'headlessgl', renderer: 'ANGLE (…)', … }
 * const rng = new Rng(0);
 * const c = matmul(randn([512, 512], rng), randn([512, 512], rng)); // on the GPU
 * console.log(getBackend().name, c.data()[0]); // read back once
 * ```
 * @module
 */
import { getBackend, setBackend } from './backend.js';
import { GPU_BACKEND_OPTIONS, modeProblem, type GpuBackend, type GpuBackendInfo, type GpuBackendOptions } from './backends/gpu/backend_gpu.js';
import { GPU_MODES, loadGpuJs, type GpuMode } from './backends/gpu/gpujs.js';
import { gpuBackendNamed, registerGpuBackend } from './backends/gpu/register.js';
import { checkOptions } from './options.js';

export { chooseMode, GpuBackend, GpuStorage, modeProblem, type GpuBackendInfo, type GpuBackendOptions, type GpuHandle } from './backends/gpu/backend_gpu.js';
export type { GpuArg, GpuKernelHost } from './backends/gpu/kernel_host.js';
export {
  GPU_MODES, gpuJsVersion, loadGpuJs, type GpuJsClass, type GpuJsInstance, type GpuJsKernel, type GpuJsKernelDetails, type GpuJsModule, type GpuJsTexture, type GpuMode,
} from './backends/gpu/gpujs.js';
export { gpuBackendNamed, registerGpuBackend, registerGpuKernels } from './backends/gpu/register.js';
export { runSelfTest, SELF_TEST_TOLERANCE } from './backends/gpu/selftest.js';

/** Options of {@link enableGpuBackend}.
 * @example
 * ```ts
 * enableGpuBackend({ mode: 'webasm', activate: true });
 * ```
 */
export interface EnableGpuOptions extends GpuBackendOptions {
  /** Make it the active backend when it works (default true). When it does not, the CPU backend stays (or becomes) active. */
  activate?: boolean;
}

/**
 * Enable the gpu.js backend: (re)register it, load gpu.js, pick the mode, run the self-test, and make
 * it the active backend. When anything fails it warns once, keeps the CPU backend active and returns
 * `available: false` with the reason — it never throws for a missing or broken gpu.js. Synchronous
 * (gpu.js loads through `require`), so `await enableGpuBackend()` works too.
 *
 * @example
 * ```ts
 * const info = enableGpuBackend({ mode: 'auto' });
 * if (!info.available) console.log(info.reason);
 * ```
 */
export function enableGpuBackend(options: EnableGpuOptions = {}): GpuBackendInfo {
  const { activate = true, ...rest } = checkOptions(options, { ...GPU_BACKEND_OPTIONS, activate: 'boolean' }, 'enableGpuBackend');
  const name = rest.name ?? 'gpu';
  const existing = gpuBackendNamed(name);
  // the same configuration reuses the registered backend (and its GPU instance, kernels and tensors)
  let backend: GpuBackend;
  if (existing?.sameConfig(rest)) {
    backend = existing;
    if ('warn' in rest) backend.setWarn(rest.warn ?? null);
  } else {
    backend = registerGpuBackend(rest);
  }
  if (backend.isAvailable()) {
    if (activate) setBackend(backend.name);
  } else if (activate || getBackend().name === backend.name) {
    setBackend('cpu');
  }
  return backend.info();
}

/** What a mode needs and whether this machine has it.
 * @example
 * ```ts
 * const modes: GpuModeStatus[] = gpuModes();
 * ```
 */
export interface GpuModeStatus {
  /** The mode. */
  mode: GpuMode;
  /** Whether gpu.js loads and the mode can run (the self-test is not run here). */
  usable: boolean;
  /** Why not, when it cannot. */
  reason: string | null;
}

/**
 * Probe which gpu.js modes can run here, best first, without registering anything. Loads gpu.js
 * (and tries to create a headless-gl context).
 *
 * @example
 * ```ts
 * gpuModes(); // [{ mode: 'headlessgl', usable: false, reason: 'headless-gl could not create a GL context (no X display…)' }, …]
 * ```
 */
export function gpuModes(searchPath?: string): GpuModeStatus[] {
  let problem: string | null = null;
  let mod = null;
  try { mod = loadGpuJs(searchPath); } catch (e) { problem = (e as Error).message; }
  return GPU_MODES.map((mode) => {
    const reason = problem ?? modeProblem(mod!, mode);
    return { mode, usable: reason === null, reason };
  });
}

// Register the (lazy) 'gpu' backend unless the application already registered one.
if (!gpuBackendNamed('gpu')) registerGpuBackend();

if (typeof process !== 'undefined' && process.env.DESCENT_BACKEND === 'gpu') {
  const mode = process.env.DESCENT_GPU_MODE as GpuMode | undefined;
  enableGpuBackend(mode ? { mode } : {});
}
