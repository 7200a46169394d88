/**
 * The tensor heap: one WebAssembly memory of fixed size that holds the large float tensors created
 * inside a memory scope (`tidy`), so that the CPU backend's SIMD kernels read and write them where
 * they are, and a block freed by `dispose()` is reused, its pages already mapped, by the next tensor
 * of its size class. This is how tfjs-wasm keeps its tensors; descent does it only inside scopes,
 * where lifetimes are explicit, and keeps garbage-collected typed arrays everywhere else.
 *
 * The memory never grows (growing a non-shared memory detaches every view of it), so a full heap
 * makes the allocation fall back to an ordinary typed array. It is a shared memory (a
 * SharedArrayBuffer) where the runtime has them, so that the CPU backend's worker threads can work on
 * the tensors in it too (large elementwise ops); else an ordinary one. Its size is `DESCENT_HEAP_MB` megabytes
 * (default 256; 0 turns the heap off), reserved when first used; only the pages tensors touch are
 * resident.
 * @module
 */
import type { DType, TypedArray } from './types.js';
import { I32, ModuleBuilder } from './backends/cpu/wasm/assembler.js';

/** Float tensors of at least this many elements created inside a memory scope live in the heap
 * (smaller ones cost more in bookkeeping than a fresh array).
 * @example
 * ```ts
 * HEAP_MIN_ELEMENTS; // 4096
 * ```
 */
export const HEAP_MIN_ELEMENTS = 4096;

/** Block alignment in bytes: also the slack that lets a SIMD loop run past the end of a view
 * (at most 12 bytes for 16-byte vectors) without touching another block. */
const ALIGN = 64;
const PAGE = 65536;
const DEFAULT_MEGABYTES = 256;

interface Block {
  /** Bytes reserved (the size class). */
  readonly bytes: number;
  /** Elements of the view handed out. */
  readonly elements: number;
  /** Live (not disposed) tensors using the block. */
  refs: number;
}

/** What the heap holds now (see {@link heapStats}).
 * @example
 * ```ts
 * const s: HeapStats = heapStats();
 * ```
 */
export interface HeapStats {
  /** Size of the heap in bytes (0 when it is off or not yet created). */
  readonly bytes: number;
  /** Blocks handed out and not yet freed. */
  readonly blocks: number;
  /** Bytes in those blocks. */
  readonly bytesInUse: number;
  /** The highest byte ever handed out: the part of the heap that has been touched. */
  readonly highWater: number;
  /** Allocations that found the heap full and used an ordinary typed array instead. */
  readonly fallbacks: number;
  /** Whether the heap is a shared memory, which the CPU backend's worker threads work on too. */
  readonly shared: boolean;
  /** Bytes in lasting blocks ({@link allocateLasting}: optimizer moments), not counted above. */
  readonly lastingBytes: number;
}

let memory: WebAssembly.Memory | null | undefined;
let heapBuffer: ArrayBufferLike | null = null;
let sharedPages: number | undefined;
let top = ALIGN; // offset 0 is never a block
let highWater = ALIGN;
let bytesInUse = 0;
let fallbacks = 0;
const blocks = new Map<number, Block>();
const freeLists = new Map<number, number[]>();
// Lasting blocks (heapAllocateLasting) come from the top of the heap downward, above `floor`, so that
// the scopes' blocks, from the bottom up, still start again from the bottom whenever none is in use.
const lasting = new Map<number, Block>();
const lastingFreeLists = new Map<number, number[]>();
let floor = 0;
let lastingTouched = Infinity; // the lowest byte a lasting block ever held: scope blocks above it may hold old values
let lastingBytes = 0;
const lastingRegistry = typeof FinalizationRegistry === 'function' ? new FinalizationRegistry<number>((offset) => freeLasting(offset)) : null;

function heapMegabytes(): number {
  const raw = typeof process === 'object' ? process.env?.DESCENT_HEAP_MB : undefined;
  const mb = raw === undefined || raw === '' ? DEFAULT_MEGABYTES : Number(raw);
  return Number.isFinite(mb) && mb > 0 ? Math.min(Math.floor(mb), 4095) : 0;
}

/** The heap's memory, created on first call; null where WebAssembly is missing, the heap is turned
 * off (`DESCENT_HEAP_MB=0`) or the memory could not be reserved.
 * @example
 * ```ts
 * heapMemory()?.buffer.byteLength; // 268435456 by default
 * ```
 */
export function heapMemory(): WebAssembly.Memory | null {
  if (memory !== undefined) return memory;
  memory = null;
  const pages = Math.floor((heapMegabytes() * 2 ** 20) / PAGE);
  if (pages === 0 || typeof WebAssembly !== 'object') return null;
  try {
    memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
    sharedPages = pages;
  } catch {
    try {
      memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
    } catch {
      memory = null;
    }
  }
  heapBuffer = memory?.buffer ?? null;
  floor = heapBuffer?.byteLength ?? 0;
  return memory;
}

