import type { Backend, DataHandle, TensorInfo } from '../../backend.js';
import { BackendError, KernelNotFoundError } from '../../errors.js';
import { getKernel, type KernelArgs } from '../../kernel_registry.js';
import { checkOptions, type OptionSpec } from '../../options.js';
import { sizeOf } from '../../shape.js';
import type { DType, Shape, TypedArray } from '../../types.js';
import { cpuBackend } from '../cpu/backend_cpu.js';
import { MAX_GPU_ELEMENTS } from './codegen.js';
import type { GpuArg, GpuKernelHost } from './kernel_host.js';
import { runSelfTest } from './selftest.js';
import {
  GPU_MODES, gpuJsVersion, loadGpuJs, type GpuJsInstance, type GpuJsKernel, type GpuJsModule, type GpuJsTexture, type GpuMode,
} from './gpujs.js';

/** Options of a {@link GpuBackend}.
 * @example
 * ```ts
 * const options: GpuBackendOptions = { mode: 'webasm', name: 'gpu' };
 * ```
 */
export interface GpuBackendOptions {
  /** Registry name (default `'gpu'`). Tests register one name per mode, e.g. `'gpu:webasm'`. */
  name?: string;
  /** Priority when the active backend is chosen automatically (default 2: above the CPU's 1). */
  priority?: number;
  /** gpu.js mode; `'auto'` (default) takes headlessgl when a GL context can be created, else webasm, else cpu. */
  mode?: GpuMode | 'auto';
  /** Compare a few kernels with the CPU backend at first use and refuse to run when they disagree (default
   * true); a function replaces the built-in check (it returns a problem, or null when all is well). */
  selfTest?: boolean | ((backend: GpuBackend) => string | null);
  /** Where to look for gpu.js: a `node_modules` folder or a folder holding one (default: `DESCENT_GPUJS_PATH`, then Node resolution). */
  searchPath?: string;
  /** MatMul kernel: `'packed'` (2×2 blocks over Array(4)-packed operands, best for GL), `'plain'` (one
   * output per thread, best for webasm and cpu) or `'auto'` (default: packed in GL modes). */
  matmul?: 'auto' | 'packed' | 'plain';
  /** Called once with the reason when the backend turns out unusable (default `console.warn`); `null` for silence. */
  warn?: ((message: string) => void) | null;
}

/** The options a {@link GpuBackend} takes, with their types (values are checked where they are used).
 * @example
 * ```ts
 * Object.keys(GPU_BACKEND_OPTIONS); // ['name', 'priority', 'mode', …]
 * ```
 */
export const GPU_BACKEND_OPTIONS = {
  name: 'string', priority: 'number', mode: 'string', selfTest: ['boolean', 'function'], searchPath: 'string', matmul: 'string', warn: ['function', 'null'],
} as const satisfies OptionSpec;

/** Diagnostic information about a {@link GpuBackend} (its `info()`).
 * @example
 * ```ts
 * const { mode, renderer } = findBackend('gpu').info!() as GpuBackendInfo;
 * ```
 */
export interface GpuBackendInfo {
  [key: string]: unknown;
  /** Registry name of the backend. */
  name: string;
  /** Whether the backend initialised and passed its self-test. */
  available: boolean;
  /** The gpu.js mode in use (null before initialisation or after a failure). */
  mode: GpuMode | null;
  /** GL renderer string in headlessgl mode (e.g. `ANGLE (NVIDIA … H200 … OpenGL 4.5 core)`), else what runs the kernels. */
  renderer: string | null;
  /** gpu.js precision: always `single` (float32 textures). */
  precision: 'single';
  /** Installed gpu.js version, or null when it cannot be found. */
  gpujs: string | null;
  /** `'passed'`, `'skipped'`, `'failed: …'` or `'not run'`. */
  selfTest: string;
  /** Why the backend is unavailable, when it is. */
  reason: string | null;
  /** Number of compiled gpu.js kernels (one per kernel source and shape). */
  programs: number;
}

/** Storage of one gpu tensor: a device copy (a gpu.js texture in GL modes) and/or a host copy. Shared
 * by the handles of reshaped views; its texture is deleted when no handle references it any more.
 * @example
 * ```ts
 * (t.handle as GpuHandle).storage.texture; // null until a gpu kernel reads or writes the tensor
 * ```
 */
