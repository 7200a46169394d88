/**
 * Memory scopes: `tidy(fn)` runs `fn` and then disposes the tensors it created, except those it
 * returns or keeps, as tfjs's `tf.tidy` does. Inside a scope, float tensors of at least
 * {@link HEAP_MIN_ELEMENTS} elements live in the tensor heap (heap.ts), where the CPU backend's SIMD
 * kernels work on them in place and a disposed tensor's block is reused at once. Outside scopes,
 * tensors are ordinary garbage-collected typed arrays and `dispose()` only marks them.
 *
 * A tensor that outlives every scope (returned from the outermost `tidy`, or kept) is moved out of
 * the heap into an ordinary array of its own, aliases of it onto one copy, so no heap block is ever
 * referenced from outside a scope.
 * @module
 */
import ndarray from 'ndarray';
import { HEAP_MIN_ELEMENTS, heapAllocate, heapBlockOf, heapBufferIfCreated, heapCountFallback, heapFree, heapRefs, heapRelease, heapRetain } from './heap.js';
import { getBackend } from './backend.js';
import { ValueError } from './errors.js';
import { allocate } from './storage.js';
import type { DType, TypedArray } from './types.js';

/** What a scope needs of a tensor (the Tensor class, without importing it: tensor.ts imports this module). */
interface ScopedTensor {
  handle: { readonly backend: string };
  readonly shape: number[];
  readonly isDisposed: boolean;
  readonly kept: boolean;
  readonly requiresGrad: boolean;
  readonly node: unknown;
  dispose(): void;
}

interface Scope {
  /** Tensors created while this scope was the innermost one (and those its inner scopes let out). */
  readonly tensors: ScopedTensor[];
  /** Heap blocks allocated in this scope (and those its inner scopes let out). */
  readonly blocks: number[];
}

const scopes: Scope[] = [];
let current: Scope | null = null;

/** Storage for a new tensor: in the heap inside a memory scope (float tensors of at least
 * {@link HEAP_MIN_ELEMENTS} elements, on the CPU backend, while the heap has room), else an ordinary typed array.
 * `zeroed: false` for a kernel that writes every element.
 * @throws SizeLimitError as `allocate` does.
 * @example
 * ```ts
 * const values = allocateTensorStorage('float32', 1 << 20, 'add', false);
 * ```
 */
export function allocateTensorStorage(dtype: DType, size: number, op: string, zeroed = true): TypedArray {
  // only while the CPU backend is active: another backend may keep the array it is given as its
  // host copy, where a freed block would change under it
  if (current !== null && size >= HEAP_MIN_ELEMENTS && getBackend().name === 'cpu') {
    const values = heapAllocate(dtype, size, zeroed);
    if (values !== null) {
      current.blocks.push(values.byteOffset);
      return values;
    }
    if (heapBufferIfCreated() !== null) heapCountFallback();
  }
  return allocate(dtype, size, op);
}

/** The heap block holding a tensor's storage, or -1. */
function blockOf(t: ScopedTensor): number {
  if (heapBufferIfCreated() === null || t.handle.backend !== 'cpu') return -1;
  return heapBlockOf((t.handle as unknown as { array: ndarray.NdArray<TypedArray> }).array.data);
}

/** Called by the Tensor constructor: a tensor created inside a scope belongs to it. */
export function trackTensor(t: ScopedTensor): void {
  if (current === null) return;
  current.tensors.push(t);
  const block = blockOf(t);
  if (block >= 0) heapRetain(block);
}

/** Called by `Tensor.dispose()`: one live tensor fewer on its heap block (freed at none). */
export function releaseTensor(t: ScopedTensor): void {
  const block = blockOf(t);
  if (block >= 0) heapRelease(block, true);
}

/** Whether a memory scope is active.
 * @example
 * ```ts
 * tidy(() => inMemoryScope()); // true
 * ```
 */
export function inMemoryScope(): boolean {
  return current !== null;
}