/** The heap's size in 64 KiB pages when it is a shared memory (modules over it must import it as
 * shared, with this maximum); undefined when it is an ordinary memory or not created.
 * @example
 * ```ts
 * heapSharedPages(); // 4096 with the default 256 MB, on Node.js
 * ```
 */
export function heapSharedPages(): number | undefined {
  return sharedPages;
}

/** The heap's buffer, or null while the heap has not been created (the cheap test kernels use). */
export function heapBufferIfCreated(): ArrayBufferLike | null {
  return heapBuffer;
}

/** Bytes reserved for `bytes`: a multiple of ALIGN, and of an eighth of the power of two below it,
 * so that blocks of nearby sizes share a free list (at most 12.5% unused). */
function sizeClass(bytes: number): number {
  const step = Math.max(ALIGN, 2 ** Math.floor(Math.log2(bytes)) / 8);
  return Math.ceil(bytes / step) * step;
}

/** Count an allocation that found the heap full and used an ordinary array instead (a tensor's or a
 * lasting array's; a kernel's scratch block is not counted).
 * @example
 * ```ts
 * if (heapAllocate('float32', n, true) === null) heapCountFallback();
 * ```
 */
export function heapCountFallback(): void {
  fallbacks++;
}

/**
 * A typed array of `size` elements in the heap, or null when the heap is off or full. `zeroed`:
 * whether the caller needs zeros (a kernel that writes every element does not).
 * @example
 * ```ts
 * const values = heapAllocate('float32', 1 << 20, true); // Float32Array over the heap, or null
 * ```
 */
export function heapAllocate(dtype: DType, size: number, zeroed: boolean): TypedArray | null {
  if (heapMemory() === null) return null;
  const width = dtype === 'float64' ? 8 : 4;
  const bytes = sizeClass(Math.max(size * width, 1));
  let offset = freeLists.get(bytes)?.pop();
  if (offset === undefined) {
    if (top + bytes > floor) return null;
    offset = top;
    top += bytes;
  }
  // memory past the high-water mark has never been written: still the zeros the memory started with
  const dirty = offset < highWater || offset + bytes > lastingTouched;
  if (top > highWater) highWater = top;
  blocks.set(offset, { bytes, elements: size, refs: 0 });
  bytesInUse += bytes;
  const values = dtype === 'float64' ? new Float64Array(heapBuffer!, offset, size) : new Float32Array(heapBuffer!, offset, size);
  if (zeroed && dirty) heapZero(offset, size * width);
  return values;
}

let zeroFn: ((offset: number, bytes: number) => void) | null | undefined;

/**
 * Zero `bytes` bytes of the heap at byte `offset`: wasm memory.fill on a shared heap, where V8's
 * TypedArray fill takes about seven times as long as on an ordinary buffer (docs/performance.md,
 * item 19); a typed-array fill on an ordinary one.
 * @example
 * ```ts
 * heapZero(values.byteOffset, values.byteLength);
 * ```
 */
export function heapZero(offset: number, bytes: number): void {
  if (zeroFn === undefined) {
    zeroFn = null;
    try {
      if (sharedPages !== undefined) {
        const m = new ModuleBuilder(sharedPages);
        const f = m.func('zero', [I32, I32]);
        f.get(f.params[0]!).i32(0).get(f.params[1]!).memoryFill();
        zeroFn = (new WebAssembly.Instance(new WebAssembly.Module(m.encode()), { env: { memory: memory! } }).exports as { zero: (offset: number, bytes: number) => void }).zero;
      }
    } catch {
      zeroFn = null;
    }
  }
  if (zeroFn) zeroFn(offset, bytes); else new Uint8Array(heapBuffer!, offset, bytes).fill(0);
}

/** The heap block `values` is the whole view of (its byte offset), or -1 when `values` is not such a
 * view (an ordinary array, or a part of a block).
 * @example
 * ```ts
 * heapBlockOf(new Float32Array(4)); // -1
 * ```
 */
export function heapBlockOf(values: TypedArray): number {
  if (heapBuffer === null || values.buffer !== heapBuffer) return -1;
  const block = blocks.get(values.byteOffset);
  return block !== undefined && block.elements === values.length ? values.byteOffset : -1;
}

/** Count one more live tensor on a block.
 * @example
 * ```ts
 * heapRetain(heapBlockOf(values));
 * ```
 */
export function heapRetain(block: number): void {
  blocks.get(block)!.refs++;
}

/** Count one live tensor fewer on a block; frees it when none is left and `free` is set. Returns
 * the references left.
 * @example
 * ```ts
 * heapRelease(block, true);
 * ```
 */
