/**
 * What gpu kernels need from the backend that runs them. Kernels and the self-test depend on this
 * interface, not on the backend class, so the backend can import the self-test (and through it the
 * kernels) without an import cycle: backend → self-test → kernels → this file.
 * @module
 */
import type { Backend, DataHandle, TensorInfo } from '../../backend.js';
import type { KernelArgs } from '../../kernel_registry.js';
import type { Shape, TypedArray } from '../../types.js';
import type { GpuJsKernel, GpuJsTexture, GpuMode } from './gpujs.js';

/** What a gpu.js kernel takes for a tensor: a texture in GL modes, a Float32Array in the CPU-side modes.
 * @example
 * ```ts
 * const arg: GpuArg = backend.arg(tensorInfo);
 * ```
 */
export type GpuArg = GpuJsTexture | Float32Array;

/** The backend as gpu kernels see it (implemented by `GpuBackend`).
 * @example
 * ```ts
 * const backend = args.backend as GpuKernelHost;
 * if (!backend.supports(args.inputs)) return backend.runOnCpu('Add', args);
 * ```
 */
export interface GpuKernelHost extends Backend {
  /** The gpu.js mode in use. */
  readonly mode: GpuMode;
  /** Whether MatMul uses the packed 2×2-block kernels. */
  readonly packedMatmul: boolean;
  /** The host copy of a tensor's values, shared: callers must not mutate it. */
  hostValues(handle: DataHandle, shape: Shape): TypedArray;
  /** Release a tensor's storage when no other handle shares it. */
  dispose(handle: DataHandle): void;
  /** A new handle on the same storage (reshape). */
  share(handle: DataHandle): DataHandle;
  /** Whether a gpu kernel can run on these inputs. */
  supports(inputs: Record<string, TensorInfo>): boolean;
  /** Whether a result of this many elements fits a gpu kernel's output. */
  supportsOutput(size: number): boolean;
  /** A tensor as a gpu.js kernel argument. */
  arg(info: TensorInfo): GpuArg;
  /** Wrap a gpu.js kernel result as a tensor of this backend. */
  output(result: unknown, shape: Shape): TensorInfo;
  /** GLSL-safe index expression clamped to `[0, length)`. */
  clampIndex(index: string, length: number): string;
  /** Free an intermediate kernel result. */
  free(result: unknown): void;
  /** The compiled gpu.js kernel for this source and output size (cached). */
  program(source: string, output: number[], settings?: Record<string, unknown>): GpuJsKernel;
  /** Run a kernel's CPU version on this backend's tensors. */
  runOnCpu(kernelName: string, args: KernelArgs): TensorInfo;
}
