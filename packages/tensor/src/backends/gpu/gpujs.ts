// The slice of the gpu.js 2.x API this backend uses, typed locally: gpu.js is an optional peer
// dependency, so nothing here may import it (not even its types) for `tsc` to pass without it.
import { createRequire } from 'node:module';
import path from 'node:path';
import { GpuJsLoadError } from '../../errors.js';

/** A gpu.js execution mode descent can use. `headlessgl` runs GLSL shaders through headless-gl
 * (a real GPU when the host has one, Mesa llvmpipe otherwise); `webasm` and `cpu` run the same
 * kernels on the CPU (WebAssembly with SIMD, or transpiled JavaScript).
 * @example
 * ```ts
 * const mode: GpuMode = 'webasm';
 * ```
 */
export type GpuMode = 'headlessgl' | 'webasm' | 'cpu';

/** Every mode, best first: the order of the automatic choice.
 * @example
 * ```ts
 * GPU_MODES[0]; // 'headlessgl'
 * ```
 */
export const GPU_MODES: readonly GpuMode[] = ['headlessgl', 'webasm', 'cpu'];

/** A gpu.js pipeline result: a `Texture` in GL modes (a typed array, or arrays of them, in cpu/webasm modes).
 * @example
 * ```ts
 * const values = (texture as GpuJsTexture).toArray();
 * ```
 */
export interface GpuJsTexture {
  /** Read the values back (a Float32Array for a 1-D output). */
  toArray(): unknown;
  /** Release the GL texture (reference-counted by gpu.js). */
  delete(): void;
}

/** A compiled gpu.js kernel (the callable `createKernel` returns).
 * @example
 * ```ts
 * const out = kernel(texture) as GpuJsTexture;
 * ```
 */
export interface GpuJsKernel {
  /** Run the kernel: a texture in pipeline mode on GL, typed arrays otherwise. */
  (...args: unknown[]): unknown;
  /** Resize the output (kernels created with `dynamicOutput: true`). */
  setOutput(output: number[]): GpuJsKernel;
  /** Release the kernel. NOTE: with headless-gl this corrupts later results of the same GPU instance's
   * other kernels; descent only destroys kernels together with their GPU instance. */
  destroy(removeCanvasReferences?: boolean): void;
  /** The backend kernel gpu.js chose (its mode; why it fell back to cpu, if it did). */
  readonly kernel?: GpuJsKernelDetails;
}

/** What gpu.js reports about the kernel behind a {@link GpuJsKernel}.
 * @example
 * ```ts
 * kernel.kernel?.fallbackReason; // null unless gpu.js degraded the kernel to its cpu backend
 * ```
 */
export interface GpuJsKernelDetails {
  /** The kernel class; its static `mode` names the backend. */
  readonly constructor: {
    /** The gpu.js mode of that kernel class. */
    readonly mode?: string;
  };
  /** Why gpu.js degraded the kernel to its cpu backend, or null. */
  readonly fallbackReason?: string | null;
}

/** A gpu.js `GPU` instance.
 * @example
 * ```ts
 * const k = gpu.createKernel('function(a) { return a[this.thread.x]; }', { output: [4] });
 * ```
 */
export interface GpuJsInstance {
  /** The mode gpu.js runs in. */
  readonly mode: string;
  /** The WebGL context (headlessgl mode, once a kernel was built). */
  readonly context?: unknown;
  /** Compile a kernel from JavaScript source (see the gpu.js README for the settings). */
  createKernel(source: string, settings: Record<string, unknown>): GpuJsKernel;
  /** Release every kernel and the context. */
  destroy(): unknown;
}

/** The gpu.js module: the `GPU` class and its feature probes.
 * @example
 * ```ts
 * const { GPU } = loadGpuJs();
 * ```
 */
export interface GpuJsModule {
  /** The `GPU` class. */
  GPU: GpuJsClass;
}

/** The gpu.js `GPU` class: its constructor and feature probes.
 * @example
 * ```ts
 * const gpu = new (loadGpuJs().GPU)({ mode: 'webasm' });
 * ```
 */
export interface GpuJsClass {
  /** A GPU instance in a mode (`{ mode: 'headlessgl' | 'webasm' | 'cpu' }`). */
  new (settings?: Record<string, unknown>): GpuJsInstance;
  /** Whether headless-gl loads and creates a context (tries once, then remembers). */
  readonly isHeadlessGLSupported: boolean;
  /** Whether WebAssembly is available. */
  readonly isWebAssemblySupported: boolean;
  /** Whether a GL backend supports float textures. */
  readonly isSinglePrecisionSupported: boolean;
}

/** The directory `DESCENT_GPUJS_PATH` names (a `node_modules` folder, or a folder holding one), if set. */
function envSearchPath(): string | undefined {
  const p = typeof process !== 'undefined' ? process.env.DESCENT_GPUJS_PATH : undefined;
  return p ? path.resolve(p) : undefined;
}

const cache = new Map<string, GpuJsModule>();

/**
 * Load gpu.js synchronously (it is CommonJS) through `createRequire`, so that importing descent
 * never loads it: only selecting the gpu backend does. Lookup order: `searchPath` (a `node_modules`
 * folder or a folder holding one), else `DESCENT_GPUJS_PATH`, else normal Node resolution from this
 * package (which also honours `NODE_PATH`).
 *
 * @throws GpuJsLoadError naming the lookup and how to install gpu.js when it is missing.
 * @example
 * ```ts
 * const { GPU } = loadGpuJs();
 * ```
 */
export function loadGpuJs(searchPath?: string): GpuJsModule {
  const dir = searchPath ? path.resolve(searchPath) : envSearchPath();
  const key = dir ?? '';
  const hit = cache.get(key);
  if (hit) return hit;
  const req = createRequire(dir ? path.join(dir, 'noop.js') : import.meta.url);
  let mod: GpuJsModule;
  try {
    mod = req('gpu.js') as GpuJsModule;
  } catch (e) {
    const where = dir ? `from ${dir}` : 'from @descent/tensor (NODE_PATH and DESCENT_GPUJS_PATH also work)';
    const first = (e as Error).message.split('\n')[0];
    throw new GpuJsLoadError(`gpu.js could not be loaded ${where}: ${first}. It is an optional peer dependency: install it with 'npm install --no-save gpu.js@2.24.1' (or run packages/tensor/scripts/install-gpu.sh)`);
  }
  if (typeof mod?.GPU !== 'function') throw new GpuJsLoadError('gpu.js loaded but exports no GPU class; descent needs gpu.js ^2.24.1');
  cache.set(key, mod);
  return mod;
}

/** The gpu.js version installed at the lookup `loadGpuJs` uses, or null.
 * @example
 * ```ts
 * gpuJsVersion(); // '2.24.1'
 * ```
 */
export function gpuJsVersion(searchPath?: string): string | null {
  const dir = searchPath ? path.resolve(searchPath) : envSearchPath();
  const req = createRequire(dir ? path.join(dir, 'noop.js') : import.meta.url);
  try {
    return (req('gpu.js/package.json') as { version: string }).version;
  } catch {
    return null;
  }
}