export function heapRelease(block: number, free: boolean): number {
  const b = blocks.get(block);
  if (b === undefined) return 0;
  if (b.refs > 0) b.refs--;
  if (b.refs === 0 && free) heapFree(block);
  return b.refs;
}

/** Live tensors counted on a block (0 for a freed or unknown block).
 * @example
 * ```ts
 * heapRefs(block); // 1
 * ```
 */
export function heapRefs(block: number): number {
  return blocks.get(block)?.refs ?? 0;
}

/** Return a block to its free list; once no block is in use the heap starts again from its bottom
 * (which undoes any fragmentation).
 * @example
 * ```ts
 * heapFree(block);
 * ```
 */
export function heapFree(block: number): void {
  const b = blocks.get(block);
  if (b === undefined) return;
  blocks.delete(block);
  bytesInUse -= b.bytes;
  if (blocks.size === 0) {
    top = ALIGN;
    for (const list of freeLists.values()) list.length = 0; // emptied, kept (a scope per step would remake them)
    return;
  }
  let list = freeLists.get(b.bytes);
  if (list === undefined) freeLists.set(b.bytes, (list = []));
  list.push(block);
}

/**
 * A zero-filled typed array in the heap that outlives memory scopes and belongs to one owner (an
 * optimizer's moments, which the CPU backend's elementwise kernels then update where they lie instead
 * of copying them in and out at every step); its block is freed when the array is garbage-collected,
 * so it must not be shared by other views (`subarray`) that outlive it: copy it (`slice()`) instead.
 * Lasting blocks take at most the upper half of the heap. Null when the heap is off, that half is full,
 * the heap is not a shared memory, or the runtime has no FinalizationRegistry. Never a tensor's
 * storage: `heapBlockOf` does not report it.
 * @example
 * ```ts
 * const m = heapAllocateLasting('float32', 1 << 16) ?? new Float32Array(1 << 16);
 * ```
 */
export function heapAllocateLasting(dtype: DType, size: number): TypedArray | null {
  // only in a shared heap: a copy of a view (structuredClone) would copy a whole ordinary heap
  if (lastingRegistry === null || heapMemory() === null || sharedPages === undefined) return null;
  const width = dtype === 'float64' ? 8 : 4;
  const bytes = sizeClass(Math.max(size * width, 1));
  let offset = lastingFreeLists.get(bytes)?.pop();
  if (offset === undefined) {
    // at most half the heap: lasting blocks are freed only by the garbage collector, and memory scopes need room
    if (floor - bytes < Math.max(top, heapBuffer!.byteLength / 2)) { fallbacks++; return null; }
    offset = floor = floor - bytes;
  }
  lasting.set(offset, { bytes, elements: size, refs: 0 });
  lastingBytes += bytes;
  lastingTouched = Math.min(lastingTouched, offset);
  heapZero(offset, size * width); // an earlier lasting block's values may be there
  const values = dtype === 'float64' ? new Float64Array(heapBuffer!, offset, size) : new Float32Array(heapBuffer!, offset, size);
  lastingRegistry.register(values, offset);
  return values;
}

/** Free a lasting block (its array was garbage-collected); once none is left the region is empty again. */
function freeLasting(offset: number): void {
  const b = lasting.get(offset);
  if (b === undefined) return;
  lasting.delete(offset);
  lastingBytes -= b.bytes;
  if (lasting.size === 0) {
    floor = heapBuffer!.byteLength;
    for (const list of lastingFreeLists.values()) list.length = 0;
    return;
  }
  let list = lastingFreeLists.get(b.bytes);
  if (list === undefined) lastingFreeLists.set(b.bytes, (list = []));
  list.push(offset);
}

/** The byte offset of the heap block (a tensor's or a lasting one) that `values` is the whole view
 * of, or -1: where a kernel may run over it in place (the block's size class leaves room for the
 * last SIMD vector past its end).
 * @example
 * ```ts
 * heapWholeBlockOf(new Float32Array(4)); // -1
 * ```
 */
export function heapWholeBlockOf(values: TypedArray): number {
  if (heapBuffer === null || values.buffer !== heapBuffer) return -1;
  const block = blocks.get(values.byteOffset) ?? lasting.get(values.byteOffset);
  return block !== undefined && block.elements === values.length ? values.byteOffset : -1;
}

/** What the heap holds now.
 * @example
 * ```ts
 * heapStats().blocks; // 0 outside memory scopes
 * ```
 */
export function heapStats(): HeapStats {
  return { bytes: heapBuffer?.byteLength ?? 0, blocks: blocks.size, bytesInUse, highWater: heapBuffer === null ? 0 : highWater, fallbacks,
    shared: sharedPages !== undefined, lastingBytes };
}
