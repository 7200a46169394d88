/**
 * Tensor storage: the size limit every creation path checks, and the one allocation function.
 * @module
 */
import { SizeLimitError } from './errors.js';
import type { DType, TypedArray } from './types.js';
import { HEAP_MIN_ELEMENTS, heapAllocateLasting } from './heap.js';

/** The most elements a tensor may hold: the typed-array length limit of V8 in Node 20 (2³²). Newer
 * runtimes allow longer arrays; descent keeps this one bound so that a size accepted on one machine is
 * accepted on all.
 * @example
 * ```ts
 * MAX_ELEMENTS; // 4294967296
 * ```
 */
export const MAX_ELEMENTS = 2 ** 32;

/** Check a number of elements against {@link MAX_ELEMENTS}: the one size check of every creation path
 * (shapes given by users, `arange`, every allocation).
 * @throws SizeLimitError naming the op, what was asked for and the limit.
 * @example
 * ```ts
 * checkSize(6, 'zeros', 'shape [2,3]'); // ok
 * checkSize(1e12, 'zeros', 'shape [1000000,1000000]'); // SizeLimitError
 * ```
 */
export function checkSize(size: number, op: string, what = 'the tensor'): void {
  if (!(size <= MAX_ELEMENTS)) {
    throw new SizeLimitError(`${op}: ${what} has ${size} elements, more than a tensor can hold (${MAX_ELEMENTS}, the typed-array length limit)`);
  }
}

/** Allocate a zero-filled typed array for a dtype; `op` names the caller in errors.
 * @throws SizeLimitError when `size` is past {@link MAX_ELEMENTS} or the memory cannot be allocated.
 * @example
 * ```ts
 * allocate('float32', 4); // Float32Array(4)
 * ```
 */
export function allocate(dtype: DType, size: number, op = 'allocate'): TypedArray {
  checkSize(size, op);
  try {
    return dtype === 'float64' ? new Float64Array(size) : new Float32Array(size);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    const bytes = size * (dtype === 'float64' ? 8 : 4);
    throw new SizeLimitError(`${op}: could not allocate ${size} ${dtype} values (${(bytes / 2 ** 30).toFixed(1)} GiB): ${e.message}`);
  }
}

/** A zero-filled typed array for long-lived per-parameter data with one owner (an optimizer's
 * moments): in the tensor heap from {@link HEAP_MIN_ELEMENTS} elements on while it has room, where the
 * CPU backend's elementwise kernels update it in place instead of copying it in and out at every step;
 * else an ordinary array. A heap array's block is freed when the array is garbage-collected, so keep
 * no other view of it (`subarray`) beyond it; `slice()` makes an ordinary copy.
 * @throws SizeLimitError as {@link allocate} does.
 * @example
 * ```ts
 * const m = allocateLasting('float32', 200704); // Float32Array (in the heap where it fits)
 * ```
 */
export function allocateLasting(dtype: DType, size: number, op = 'allocateLasting'): TypedArray {
  checkSize(size, op);
  return (size >= HEAP_MIN_ELEMENTS ? heapAllocateLasting(dtype, size) : null) ?? allocate(dtype, size, op);
}