/**
 * Run `fn`, then dispose every tensor it created except: the tensors in its result (a tensor, or
 * tensors in arrays and plain objects, at any depth), tensors passed to {@link keep}, leaves that
 * require grad (parameters) and gradients stored in `.grad`. Scopes nest; what an inner scope lets
 * out belongs to the outer one. A disposed tensor cannot be read or used by an op (DisposedError),
 * so a backward pass through a graph recorded inside the scope must run inside it too.
 *
 * Inside a scope, float tensors of at least 4096 elements live in the tensor heap (see
 * `DESCENT_HEAP_MB`), where add, mul, relu and exp run in place and a disposed tensor's memory is
 * reused by the next one. If `fn` throws, the scope's tensors are disposed under the same rules and
 * the error propagates. `fn` must be synchronous: a returned Promise is a ValueError.
 * @example
 * ```ts
 * const y = tidy(() => relu(add(x, b)).sum()); // the sum is returned; the intermediates are disposed
 * for (let i = 0; i < 1000; i++) tidy(() => { add(a, b).dispose(); }); // one heap block, reused
 * ```
 */
export function tidy<T>(fn: () => T): T {
  if (typeof fn !== 'function') throw new ValueError(`tidy: fn must be a function, but got ${fn === null ? 'null' : typeof fn}`);
  const scope: Scope = { tensors: [], blocks: [] };
  scopes.push(scope);
  current = scope;
  let escaping: ReadonlySet<ScopedTensor> = NO_TENSORS;
  try {
    const result = fn();
    if (isThenable(result)) {
      throw new ValueError('tidy: fn must be synchronous, but it returned a Promise (an async function\'s tensors would be created after the scope ended); await outside tidy and call tidy inside each synchronous part');
    }
    escaping = tensorsIn(result);
    return result;
  } finally {
    // on a throw nothing escapes: the scope's tensors are disposed under the same rules
    endScope(scope, escaping);
  }
}

function isThenable(v: unknown): boolean {
  return (typeof v === 'object' || typeof v === 'function') && v !== null && typeof (v as { then?: unknown }).then === 'function';
}

function isTensorLike(v: unknown): v is ScopedTensor {
  return typeof v === 'object' && v !== null && typeof (v as ScopedTensor).dispose === 'function' && Array.isArray((v as ScopedTensor).shape) && 'handle' in (v as object);
}

/** The tensors in a result: itself, or inside arrays, Maps, Sets and plain objects. */
function tensorsIn(result: unknown): ReadonlySet<ScopedTensor> {
  if (typeof result !== 'object' || result === null) return NO_TENSORS; // a scope that returns nothing (the common case)
  const found = new Set<ScopedTensor>();
  walkTensors(result, found, new Set<unknown>());
  return found;
}

const NO_TENSORS: ReadonlySet<ScopedTensor> = new Set();

function walkTensors(v: unknown, found: Set<ScopedTensor>, seen: Set<unknown>): void {
  if (typeof v !== 'object' || v === null || seen.has(v)) return;
  seen.add(v);
  if (isTensorLike(v)) { found.add(v); return; }
  if (Array.isArray(v) || v instanceof Set) { for (const x of v) walkTensors(x, found, seen); return; }
  if (v instanceof Map) { for (const [k, x] of v) { walkTensors(k, found, seen); walkTensors(x, found, seen); } return; }
  const proto = Object.getPrototypeOf(v);
  if (proto === Object.prototype || proto === null) for (const x of Object.values(v)) walkTensors(x, found, seen);
}

function endScope(scope: Scope, escaping: ReadonlySet<ScopedTensor>): void {
  scopes.pop();
  current = scopes.length > 0 ? scopes[scopes.length - 1]! : null;
  const parent = current;
  const copies = new Map<number, TypedArray>();
  for (const t of scope.tensors) {
    if (t.isDisposed) continue;
    const escapes = escaping.has(t) || t.kept || (t.requiresGrad && t.node === null);
    if (!escapes) { t.dispose(); continue; }
    if (parent !== null) { parent.tensors.push(t); continue; }
    // Out of the last scope: onto an ordinary array, one copy per block so aliases stay aliases.
    const block = blockOf(t);
    if (block < 0) continue;
    const view = (t.handle as unknown as { array: ndarray.NdArray<TypedArray> }).array;
    let copy = copies.get(block);
    if (copy === undefined) copies.set(block, (copy = view.data.slice()));
    t.handle = { backend: 'cpu', array: ndarray(copy, view.shape.slice(), view.stride.slice(), view.offset) } as typeof t.handle;
    heapRelease(block, false);
  }
  for (const block of scope.blocks) {
    if (heapRefs(block) === 0) heapFree(block);
    else parent?.blocks.push(block);
  }
}