export class GpuStorage {
  /** Host copy (always set for float64; read back on demand for float32 results). */
  values: TypedArray | null;
  /** Device copy: a gpu.js texture in headlessgl mode (null in the CPU-side modes). */
  texture: GpuJsTexture | null;
  /** Handles sharing this storage that were not disposed. */
  refs = 1;
  /** Storage holding host values, a texture, or both. */
  constructor(values: TypedArray | null, texture: GpuJsTexture | null) {
    this.values = values;
    this.texture = texture;
  }
}

/** A tensor's storage on a {@link GpuBackend}: several handles may share one storage (reshape).
 * @example
 * ```ts
 * const h = t.handle as GpuHandle;
 * ```
 */
export interface GpuHandle extends DataHandle {
  /** The (possibly shared) storage. */
  readonly storage: GpuStorage;
}

// Textures are freed when no tensor references their storage any more.
const textureReaper = new FinalizationRegistry<GpuJsTexture>((texture) => {
  try { texture.delete(); } catch { /* the GPU instance may be gone */ }
});

const isTexture = (x: unknown): x is GpuJsTexture => typeof x === 'object' && x !== null && typeof (x as GpuJsTexture).delete === 'function' && typeof (x as GpuJsTexture).toArray === 'function';

/** Flatten what gpu.js returns (a typed array, or nested arrays of them) to one Float32Array. */
function toFloat32(x: unknown, size: number): Float32Array {
  if (x instanceof Float32Array) return x.length === size ? x : x.slice(0, size);
  const out = new Float32Array(size);
  let p = 0;
  const walk = (v: unknown): void => {
    if (p >= size) return;
    if (typeof v === 'number') { out[p++] = v; return; }
    if (ArrayBuffer.isView(v)) { const a = v as Float32Array; const n = Math.min(a.length, size - p); out.set(a.subarray(0, n), p); p += n; return; }
    for (const e of v as unknown[]) walk(e);
  };
  walk(x);
  return out;
}


/**
 * The gpu.js backend: one gpu.js `GPU` instance in one mode, precision `single`. float32 tensors are
 * computed by gpu.js kernels and stay on the device between kernels (gpu.js pipeline mode: each
 * result is a texture), and are read back only when their values are asked for. float64 tensors are
 * kept on the host and computed by the CPU kernels (gpu.js computes in float32 only), as are
 * zero-size tensors and tensors of 2^24 elements or more. A kernel with no gpu version runs on the
 * CPU backend through the engine.
 *
 * gpu.js is loaded on first use (`isAvailable()`, which `setBackend` and `getBackend` call), a
 * self-test then compares a few kernels with the CPU backend; if loading or the test fails the
 * backend reports itself unavailable, warns once, and descent keeps using the CPU backend.
 *
 * @example
 * ```ts
 * import { registerBackend } from '@descent/tensor';
 * registerBackend(new GpuBackend({ mode: 'webasm' }));
 * ```
 */
export class GpuBackend implements Backend, GpuKernelHost {
  /** Registry name (`'gpu'` unless given). */
  readonly name: string;
  /** Priority of the automatic choice (2 unless given). */
  readonly priority: number;
  /** The mode asked for (`'auto'` unless given); {@link GpuBackend.mode} is the one in use. */
  readonly requestedMode: GpuMode | 'auto';
  private options: GpuBackendOptions;
  private state: 'new' | 'ready' | 'failed' = 'new';
  private failure: string | null = null;
  private selfTestResult = 'not run';
  private gpuJs: GpuJsModule | null = null;
  private gpuInstance: GpuJsInstance | null = null;
  private activeMode: GpuMode | null = null;
  private rendererName: string | null = null;
  private readonly programs = new Map<string, GpuJsKernel>();
  private uploader: GpuJsKernel | null = null;

  constructor(options: GpuBackendOptions = {}) {
    this.options = checkOptions(options, GPU_BACKEND_OPTIONS, 'GpuBackend');
    this.name = options.name ?? 'gpu';
    this.priority = options.priority ?? 2;
    this.requestedMode = options.mode ?? 'auto';
  }

  /** Whether these options would build the same backend (same name, mode, matmul kernel, gpu.js lookup
   * and self-test; `warn` and `priority` are not compared).
   * @example
   * ```ts
   * backend.sameConfig({ mode: 'webasm' });
   * ```
   */
  sameConfig(options: GpuBackendOptions): boolean {
    const o = this.options;
    return (options.name ?? 'gpu') === this.name && (options.mode ?? 'auto') === this.requestedMode
      && (options.matmul ?? 'auto') === (o.matmul ?? 'auto') && options.searchPath === o.searchPath
      && (options.selfTest ?? true) === (o.selfTest ?? true);
  }

