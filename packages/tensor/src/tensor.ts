import ndarray from 'ndarray';
import { findBackend, type DataHandle, type TensorInfo } from './backend.js';
import { DisposedError, ShapeError, ValueError } from './errors.js';
import { releaseTensor, trackTensor } from './memory_scope.js';
import { formatShape, sizeOf } from './shape.js';
import type { DType, NestedArray, Shape, TypedArray } from './types.js';
import { arrayType } from './types.js';

/** How a tensor was computed: the kernel call that produced it, kept for backpropagation.
 * @example
 * ```ts
 * mul(x, y).node?.kernelName; // 'Mul' when x or y requires grad
 * ```
 */
export interface GraphNode {
  /** The kernel that produced the tensor. */
  readonly kernelName: string;
  /** Its inputs by name. */
  readonly inputs: Record<string, Tensor>;
  /** Its attributes. */
  readonly attrs: Record<string, unknown>;
  /** Set by `backward()` unless `retainGraph`: a second backward through this node is an error. */
  freed: boolean;
  /** The {@link Tensor.version} of each input (in `inputs` order) and then of the output when the
   * call was recorded; null when all were 0 (the common case, kept allocation-free). `backward()`
   * compares them with the current versions to detect in-place writes. */
  readonly versions: readonly number[] | null;
}

/** A storage's version counter, shared by every tensor that aliases the storage. */
interface VersionCounter {
  value: number;
}

let nextTensorId = 0;

/**
 * An n-dimensional array of float32 or float64 values with reverse-mode autodiff.
 *
 * Tensors are immutable as far as ops are concerned: every op returns a new tensor. The one
 * in-place write is {@link Tensor.assign}, which the optimizers' `applyUpdates` and state loading use.
 * Arithmetic methods (`x.add(y)`, `x.matmul(w)`, …) are the same functions as the free ops.
 *
 * @example
 * ```ts
 * import { tensor } from '@descent/tensor';
 * const x = tensor([[1, 2], [3, 4]]).requireGrad();
 * const loss = x.mul(x).sum();
 * loss.backward();
 * x.grad!.toArray(); // [[2, 4], [6, 8]]
 * ```
 */
export class Tensor implements TensorInfo {
  /** A process-unique id (creation order). */
  readonly id: number;
  /** Size of each axis. */
  readonly shape: number[];
  /** Element type. */
  readonly dtype: DType;
  /** Number of elements. */
  readonly size: number;
  /** Storage on a backend. Backends and kernels read it; user code should not. */
  handle: DataHandle;
  /** Whether gradients flow to this tensor. Set on leaves with {@link Tensor.requireGrad}. */
  requiresGrad = false;
  private storedGrad: Tensor | null = null;
  /** The kernel call that produced this tensor, when it is part of a graph being differentiated. */
  node: GraphNode | null = null;
  /** Shared with the tensors aliasing this storage; created on first need (version 0 until then). */
  private versionCounter: VersionCounter | null = null;
  /** Set by `keep()`. */
  private keptByUser = false;
  /** How many tensors hold this one as their `.grad`. */
  private gradHolders = 0;
  private disposed = false;

  /** Low-level constructor; use `tensor()`, `zeros()`… instead. `aliasOf`: a tensor whose storage this
   * one shares (a view), so that both count the same in-place writes. */
  constructor(handle: DataHandle, shape: Shape, dtype: DType, aliasOf?: Tensor) {
    if (aliasOf !== undefined) this.versionCounter = aliasOf.sharedVersionCounter();
    this.id = nextTensorId++;
    this.handle = handle;
    this.shape = shape.slice();
    this.dtype = dtype;
    this.size = sizeOf(shape);
    trackTensor(this);
  }

  /** Accumulated gradient of a leaf after `backward()`; null before. A tensor stored here is kept
   * (no `tidy` scope disposes it) while it is stored; the one it replaces is no longer kept, so the
   * scope that created it disposes it when it ends.
   * @example
   * ```ts
   * backward(w.mul(w).sum());
   * w.grad; // 2w
   * ```
   */
  get grad(): Tensor | null {
    return this.storedGrad;
  }

  /** Store a gradient (kept while stored) or clear it with null; the one replaced is no longer kept
   * on this tensor's account (still kept if `keep()` was called on it or another tensor stores it).
   * @example
   * ```ts
   * w.grad = zeros(w.shape); // what an optimizer that reads .grad will see
   * ```
   */
  set grad(g: Tensor | null) {
    const old = this.storedGrad;
    if (old === g) return;
    if (old !== null) old.gradHolders--;
    if (g !== null) g.gradHolders++;
    this.storedGrad = g;
  }

