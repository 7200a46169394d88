import { BackendError, RegistryError } from './errors.js';
import { checkOptions } from './options.js';
import type { DType, Shape, TypedArray } from './types.js';

/** An opaque reference to a tensor's storage on a backend. Only the owning backend looks inside.
 * @example
 * ```ts
 * const h: DataHandle = getBackend().write(new Float32Array([1]), [1], 'float32');
 * ```
 */
export interface DataHandle {
  /** Name of the backend that owns this storage. */
  readonly backend: string;
}

/** What a kernel sees of a tensor: shape, dtype and storage.
 * @example
 * ```ts
 * const info: TensorInfo = { shape: [2], dtype: 'float32', handle };
 * ```
 */
export interface TensorInfo {
  /** Size of each axis. */
  readonly shape: Shape;
  /** Element type. */
  readonly dtype: DType;
  /** Storage on the backend that runs the kernel. */
  readonly handle: DataHandle;
}

/**
 * A place where tensor data lives and kernels run. The CPU backend is always registered; others
 * (gpu.js) register themselves when imported. A backend only stores data; the arithmetic is in
 * kernels registered for it (see `registerKernel`).
 *
 * @example
 * ```ts
 * registerBackend({ name: 'mine', priority: 0, write: …, read: … });
 * ```
 */
export interface Backend {
  /** Unique name, the key of its kernels in the kernel registry. */
  readonly name: string;
  /** Higher wins when choosing a default. The CPU backend has priority 1. */
  readonly priority: number;
  /** Store contiguous row-major values; the backend may keep `values` itself (callers pass a fresh array). */
  write(values: TypedArray, shape: Shape, dtype: DType): DataHandle;
  /** Read a tensor's values as a contiguous row-major typed array. For the CPU backend this is the live storage. */
  read(handle: DataHandle, shape: Shape, dtype: DType): TypedArray;
  /** Release storage early (optional; otherwise garbage collection does it). */
  dispose?(handle: DataHandle): void;
  /** Whether the backend can run here (defaults to true). */
  isAvailable?(): boolean;
  /** Diagnostic information (mode, renderer…). */
  info?(): Record<string, unknown>;
}

const backends = new Map<string, Backend>();
let active: Backend | null = null;

/** Add a backend to the registry.
 * @throws RegistryError when the name is taken and `replace` is not set.
 * @example
 * ```ts
 * registerBackend(myBackend);
 * ```
 */
export function registerBackend(backend: Backend, options: { replace?: boolean } = {}): void {
  const { replace = false } = checkOptions(options, { replace: 'boolean' }, 'registerBackend');
  if (backends.has(backend.name) && !replace) {
    throw new RegistryError(`registerBackend: a backend named '${backend.name}' is already registered; pass { replace: true } to replace it`);
  }
  backends.set(backend.name, backend);
  if (active?.name === backend.name) active = backend;
}

/** Names of the registered backends.
 * @example
 * ```ts
 * backendNames(); // ['cpu']
 * ```
 */
export function backendNames(): string[] {
  return [...backends.keys()];
}

/** Look a backend up by name.
 * @throws RegistryError listing the registered names when unknown.
 * @example
 * ```ts
 * findBackend('cpu').name; // 'cpu'
 * ```
 */
export function findBackend(name: string): Backend {
  const b = backends.get(name);
  if (!b) throw new RegistryError(`unknown backend '${name}'. Registered: ${backendNames().join(', ') || '(none)'}`);
  return b;
}

/** The backend new tensors and kernels use: the one chosen with {@link setBackend}, else the
 * available backend of highest priority.
 * @example
 * ```ts
 * getBackend().name; // 'cpu'
 * ```
 */
export function getBackend(): Backend {
  if (active) return active;
  const candidates = [...backends.values()]
    .filter((b) => b.isAvailable?.() ?? true)
    .sort((x, y) => y.priority - x.priority);
  if (candidates.length === 0) throw new BackendError('getBackend: no backend is registered; import @descent/tensor to register the CPU backend');
  active = candidates[0]!;
  return active;
}

/** Make a registered backend the active one.
 * @throws RegistryError when unknown, BackendError when it cannot run here.
 * @example
 * ```ts
 * setBackend('cpu');
 * ```
 */
export function setBackend(name: string): void {
  const b = findBackend(name);
  if (b.isAvailable && !b.isAvailable()) throw new BackendError(`setBackend: backend '${name}' is registered but not available on this machine`);
  active = b;
}