  /** Replace the handler of the one warning given when the backend turns out unusable (`null`: silence).
   * @example
   * ```ts
   * backend.setWarn(null);
   * ```
   */
  setWarn(warn: ((message: string) => void) | null): void {
    this.options = { ...this.options, warn };
  }

  /** The gpu.js mode in use, after initialisation. */
  get mode(): GpuMode {
    if (!this.activeMode) throw new BackendError(`gpu backend '${this.name}' is not initialised`);
    return this.activeMode;
  }

  /** Whether MatMul uses the packed 2×2-block kernels. */
  get packedMatmul(): boolean {
    const m = this.options.matmul ?? 'auto';
    return m === 'packed' || (m === 'auto' && this.isGL);
  }

  /** Whether kernels run as GL shaders (results are textures) rather than on the CPU. */
  get isGL(): boolean {
    return this.activeMode === 'headlessgl';
  }

  /** The gpu.js `GPU` instance (initialises the backend). */
  get gpu(): GpuJsInstance {
    if (!this.init() || !this.gpuInstance) throw new BackendError(`gpu backend '${this.name}' is not available: ${this.failure}`);
    return this.gpuInstance;
  }

  /** Load gpu.js, create the GPU instance in the chosen mode and run the self-test, once. */
  init(): boolean {
    if (this.state === 'ready') return true;
    if (this.state === 'failed') return false;
    try {
      this.gpuJs = loadGpuJs(this.options.searchPath);
      const mode = this.requestedMode === 'auto' ? chooseMode(this.gpuJs) : this.requestedMode;
      const problem = modeProblem(this.gpuJs, mode);
      if (problem) return this.fail(`gpu.js mode '${mode}' is not usable here: ${problem}`);
      this.gpuInstance = new this.gpuJs.GPU({ mode });
      this.activeMode = mode;
      this.state = 'ready';
    } catch (e) {
      return this.fail((e as Error).message);
    }
    if (this.options.selfTest === false) {
      this.selfTestResult = 'skipped';
    } else {
      let problem: string | null;
      try {
        problem = typeof this.options.selfTest === 'function' ? this.options.selfTest(this) : runSelfTest(this);
      } catch (e) {
        problem = `a kernel threw: ${(e as Error).message.split('\n').slice(0, 3).join(' ')}`;
      }
      if (problem) {
        this.selfTestResult = `failed: ${problem}`;
        return this.fail(`self-test against the CPU backend failed in mode '${this.activeMode}': ${problem}`);
      }
      this.selfTestResult = 'passed';
    }
    this.rendererName = this.detectRenderer();
    return true;
  }

  private fail(reason: string): false {
    this.state = 'failed';
    this.failure = reason;
    this.release();
    const warn = this.options.warn === undefined ? (m: string) => console.warn(m) : this.options.warn;
    warn?.(`descent: the gpu backend '${this.name}' is not available (${reason}); using the CPU backend`);
    return false;
  }

  private release(): void {
    for (const k of this.programs.values()) { try { k.destroy(); } catch { /* ignore */ } }
    this.programs.clear();
    this.uploader = null;
    try { this.gpuInstance?.destroy(); } catch { /* ignore */ }
    this.gpuInstance = null;
  }

  /** The renderer, or null in headlessgl mode before the first kernel created the GL context. */
  private detectRenderer(): string | null {
    if (this.activeMode === 'webasm') return 'WebAssembly (f32x4 SIMD) on the CPU';
    if (this.activeMode === 'cpu') return 'JavaScript on the CPU';
    const gl = (this.gpuInstance as { context?: { RENDERER: number; VERSION: number; getParameter(p: number): unknown } } | null)?.context;
    if (!gl) return null;
    try {
      // headless-gl masks RENDERER as 'ANGLE'; the native binding underneath has the real string
      const native = Object.getPrototypeOf(Object.getPrototypeOf(gl)) as { getParameter(p: number): unknown };
      return `${String(native.getParameter.call(gl, gl.RENDERER))} | ${String(native.getParameter.call(gl, gl.VERSION))}`;
    } catch {
      return String(gl.getParameter(gl.RENDERER));
    }
  }

  /** Whether gpu.js loads, the mode works and the self-test passes (initialises on first call).
   * @example
   * ```ts
   * if (backend.isAvailable()) setBackend(backend.name);
   * ```
   */
  isAvailable(): boolean {
    return this.init();
  }