  /** Whether no enclosing `tidy` scope disposes this tensor: `keep()` was called on it, or it is
   * stored as some tensor's `.grad` (until replaced there).
   * @example
   * ```ts
   * tidy(() => { const t = keep(zeros([2])); t.kept; }); // true
   * ```
   */
  get kept(): boolean {
    return this.keptByUser || this.gradHolders > 0;
  }

  /** Mark this tensor kept for good; what {@link keep} calls.
   * @example
   * ```ts
   * t.markKept(); // as keep(t)
   * ```
   */
  markKept(): void {
    this.keptByUser = true;
  }

  /** Whether {@link Tensor.dispose} was called (directly or by the end of a `tidy` scope).
   * @example
   * ```ts
   * const t = zeros([2]); t.dispose(); t.isDisposed; // true
   * ```
   */
  get isDisposed(): boolean {
    return this.disposed;
  }

  /** Release the tensor: reading it or passing it to an op afterwards throws a DisposedError. Inside
   * a `tidy` scope a tensor in the tensor heap gives its memory back at once (when no other live
   * tensor shares it), for the next tensor of its size; elsewhere the garbage collector frees the
   * storage as before. Arrays obtained from {@link Tensor.buffer} must not be used after it.
   * Calling it twice does nothing.
   * @example
   * ```ts
   * tidy(() => { for (let i = 0; i < 100; i++) add(a, b).dispose(); });
   * ```
   */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    releaseTensor(this);
  }

  /** Throw a DisposedError naming `op` when this tensor was disposed.
   * @example
   * ```ts
   * x.assertLive('add'); // ok unless x.dispose() was called
   * ```
   */
  assertLive(op: string): void {
    if (this.disposed) {
      throw new DisposedError(`${op}: the tensor ${formatShape(this.shape)} ${this.dtype} was disposed (by dispose() or at the end of the tidy scope that created it); return it from the scope or keep() it to use it afterwards`);
    }
  }

  /** How many times this tensor's storage was written in place (PyTorch's `_version`): 0 for a new
   * tensor, increased by {@link Tensor.assign}, optimizer steps and {@link Tensor.bumpVersion}, and
   * shared with every tensor aliasing the storage ({@link Tensor.detach}, reshaped views). `backward()`
   * checks that the tensors it saved still have the version they had in the forward pass.
   * @example
   * ```ts
   * const w = zeros([2]);
   * w.assign([1, 2]);
   * w.version; // 1
   * ```
   */
  get version(): number {
    return this.versionCounter === null ? 0 : this.versionCounter.value;
  }

  /** Record an in-place write into this tensor's storage. {@link Tensor.assign} does it; code that
   * writes into the live {@link Tensor.buffer} itself (an optimizer's fused update) calls it after the
   * write, so that a backward pass through a graph that used the old values fails instead of computing
   * a wrong gradient.
   * @example
   * ```ts
   * const buf = w.buffer(); buf[0] = 1; w.bumpVersion();
   * ```
   */
  bumpVersion(): void {
    this.sharedVersionCounter().value++;
  }

  private sharedVersionCounter(): VersionCounter {
    return (this.versionCounter ??= { value: 0 });
  }

  /** Number of axes.
   * @example
   * ```ts
   * zeros([2, 3]).rank; // 2
   * ```
   */
  get rank(): number {
    return this.shape.length;
  }

  /** Whether this tensor is a leaf (not produced by a recorded op).
   * @example
   * ```ts
   * tensor([1]).isLeaf; // true
   * ```
   */
  get isLeaf(): boolean {
    return this.node === null;
  }

  /** The storage as a contiguous typed array. On the CPU backend this is the live storage — do
   * not mutate it unless you own the tensor (optimizers use {@link Tensor.assign}); on other
   * backends it is a copy read back from the device.
   * @example
   * ```ts
   * tensor([1, 2]).buffer(); // Float32Array [1, 2]
   * ```
   */
  buffer(): TypedArray {
    if (this.disposed) this.assertLive('buffer');
    return findBackend(this.handle.backend).read(this.handle, this.shape, this.dtype);
  }

  /** A copy of the values as a contiguous typed array.
   * @example
   * ```ts
   * tensor([1, 2]).data(); // Float32Array [1, 2]
   * ```
   */
  data(): TypedArray {
    return this.buffer().slice();
  }

  /** An `ndarray` view of the values (live storage on the CPU backend).
   * @example
   * ```ts
   * tensor([[1, 2], [3, 4]]).values.get(1, 0); // 3
   * ```
   */
  get values(): ndarray.NdArray<TypedArray> {
    return ndarray(this.buffer(), this.shape);
  }

  /** The values as nested JavaScript arrays (a number for a scalar).
   * @example
   * ```ts
   * tensor([[1, 2]]).toArray(); // [[1, 2]]
   * ```
   */
  toArray(): NestedArray {
    if (this.disposed) this.assertLive('toArray');
    const data = this.buffer();
    if (this.rank === 0) return data[0]!;
    const build = (axis: number, offset: number, stride: number): NestedArray[] => {
      const n = this.shape[axis]!;
      const inner = stride / Math.max(n, 1);
      const out: NestedArray[] = new Array(n);
      for (let i = 0; i < n; i++) {
        out[i] = axis === this.rank - 1 ? data[offset + i]! : build(axis + 1, offset + i * inner, inner);
      }
      return out;
    };
    return build(0, 0, this.size);
  }

  /** The single value of a one-element tensor.
   * @throws ShapeError when the tensor has more than one element.
   * @example
   * ```ts
   * tensor([[3]]).item(); // 3
   * ```
   */
  item(): number {
    if (this.size !== 1) throw new ShapeError(`item: the tensor must have exactly one element, but has shape ${formatShape(this.shape)}`);
    return this.buffer()[0]!;
  }

  /** Mark a leaf tensor as requiring gradients (or not). Returns the tensor.
   * @throws ValueError on a non-leaf.
   * @example
   * ```ts
   * const w = zeros([3]).requireGrad();
   * ```
   */
  requireGrad(flag = true): this {
    if (!this.isLeaf) throw new ValueError('requireGrad: only leaf tensors can be marked; use detach() to start a new leaf');
    this.requiresGrad = flag;
    return this;
  }

  /** A tensor sharing this one's storage, cut from the graph (no gradient flows through it).
   * @example
   * ```ts
   * const frozen = w.detach();
   * ```
   */
  detach(): Tensor {
    return new Tensor(this.handle, this.shape, this.dtype, this);
  }

  /** Overwrite the values in place (same shape and dtype) and increase {@link Tensor.version}; a
   * backward pass through a graph recorded before the write then fails with a SavedTensorModifiedError.
   * The one in-place write in descent: `applyUpdates`, state loading and initialisers use it.
   * @throws ShapeError when the number of values differs; ValueError when `values` is not a Tensor or an array.
   * @example
   * ```ts
   * w.assign(new Float32Array([1, 2, 3]));
   * ```
   */
  assign(values: Tensor | ArrayLike<number>): void {
    if (this.disposed) this.assertLive('assign');
    if (!(values instanceof Tensor) && (values === null || typeof values !== 'object' || typeof (values as ArrayLike<number>).length !== 'number')) {
      throw new ValueError(`assign: values must be a Tensor or an array of ${this.size} numbers, but got ${values === null ? 'null' : typeof values}`);
    }
    const src = values instanceof Tensor ? values.buffer() : values;
    if (values instanceof Tensor && !(values.size === this.size && values.shape.length === this.shape.length && values.shape.every((d, i) => d === this.shape[i]))) {
      throw new ShapeError(`assign: values of shape ${formatShape(values.shape)} do not fit a tensor of shape ${formatShape(this.shape)}`);
    }
    if (src.length !== this.size) {
      throw new ShapeError(`assign: expected ${this.size} values for shape ${formatShape(this.shape)}, but got ${src.length}`);
    }
    const backend = findBackend(this.handle.backend);
    if (this.handle.backend === 'cpu') {
      (backend.read(this.handle, this.shape, this.dtype) as TypedArray).set(src);
    } else {
      const copy = new (arrayType(this.dtype))(this.size);
      copy.set(src);
      this.handle = backend.write(copy, this.shape, this.dtype);
    }
    this.bumpVersion();
  }

  /** Clear the accumulated gradient.
   * @example
   * ```ts
   * w.zeroGrad();
   * ```
   */
  zeroGrad(): void {
    this.grad = null;
  }

  /** A short description: shape, dtype and (small tensors) values.
   * @example
   * ```ts
   * String(tensor([1, 2])); // 'Tensor(float32, [2]) [1,2]'
   * ```
   */
  toString(): string {
    const head = `Tensor(${this.dtype}, ${formatShape(this.shape)})`;
    return this.size <= 64 ? `${head} ${JSON.stringify(this.toArray())}` : head;
  }
}

/** Mark a tensor so that no enclosing `tidy` scope disposes it; returns it. Outside scopes it does
 * nothing.
 * @example
 * ```ts
 * let saved: Tensor | null = null;
 * tidy(() => { saved = keep(mul(x, 2)); });
 * ```
 */
export function keep<T extends Tensor>(t: T): T {
  t.markKept();
  return t;
}
