import ndarray from 'ndarray';
import type { Backend, DataHandle, TensorInfo } from '../../backend.js';
import type { DType, Shape, TypedArray } from '../../types.js';
import { allocateTensorStorage } from '../../memory_scope.js';
import {
  matmulFmaInUse, matmulKernelInUse, matmulThreadsInUse, matmulThreadStats, setMatmulFma, setMatmulKernel, setMatmulThreads, stopMatmulThreads,
  type MatmulKernel,
} from './matmul.js';
import type { MatmulThreadStats } from './wasm/gemm_simd.js';

/** CPU storage: a contiguous row-major `ndarray` view over a typed array.
 * @example
 * ```ts
 * (t.handle as CpuHandle).array.get(0, 1);
 * ```
 */
export interface CpuHandle extends DataHandle {
  /** Always 'cpu'. */
  readonly backend: 'cpu';
  /** The contiguous row-major view. */
  readonly array: ndarray.NdArray<TypedArray>;
}

/** The CPU backend's extra controls (see {@link cpuBackend}).
 * @example
 * ```ts
 * const b: CpuBackend = cpuBackend;
 * ```
 */
export interface CpuBackend extends Backend {
  /** Choose the matmul kernel: `'auto'` (default: WebAssembly SIMD where available), `'js'` (the
   * pure-TypeScript reference), `'wasm'`. float64 results are bitwise identical; float32 ones agree
   * within float32 rounding (the SIMD kernel sums in float32). Returns the previous choice. The
   * environment variable `DESCENT_CPU_MATMUL=js` selects the reference at startup. */
  setMatmulKernel(kernel: MatmulKernel): MatmulKernel;
  /** Fused multiply-adds (relaxed SIMD) in float32 matmul where the runtime has them; off by default
   * so that results do not depend on the CPU. Returns the previous setting; `DESCENT_CPU_FMA=1` at startup. */
  setMatmulFma(on: boolean): boolean;
  /** Threads for large matmul products (from `minWork` multiply-adds on, default 2^21, with at least 64
   * rows and columns in the output; `minWork` 0: every product) and for
   * elementwise ops of at least 2^18 elements on tensors in the tensor heap (inside memory scopes): the
   * calling thread plus `threads − 1` worker threads; results are bitwise identical to one thread's.
   * Default: `DESCENT_THREADS`, else `os.availableParallelism()` (at most 16); 1 turns threading off.
   * Returns the previous count. */
  setMatmulThreads(threads: number, minWork?: number): number;
  /** Stop the worker threads (the next large product or elementwise op starts them again); resolves
   * once they have exited. Never needed for a process to exit. */
  stopMatmulThreads(): Promise<void>;
  /** The worker pool's counters (matmul's and elementwise ops' chunks), or null while it is not running. */
  matmulThreadStats(): MatmulThreadStats | null;
}

/**
 * The CPU backend: always registered, priority 1. Tensors live in `ndarray` views over
 * Float32Array/Float64Array; kernels are plain loops (or `ndarray-ops` for strided copies), except
 * matmul, which runs a WebAssembly SIMD micro-kernel where available (assembled from TypeScript at
 * load time, no build step) with the pure-TS kernel as reference and fallback.
 *
 * @example
 * ```ts
 * cpuBackend.read(t.handle, t.shape, t.dtype); // the live typed array
 * cpuBackend.setMatmulKernel('js');            // the pure-TS reference kernel
 * ```
 */
export const cpuBackend: CpuBackend = {
  name: 'cpu',
  priority: 1,
  write(values: TypedArray, shape: Shape): CpuHandle {
    return { backend: 'cpu', array: ndarray(values, shape.slice()) };
  },
  read(handle: DataHandle): TypedArray {
    return (handle as CpuHandle).array.data;
  },
  info() {
    return { name: 'cpu', mode: 'js', matmul: matmulKernelInUse(), matmulFma: matmulFmaInUse(), matmulThreads: matmulThreadsInUse() };
  },
  setMatmulKernel,
  setMatmulFma,
  setMatmulThreads,
  stopMatmulThreads,
  matmulThreadStats,
};

const envKernel = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.DESCENT_CPU_MATMUL;
if (envKernel === 'js' || envKernel === 'wasm' || envKernel === 'auto') setMatmulKernel(envKernel);
if ((globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.DESCENT_CPU_FMA === '1') setMatmulFma(true);

/** The typed array of a CPU tensor.
 * @example
 * ```ts
 * const x = valuesOf(inputs.x);
 * ```
 */
export function valuesOf(info: TensorInfo): TypedArray {
  return (info.handle as CpuHandle).array.data;
}

/** The ndarray view of a CPU tensor.
 * @example
 * ```ts
 * ops.assign(out, viewOf(inputs.x).transpose(1, 0));
 * ```
 */
export function viewOf(info: TensorInfo): ndarray.NdArray<TypedArray> {
  return (info.handle as CpuHandle).array;
}

/** Wrap a freshly computed typed array as a kernel output.
 * @example
 * ```ts
 * return output(out, [2, 3], 'float32');
 * ```
 */
export function output(values: TypedArray, shape: Shape, dtype: DType): TensorInfo {
  return { shape: shape.slice(), dtype, handle: cpuBackend.write(values, shape, dtype) };
}

/** Allocate a zero-filled output of a shape and dtype, returning both the array and its info.
 * `zeroed: false` for a kernel that writes every element (inside a memory scope the storage may be
 * a reused heap block).
 * @example
 * ```ts
 * const [out, info] = newOutput([2, 2], 'float64');
 * ```
 */
export function newOutput(shape: Shape, dtype: DType, zeroed = true): [TypedArray, TensorInfo] {
  let n = 1;
  for (const d of shape) n *= d;
  const values = allocateTensorStorage(dtype, n, 'allocate', zeroed);
  return [values, output(values, shape, dtype)];
}