  /** Mode, renderer, gpu.js version and self-test outcome.
   * @example
   * ```ts
   * findBackend('gpu').info!().mode; // 'headlessgl'
   * ```
   */
  info(): GpuBackendInfo {
    return {
      name: this.name,
      available: this.state === 'ready',
      mode: this.state === 'ready' ? this.activeMode : null,
      renderer: this.state === 'ready' ? (this.rendererName ??= this.detectRenderer()) : null,
      precision: 'single',
      gpujs: gpuJsVersion(this.options.searchPath),
      selfTest: this.selfTestResult,
      reason: this.failure,
      programs: this.programs.size,
    };
  }

  /** Store values on the host; they are uploaded when a gpu kernel first reads them.
   * @example
   * ```ts
   * const h = backend.write(new Float32Array([1, 2]), [2], 'float32');
   * ```
   */
  write(values: TypedArray): GpuHandle {
    return { backend: this.name, storage: new GpuStorage(values, null) };
  }

  /** A copy of the values (the device copy is read back once and kept on the host for later reads).
   * Mutating the copy changes nothing: write values back with `Tensor.assign`.
   * @example
   * ```ts
   * backend.read(t.handle, t.shape, t.dtype);
   * ```
   */
  read(handle: DataHandle, shape: Shape, _dtype?: DType): TypedArray {
    return this.hostValues(handle, shape).slice();
  }

  /** The host copy of a tensor's values (read back on first use), shared: callers must not mutate it. */
  hostValues(handle: DataHandle, shape: Shape): TypedArray {
    const s = (handle as GpuHandle).storage;
    if (s.values) return s.values;
    if (!s.texture) throw new BackendError(`gpu backend '${this.name}': a tensor has neither host nor device storage (disposed?)`);
    s.values = toFloat32(s.texture.toArray(), sizeOf(shape));
    return s.values;
  }

  /** Release a tensor's device texture now (when no other handle shares its storage).
   * @example
   * ```ts
   * backend.dispose(t.handle);
   * ```
   */
  dispose(handle: DataHandle): void {
    const s = (handle as GpuHandle).storage;
    if (--s.refs > 0) return;
    if (s.texture) {
      textureReaper.unregister(s);
      try { s.texture.delete(); } catch { /* ignore */ }
      s.texture = null;
    }
    s.values = null;
  }

  /** A new handle on the same storage (reshape).
   * @example
   * ```ts
   * const view = backend.share(x.handle);
   * ```
   */
  share(handle: DataHandle): GpuHandle {
    const s = (handle as GpuHandle).storage;
    s.refs++;
    return { backend: this.name, storage: s };
  }

  // ── for kernels ───────────────────────────────────────────────────────────────────────────────

  /** Whether a gpu kernel can run on these inputs (float32, non-empty, below 2^24 elements). */
  supports(inputs: Record<string, TensorInfo>): boolean {
    for (const k in inputs) {
      const t = inputs[k]!;
      if (t.dtype !== 'float32') return false;
      const n = sizeOf(t.shape);
      if (n === 0 || n >= MAX_GPU_ELEMENTS) return false;
    }
    return true;
  }

  /** Whether a gpu kernel can produce an output of this size. */
  supportsOutput(size: number): boolean {
    return size > 0 && size < MAX_GPU_ELEMENTS;
  }

  /** A float32 tensor as a kernel argument: its texture (uploaded once and kept) in GL modes, its values otherwise. */
  arg(info: TensorInfo): GpuArg {
    const s = (info.handle as GpuHandle).storage;
    if (!this.isGL) {
      return this.hostValues(info.handle, info.shape) as Float32Array;
    }
    if (s.texture) return s.texture;
    const values = s.values instanceof Float32Array ? s.values : Float32Array.from(s.values ?? []);
    const n = values.length;
    this.uploader ??= this.gpu.createKernel('function(a) { return a[this.thread.x]; }', {
      output: [n], precision: 'single', tactic: 'precision', pipeline: true, immutable: true, dynamicOutput: true, dynamicArguments: true,
    });
    this.uploader.setOutput([n]);
    const texture = this.uploader(values) as GpuJsTexture;
    s.texture = texture;
    textureReaper.register(s, texture, s);
    return texture;
  }

  /** Wrap a kernel result (texture in GL modes, typed array otherwise) as a float32 tensor. */
  output(result: unknown, shape: Shape): TensorInfo {
    let storage: GpuStorage;
    if (isTexture(result) && this.isGL) {
      storage = new GpuStorage(null, result);
      textureReaper.register(storage, result, storage);
    } else {
      storage = new GpuStorage(toFloat32(result, sizeOf(shape)), null);
    }
    return { shape: shape.slice(), dtype: 'float32', handle: { backend: this.name, storage } as GpuHandle };
  }

