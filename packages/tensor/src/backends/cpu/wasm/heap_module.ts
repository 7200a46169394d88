// The CPU backend's WebAssembly loops that run on tensors where they lie, in the tensor heap
// (heap.ts): each is a module of functions over the heap's memory, built and instantiated on first use.
import { ModuleBuilder } from './assembler.js';
import { heapBufferIfCreated, heapMemory, heapSharedPages } from '../../../heap.js';
import type { TypedArray } from '../../../types.js';

/**
 * A module over the tensor heap's memory, built by `build` on the first call of the returned function,
 * which then returns its exports; null (for good) where WebAssembly, the heap or a feature the module
 * uses is missing.
 * @example
 * ```ts
 * const kernels = heapModule<{ run: (x: number) => void }>((m) => { m.func('run', [I32]); });
 * kernels()?.run(values.byteOffset);
 * ```
 */
export function heapModule<T>(build: (m: ModuleBuilder) => void): () => T | null {
  let exports: T | null | undefined;
  return () => {
    if (exports !== undefined) return exports;
    exports = null;
    try {
      const memory = heapMemory();
      if (memory === null) return null;
      const m = new ModuleBuilder(heapSharedPages());
      build(m);
      const bytes = m.encode();
      if (!WebAssembly.validate(bytes)) return null;
      exports = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports as T;
    } catch {
      exports = null;
    }
    return exports;
  };
}

/** The loops compare addresses and offsets as signed 32-bit integers, so the arrays they address end below 2 GiB. */
const SIGNED_ADDRESS_LIMIT = 2 ** 31;

/**
 * Whether every array is a float32 or float64 view into the tensor heap, all of one dtype, ending
 * below 2 GiB (a heap of `DESCENT_HEAP_MB` > 2048 can hold more): the arrays a heap module can address
 * by their byte offsets.
 * @example
 * ```ts
 * floatViewsInHeap([new Float32Array(4)]); // false: an ordinary array
 * ```
 */
export function floatViewsInHeap(arrays: readonly TypedArray[]): boolean {
  const heap = heapBufferIfCreated();
  if (heap === null || arrays.length === 0) return false;
  const type = arrays[0]!.constructor;
  return (type === Float32Array || type === Float64Array)
    && arrays.every((a) => a.buffer === heap && a.constructor === type && a.byteOffset + a.byteLength <= SIGNED_ADDRESS_LIMIT);
}