  /** An index expression made safe for an array of `length` values where the mode needs it: webasm
   * evaluates both sides of a ternary, so a guarded read must still be in bounds there. GL reads out of
   * range are harmless (and GLSL ES 1.00 has no integer `min`), cpu-mode reads yield an unused undefined. */
  clampIndex(index: string, length: number): string {
    return this.activeMode === 'webasm' ? `Math.min(Math.max(${index}, 0), ${length - 1})` : index;
  }

  /** Free an intermediate kernel result that no tensor holds (a packed matmul operand). */
  free(result: unknown): void {
    if (this.isGL && isTexture(result)) { try { result.delete(); } catch { /* ignore */ } }
  }

  /**
   * The compiled kernel for a source and settings, compiled on first use (precision `single`,
   * pipeline mode, immutable outputs). The source bakes in every shape, so it is the cache key.
   */
  program(source: string, output: number[], settings: Record<string, unknown> = {}): GpuJsKernel {
    const key = `${source}\n${output.join('x')}\n${String(settings.returnType ?? 'Number')}`;
    let k = this.programs.get(key);
    if (!k) {
      k = this.gpu.createKernel(source, {
        output, precision: 'single', tactic: 'precision', pipeline: true, immutable: true, ...settings,
      });
      this.programs.set(key, k);
    }
    return k;
  }

  /** Run `kernelName`'s CPU kernel on these gpu tensors and keep the results (host-side) on this backend. */
  runOnCpu(kernelName: string, args: KernelArgs): TensorInfo {
    const config = getKernel(kernelName, 'cpu');
    if (!config) throw new KernelNotFoundError(`gpu backend: kernel '${kernelName}' cannot run on gpu.js here and has no CPU kernel either`);
    const inputs: Record<string, TensorInfo> = {};
    for (const k in args.inputs) {
      const t = args.inputs[k]!;
      // CPU kernels never write into their inputs (a CPU Reshape output may alias its input, which is fine:
      // storages are immutable here)
      inputs[k] = { shape: t.shape, dtype: t.dtype, handle: cpuBackend.write(this.hostValues(t.handle, t.shape), t.shape, t.dtype) };
    }
    const result = config.kernelFunc({ inputs, attrs: args.attrs, backend: cpuBackend });
    const out = Array.isArray(result) ? result[0]! : result;
    return { shape: out.shape, dtype: out.dtype, handle: this.write(cpuBackend.read(out.handle, out.shape, out.dtype)) };
  }

  /** Release every compiled kernel and the GPU instance; the backend can not be used afterwards.
   * @example
   * ```ts
   * backend.destroy();
   * ```
   */
  destroy(): void {
    this.release();
    this.state = 'failed';
    this.failure ??= 'destroyed';
  }
}

/** Why a mode cannot run here, or null when it can.
 * @example
 * ```ts
 * modeProblem(loadGpuJs(), 'headlessgl'); // null, or e.g. 'headless-gl could not create a GL context …'
 * ```
 */
export function modeProblem(mod: GpuJsModule, mode: GpuMode): string | null {
  if (!GPU_MODES.includes(mode)) return `unknown mode '${String(mode)}' (expected one of ${GPU_MODES.join(', ')})`;
  if (mode === 'headlessgl') {
    let ok = false;
    try { ok = mod.GPU.isHeadlessGLSupported; } catch { ok = false; }
    if (!ok) {
      const display = typeof process !== 'undefined' ? process.env.DISPLAY : undefined;
      return display
        ? `headless-gl could not create a GL context on DISPLAY=${display} (gl not built, or no GLX)`
        : 'headless-gl could not create a GL context (no X display: run under xvfb-run, or gl is not built)';
    }
    return null;
  }
  if (mode === 'webasm') return mod.GPU.isWebAssemblySupported ? null : 'WebAssembly is not supported';
  return null;
}

/** The automatic mode: headlessgl when a context can be created, else webasm, else cpu.
 * @example
 * ```ts
 * chooseMode(loadGpuJs()); // 'headlessgl' on a machine with GL, else 'webasm' or 'cpu'
 * ```
 */
export function chooseMode(mod: GpuJsModule): GpuMode {
  for (const m of GPU_MODES) if (!modeProblem(mod, m)) return m;
  return 'cpu';
}

