// The one compiler of the CPU backend's elementwise WebAssembly SIMD kernels: a small program
// (statements over arrays, scalars and temporaries) becomes one loop. Three lane layouts:
// 'f32-as-f64' (float32 arrays, each lane evaluates in IEEE float64 in the order written and rounds
// to float32 where the program stores into an array or says `round`, as a JS loop over
// Float32Arrays computing in doubles with `Math.fround` there does: bitwise identical to it; the
// optimizers' and plugins' programs), 'f32x4' (float32 arrays, float32 arithmetic: bitwise
// identical to a JS loop for one operation per store, as in the tensor ops add/mul/relu) and
// 'f64x2' (float64 arrays). Arrays are copied through a small, fixed wasm memory in chunks (only
// the arrays read are copied in, only those written are copied out). Where WebAssembly SIMD is
// missing, the compiler returns null.
import { F64, I32, ModuleBuilder, V128, type FunctionBuilder, type Local } from './assembler.js';
import type { TypedArray } from '../../../types.js';
import { heapAllocate, heapBufferIfCreated, heapFree, heapMemory, heapSharedPages, heapWholeBlockOf } from '../../../heap.js';
import { cpuThreadPool } from './cpu_threads.js';

/** An expression of an {@link ElementwiseProgram}: float64 arithmetic on the current element.
 * @example
 * ```ts
 * const e: ElementwiseExpr = { op: 'mul', a: { op: 'scalar', index: 0 }, b: { op: 'array', index: 1 } };
 * ```
 */
export type ElementwiseExpr =
  | {
    /** A number literal. */ readonly op: 'num';
    /** Its value. */ readonly value: number }
  | {
    /** The current element of an array, a scalar of the call, or a temporary. */ readonly op: 'array' | 'scalar' | 'temp';
    /** Which one (0-based). */ readonly index: number }
  | {
    /** A binary operation (min/max as `Math.min`/`Math.max`). */ readonly op: 'add' | 'sub' | 'mul' | 'div' | 'min' | 'max';
    /** The left operand. */ readonly a: ElementwiseExpr;
    /** The right operand. */ readonly b: ElementwiseExpr }
  | {
    /** A unary operation; `round` rounds to float32. */ readonly op: 'neg' | 'sqrt' | 'abs' | 'round';
    /** The operand. */ readonly a: ElementwiseExpr };

/** One statement of an {@link ElementwiseProgram}.
 * @example
 * ```ts
 * const s: ElementwiseStatement = { target: 'temp', index: 0, expr: { op: 'array', index: 1 } };
 * ```
 */
export interface ElementwiseStatement {
  /** Store into an array (rounded to float32) or set a float64 temporary. */
  readonly target: 'array' | 'temp';
  /** Which array or temporary. */
  readonly index: number;
  /** The value. */
  readonly expr: ElementwiseExpr;
}

/**
 * Statements run for every element i: `array k ← round(expr)` (a store, rounded to the array's
 * float32; later reads of array k see the stored value) or `temp k ← expr` (a float64 local).
 * `round` in an expression rounds to float32.
 * @example
 * ```ts
 * // a[i] ← a[i] + s0·b[i]
 * const axpy: ElementwiseProgram = { arrays: 2, scalars: 1, temps: 0, statements: [
 *   { target: 'array', index: 0, expr: { op: 'add', a: { op: 'array', index: 0 }, b: { op: 'mul', a: { op: 'scalar', index: 0 }, b: { op: 'array', index: 1 } } } },
 * ] };
 * ```
 */
export interface ElementwiseProgram {
  /** How many arrays the kernel takes (all of one length). */
  readonly arrays: number;
  /** How many scalars the kernel takes per call. */
  readonly scalars: number;
  /** How many float64 temporaries the statements use. */
  readonly temps: number;
  /** The statements, run in order for each element. */
  readonly statements: readonly ElementwiseStatement[];
}

/** Run a compiled program over float32 arrays of one length with the given scalars (in place).
 * @example
 * ```ts
 * const axpy: ElementwiseSimdKernel | null = compileElementwiseSimd(program);
 * axpy?.([a, b], [0.5]); // a ← a + 0.5·b
 * ```
 */
export type ElementwiseSimdKernel = (arrays: readonly Float32Array[], scalars: readonly number[]) => void;

/** The compiler's own expressions: {@link ElementwiseExpr} plus `relu` (x <= 0 ? 0 : x) and, in
 * float64 lanes only, `exp` of a float32 value (see {@link EXP_ERROR}). */
export type KernelExpr =
  | { readonly op: 'num'; readonly value: number }
  | { readonly op: 'array' | 'scalar' | 'temp'; readonly index: number }
  | { readonly op: 'add' | 'sub' | 'mul' | 'div' | 'min' | 'max'; readonly a: KernelExpr; readonly b: KernelExpr }
  | { readonly op: 'neg' | 'sqrt' | 'abs' | 'round' | 'relu' | 'exp'; readonly a: KernelExpr };

/** A program over {@link KernelExpr}s (see {@link ElementwiseProgram}). */
export interface KernelProgram {
  readonly arrays: number;
  readonly scalars: number;
  readonly temps: number;
  readonly statements: readonly { readonly target: 'array' | 'temp'; readonly index: number; readonly expr: KernelExpr }[];
}

/** How the lanes hold the elements: see the module comment. */
export type KernelLanes = 'f32-as-f64' | 'f32x4' | 'f64x2';

/** A compiled kernel: runs the program over arrays of one length (in place) with the given scalars. */
export type CompiledKernel = (arrays: readonly TypedArray[], scalars: readonly number[]) => void;

/** Elements per chunk: at most 16 arrays of CHUNK values make the kernel's memory (1 MiB of float32). */
const CHUNK = 16384;

/** Relative error bound of `exp` against the exact eˣ, for |x| ≤ 150: Cody–Waite reduction
 * x = n·ln 2 + r (|r| ≤ ln 2 / 2, ln 2 split in two so that n·ln2_hi is exact) and the Taylor
 * polynomial of degree 12 for eʳ (truncation ≤ |r|¹³/13! < 2.3e-16), evaluated in float64 (Estrin's scheme) and scaled
 * by 2ⁿ through the exponent bits. The float32 result, rounded once from this float64 value, is the
 * correctly rounded eˣ except where eˣ lies within ~1e-15 relative of a float32 rounding midpoint:
 * at most 1 ulp from `Math.fround(Math.exp(x))`. Inputs are clamped to [−150, 150], past which
 * the float32 result is 0 or ∞ anyway; NaN stays NaN. */
export const EXP_ERROR = 1e-15;
const EXP_CLAMP = 150;
const LOG2E = Math.LOG2E;
const EXP_SHIFT = 1.5 * 2 ** 52 + 1023; // t = x·log₂e + SHIFT holds n + 1023 in its low mantissa bits
const LN2_HI = 6.93147180369123816490e-1; // 32 significant bits: n·LN2_HI is exact for |n| < 2²¹
const LN2_LO = 1.90821492927058770002e-10;
const EXP_TAYLOR = Array.from({ length: 13 }, (_, k) => { let f = 1; for (let j = 2; j <= k; j++) f *= j; return 1 / f; });
const EXP_LITERALS = [EXP_CLAMP, -EXP_CLAMP, LOG2E, EXP_SHIFT, LN2_HI, LN2_LO, ...EXP_TAYLOR];

function children(e: KernelExpr): KernelExpr[] {
  return [...('a' in e ? [e.a] : []), ...('b' in e ? [e.b] : [])];
}

function literals(e: KernelExpr, out: number[]): void {
  const values = e.op === 'num' ? [e.value] : e.op === 'exp' ? EXP_LITERALS : [];
  for (const value of values) if (!out.some((v) => Object.is(v, value))) out.push(value);
  for (const c of children(e)) literals(c, out);
}

/** `pointers`: null for the chunked layout (array k at offset k·CHUNK in the kernel's own memory), or
 * the parameters holding each array's byte address in the tensor heap. */
function emit(f: FunctionBuilder, program: KernelProgram, lanes: KernelLanes, scalarLocals: Local[], literalValues: number[], literalLocals: Local[], pointers: Local[] | null): void {
  const n = f.params[0]!;
  const i = f.local(I32), end = f.local(I32), tmp = f.local(V128), zero = f.local(V128);
  const f32 = lanes === 'f32x4';
  const elemBytes = lanes === 'f64x2' ? 8 : 4;
  const current = Array.from({ length: program.arrays }, () => f.local(V128));
  const temps = Array.from({ length: program.temps }, () => f.local(V128));
  const vectorBytes = lanes === 'f32-as-f64' ? 8 : 16;
  let copy = 0; // which of the unrolled copies of the body is being emitted
  // pushes array k's address base for element i and returns the load/store's immediate offset
  const at = (k: number): number => {
    if (pointers === null) { f.get(i); return k * CHUNK * elemBytes + copy * vectorBytes; }
    f.get(pointers[k]!).get(i).i32Add();
    return copy * vectorBytes;
  };
  const literal = (value: number) => literalLocals[literalValues.findIndex((v) => Object.is(v, value))]!;
  const round = () => { if (!f32) f.f32x4DemoteF64x2Zero().f64x2PromoteLowF32x4(); };
  const expr = (e: KernelExpr): void => {
    switch (e.op) {
      case 'num': f.get(literal(e.value)); return;
      case 'array': f.get(current[e.index]!); return;
      case 'scalar': f.get(scalarLocals[e.index]!); return;
      case 'temp': f.get(temps[e.index]!); return;
      case 'add': expr(e.a); expr(e.b); if (f32) f.f32x4Add(); else f.f64x2Add(); return;
      case 'sub': expr(e.a); expr(e.b); if (f32) f.f32x4Sub(); else f.f64x2Sub(); return;
      case 'mul': expr(e.a); expr(e.b); if (f32) f.f32x4Mul(); else f.f64x2Mul(); return;
      case 'div': expr(e.a); expr(e.b); if (f32) f.f32x4Div(); else f.f64x2Div(); return;
      case 'min': expr(e.a); expr(e.b); if (f32) f.f32x4Min(); else f.f64x2Min(); return;
      case 'max': expr(e.a); expr(e.b); if (f32) f.f32x4Max(); else f.f64x2Max(); return;
      case 'neg': expr(e.a); if (f32) f.f32x4Neg(); else f.f64x2Neg(); return;
      case 'abs': expr(e.a); if (f32) f.f32x4Abs(); else f.f64x2Abs(); return;
      case 'sqrt': expr(e.a); if (f32) f.f32x4Sqrt(); else f.f64x2Sqrt(); return;
      case 'round': expr(e.a); round(); return;
      case 'relu': {
        // x & ~(x <= 0): keeps NaN, maps −0 to +0, as `x <= 0 ? 0 : x`
        const x = f.local(V128);
        expr(e.a); f.tee(x).get(x).get(zero);
        if (f32) f.f32x4Le(); else f.f64x2Le();
        f.v128Andnot();
        return;
      }
      case 'exp': {
        if (f32) throw new Error('exp needs float64 lanes');
        const x = f.local(V128), t = f.local(V128), n = f.local(V128), r = f.local(V128);
        expr(e.a); f.get(literal(EXP_CLAMP)).f64x2Pmin().get(literal(-EXP_CLAMP)).f64x2Pmax().set(x); // NaN stays NaN
        f.get(x).get(literal(LOG2E)).f64x2Mul().get(literal(EXP_SHIFT)).f64x2Add().tee(t).get(literal(EXP_SHIFT)).f64x2Sub().set(n);
        f.get(x).get(n).get(literal(LN2_HI)).f64x2Mul().f64x2Sub().get(n).get(literal(LN2_LO)).f64x2Mul().f64x2Sub().set(r);
        // Estrin's scheme (depth 4 instead of Horner's 12: the loop is latency-bound otherwise)
        const r2 = f.local(V128), r4 = f.local(V128), r8 = f.local(V128);
        f.get(r).get(r).f64x2Mul().tee(r2).get(r2).f64x2Mul().tee(r4).get(r4).f64x2Mul().set(r8);
        const c = (k: number) => f.get(literal(EXP_TAYLOR[k]!));
        const pair = (k: number) => { c(k + 1); f.get(r).f64x2Mul(); c(k); f.f64x2Add(); }; // c_k + c_{k+1}·r
        pair(0); pair(2); f.get(r2).f64x2Mul().f64x2Add(); // s0 = q0 + q1·r²
        pair(4); pair(6); f.get(r2).f64x2Mul().f64x2Add(); // s1
        f.get(r4).f64x2Mul().f64x2Add(); // u0 = s0 + s1·r⁴
        pair(8); pair(10); f.get(r2).f64x2Mul().f64x2Add(); // s2
        c(12); f.get(r4).f64x2Mul().f64x2Add(); // u1 = s2 + c12·r⁴
        f.get(r8).f64x2Mul().f64x2Add(); // u0 + u1·r⁸
        f.get(t).i32(52).i64x2Shl().f64x2Mul(); // · 2ⁿ
        return;
      }
    }
  };
  // Arrays read before the first store to them are loaded at the top of the loop.
  const readFirst = arraysReadFirst(program);
  const body = () => {
    for (const k of readFirst) {
      const offset = at(k);
      if (lanes === 'f32-as-f64') f.v128Load64Zero(offset).f64x2PromoteLowF32x4(); else f.v128Load(offset);
      f.set(current[k]!);
    }
    for (const s of program.statements) {
      expr(s.expr);
      if (s.target === 'temp') { f.set(temps[s.index]!); continue; }
      if (lanes === 'f32-as-f64') {
        f.f32x4DemoteF64x2Zero().set(tmp);
        const offset = at(s.index);
        f.get(tmp).v128Store64Lane(0, offset);
        f.get(tmp).f64x2PromoteLowF32x4().set(current[s.index]!);
      } else {
        f.set(current[s.index]!);
        const offset = at(s.index);
        f.get(current[s.index]!).v128Store(offset);
      }
    }
  };
  f.v128Zero().set(zero);
  f.get(n).i32(elemBytes).i32Mul().set(end);
  // Short bodies run UNROLL vectors an iteration (the loop's own instructions otherwise cost as
  // much as the loads and stores of a cache-resident add), then one vector at a time to the end.
  const unroll = program.statements.some((st) => hasExp(st.expr)) ? 1 : UNROLL;
  if (unroll > 1) {
    const mainEnd = f.local(I32);
    f.get(end).i32(-(unroll * vectorBytes)).i32And().set(mainEnd);
    f.for(i, () => f.i32(0), () => f.get(mainEnd), unroll * vectorBytes, () => {
      for (copy = 0; copy < unroll; copy++) body();
      copy = 0;
    });
    f.for(i, () => f.get(i), () => f.get(end), vectorBytes, body);
  } else {
    f.for(i, () => f.i32(0), () => f.get(end), vectorBytes, body);
  }
}

/** Vectors an iteration of the loop for programs without exp. */
const UNROLL = 4;

function hasExp(e: KernelExpr): boolean {
  return e.op === 'exp' || children(e).some(hasExp);
}

/** The arrays a program reads before it first stores into them (their values come from the caller). */
function arraysReadFirst(program: KernelProgram): number[] {
  const readFirst = new Set<number>();
  const stored = new Set<number>();
  const scan = (e: KernelExpr): void => {
    if (e.op === 'array' && !stored.has(e.index)) readFirst.add(e.index);
    for (const c of children(e)) scan(c);
  };
  for (const s of program.statements) { scan(s.expr); if (s.target === 'array') stored.add(s.index); }
  return [...readFirst];
}

/** Splat a float64 value (pushed by `push`) into a vector local of the lanes. */
function splatInto(f: FunctionBuilder, lanes: KernelLanes, push: () => void): Local {
  const l = f.local(V128);
  push();
  if (lanes === 'f32x4') f.f32DemoteF64().f32x4Splat(); else f.f64x2Splat();
  f.set(l);
  return l;
}

/** The program's module: over its own ordinary memory, `run(n, scalars…, literals…)` on the chunk
 * buffers; or (`heapPages` given) over the tensor heap, `runAt(n, addresses…, scalars…, literals…)`
 * on arrays where they lie, plus `runAtChunk(n, addresses…, scalarsAt)`, runAt with the literals built
 * in and the scalars read from memory (all-i32 arguments, as the thread pool passes them). `heapPages`: the
 * heap's pages when it is a shared memory, else null (an ordinary one). */
function buildModule(program: KernelProgram, lanes: KernelLanes, literalValues: number[], heapPages?: number | null): WebAssembly.Module | null {
  try {
    if (typeof WebAssembly !== 'object') return null;
    const inHeap = heapPages !== undefined;
    const m = new ModuleBuilder(heapPages ?? undefined);
    const arrayParams = inHeap ? program.arrays : 0;
    const f = m.func(inHeap ? 'runAt' : 'run', [I32, ...new Array<typeof I32>(arrayParams).fill(I32), ...new Array<typeof F64>(program.scalars + literalValues.length).fill(F64)]);
    const first = 1 + arrayParams;
    const values = f.params.slice(first).map((p) => splatInto(f, lanes, () => f.get(p)));
    emit(f, program, lanes, values.slice(0, program.scalars), literalValues, values.slice(program.scalars), inHeap ? f.params.slice(1, first) : null);
    if (inHeap) {
      // runAtChunk(n, addresses…, scalarsAt): the scalars as float64 values at byte address scalarsAt
      const chunk = m.func('runAtChunk', new Array<typeof I32>(first + 1).fill(I32));
      for (const p of chunk.params.slice(0, first)) chunk.get(p);
      for (let k = 0; k < program.scalars; k++) chunk.get(chunk.params[first]!).f64Load(8 * k);
      for (const value of literalValues) chunk.f64(value);
      chunk.call(m.indexOf('runAt'));
    }
    const bytes = m.encode();
    return WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
  } catch {
    return null;
  }
}

/** A kernel's `runAt` (see buildModule). */
type HeapRun = (n: number, ...addressesAndScalars: number[]) => void;

/** From this many elements on, a kernel on arrays in a shared tensor heap is split over the CPU
 * backend's threads (docs/performance.md, item 19). On the 2-core VM a float32 mul alone took
 * 17 → 11 µs at 2^16 elements on two threads and gained nothing at 2^15; but the Transformer's training
 * step (ops of 2^17 elements) ran 3–7% slower with ops threaded from 2^16 on than with none, when the
 * host was busy: a worker descheduled while it holds a chunk stalls the op. From 2^18 on it was level. */
const THREADS_MIN_ELEMENTS = 1 << 18;
/** In-heap kernels of this many elements always wake sleeping workers; smaller ones (from
 * THREADS_MIN_ELEMENTS) stop doing so while wake-ups are futile (see WAKE_MIN_WORK in gemm_simd.ts). */
const WAKE_MIN_ELEMENTS = 1 << 19;
/** From this many elements on, a kernel over arrays partly in the heap (an optimizer's update: moments
 * in the heap, parameter and gradient not) shares its elements with the worker threads. */
const MIXED_THREADS_MIN = 1 << 16;
/** Threaded chunks hold at least this many elements (a multiple of 16: chunks start 64-byte aligned). */
const THREAD_CHUNK_MIN = 1 << 14;

/** Run `runAtChunk` of `module` over n elements of arrays at the byte addresses `at` in the heap on
 * the CPU backend's threads (the scalars reach them in a heap block of their own); false (nothing
 * done) where there is no pool, no room for the scalars, or the call needs more than the pool's 11
 * arguments. `meanwhile`: the calling thread's own work, done before it takes chunks. */
function runThreaded(module: WebAssembly.Module, at: readonly number[], elemBytes: number, n: number, width: number,
  scalars: readonly number[], meanwhile?: () => void): boolean {
  if (at.length > 9) return false;
  const pool = cpuThreadPool();
  // small jobs leave the workers asleep while waking them is futile (see WAKE_MIN_ELEMENTS); a job with
  // `meanwhile` is the workers' share of a larger one, whose caller has asked already
  if (pool === null || (meanwhile === undefined && n < WAKE_MIN_ELEMENTS && pool.wakeIsFutile())) return false;
  const scalarBlock = scalars.length > 0 ? heapAllocate('float64', scalars.length, false) : null;
  if (scalars.length > 0 && scalarBlock === null) return false;
  try {
    scalarBlock?.set(scalars);
    const { base } = pool.addModule(module, heapMemory()!, ['runAtChunk']);
    const threads = pool.size + 1;
    const step = Math.max(THREAD_CHUNK_MIN, Math.ceil(n / (2 * threads) / 16) * 16);
    const calls: number[][] = [];
    for (let start = 0; start < n; start += step) {
      const len = Math.min(step, n - start);
      calls.push([base, Math.ceil(len / width) * width, ...at.map((a) => a + start * elemBytes), scalarBlock?.byteOffset ?? 0]);
    }
    pool.run(calls, meanwhile);
    return true;
  } finally {
    if (scalarBlock !== null) heapFree(scalarBlock.byteOffset);
  }
}

/**
 * Compile a {@link KernelProgram} for the given lanes: the one compiler behind the tensor ops'
 * SIMD loops, the optimizers' updates and {@link compileElementwiseSimd}. Null where WebAssembly
 * SIMD is unavailable or the program has more than 16 arrays. The kernel's memory is allocated on
 * first use and never grows.
 * @example
 * ```ts
 * const add = compileKernel({ arrays: 3, scalars: 0, temps: 0, statements: [
 *   { target: 'array', index: 2, expr: { op: 'add', a: { op: 'array', index: 0 }, b: { op: 'array', index: 1 } } },
 * ] }, 'f32x4');
 * add?.([a, b, out], []); // out ← a + b
 * ```
 */
export function compileKernel(program: KernelProgram, lanes: KernelLanes): CompiledKernel | null {
  if (program.arrays < 1 || program.arrays > 16) return null;
  const literalValues: number[] = [];
  for (const s of program.statements) literals(s.expr, literalValues);
  const module = buildModule(program, lanes, literalValues);
  if (module === null) return null;
  let heapModule: WebAssembly.Module | null = null;
  /** runAt over the heap, built once on first use; null where that module does not compile (the chunked loop runs). */
  const heapKernel = (): HeapRun | null => {
    heapModule = buildModule(program, lanes, literalValues, heapSharedPages() ?? null);
    return heapModule && (new WebAssembly.Instance(heapModule, { env: { memory: heapMemory()! } }).exports as { runAt: HeapRun }).runAt;
  };
  const readFirst = arraysReadFirst(program);
  const written = [...new Set(program.statements.filter((s) => s.target === 'array').map((s) => s.index))];
  const elemBytes = lanes === 'f64x2' ? 8 : 4;
  const width = lanes === 'f32x4' ? 4 : 2;
  const pages = Math.ceil((program.arrays * CHUNK * elemBytes) / 65536);
  let run: ((n: number, ...scalars: number[]) => void) | null = null;
  let runAt: HeapRun | null | undefined;
  let ownViews: Map<number, TypedArray> | null = null;
  const readFirstSet = new Set(readFirst), writtenSet = new Set(written);
  /** Elements [from, to) chunk by chunk: the arrays that have a view in `views` are copied into it
   * (those read before written) and back (those written), with zeros in the last chunk's pad lanes;
   * `call(c, padded)` runs the chunk that starts at element c. */
  const throughChunks = (arrays: readonly TypedArray[], views: ReadonlyMap<number, TypedArray>, from: number, to: number,
    call: (c: number, padded: number) => void): void => {
    for (let c = from; c < to; c += CHUNK) {
      const len = Math.min(CHUNK, to - c), e = c + len;
      const padded = Math.ceil(len / width) * width; // the pad lanes compute on zeros and are discarded
      for (const [k, view] of views) {
        if (!readFirstSet.has(k)) continue;
        view.set(arrays[k]!.subarray(c, e));
        for (let j = len; j < padded; j++) view[j] = 0;
      }
      call(c, padded);
      for (const [k, view] of views) if (writtenSet.has(k)) arrays[k]!.set(len === CHUNK ? view : view.subarray(0, len), c);
    }
  };
  /** The n elements through the kernel's own memory. */
  const runChunked = (arrays: readonly TypedArray[], args: readonly number[], n: number): void => {
    if (run === null || ownViews === null) {
      const memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
      run = (new WebAssembly.Instance(module, { env: { memory } }).exports as { run: (n: number, ...s: number[]) => void }).run;
      ownViews = new Map(Array.from({ length: program.arrays }, (_, k) => [k, elemBytes === 8
        ? new Float64Array(memory.buffer, k * CHUNK * 8, CHUNK) : new Float32Array(memory.buffer, k * CHUNK * 4, CHUNK)] as const));
    }
    const kernel = run;
    throughChunks(arrays, ownViews, 0, n, (_c, padded) => kernel(padded, ...args));
  };
  const copies = (k: number) => (readFirstSet.has(k) ? 1 : 0) + (writtenSet.has(k) ? 1 : 0);
  /** Some arrays in the heap (whole blocks at byte offsets `at`, -1 for the others): those run where
   * they lie, the others pass through a heap block chunk by chunk. From MIXED_THREADS_MIN elements all
   * but the first 1/threads of the elements go to the worker threads, their staged arrays copied
   * into the heap whole, while the calling thread runs the first part. False (nothing done) where the
   * heap has no room for the blocks. */
  const runMixed = (arrays: readonly TypedArray[], at: readonly number[], scalars: readonly number[], args: readonly number[], n: number): boolean => {
    const staged = at.flatMap((a, k) => (a < 0 ? [k] : []));
    const candidate = n >= MIXED_THREADS_MIN && arrays.length <= 9 && heapSharedPages() !== undefined ? cpuThreadPool() : null;
    // staging a share for workers that will not come costs more than it saves (WasmThreadPool.wakeIsFutile)
    const pool = candidate !== null && !candidate.wakeIsFutile() ? candidate : null;
    const threads = pool === null ? 1 : pool.size + 1;
    // the calling thread's part a multiple of 16 elements: its last vector must not reach into the workers' share
    const start = threads > 1 ? Math.min(n, Math.ceil(n / threads / 16) * 16) : n, share = n - start;
    const stride = share > 0 ? share + 16 : 0; // 16 spare elements: room for a last vector
    const scratch = heapAllocate(elemBytes === 8 ? 'float64' : 'float32', staged.length * (CHUNK + stride), false);
    if (scratch === null) return false;
    try {
      const views = new Map(staged.map((k, j) => [k, scratch.subarray(j * CHUNK, (j + 1) * CHUNK)]));
      const addresses = at.map((a, k) => (a >= 0 ? a : views.get(k)!.byteOffset));
      const serial = (from: number, to: number): void => throughChunks(arrays, views, from, to, (c, padded) => {
        for (let k = 0; k < at.length; k++) if (at[k]! >= 0) addresses[k] = at[k]! + c * elemBytes;
        runAt!(padded, ...addresses, ...args);
      });
      if (share === 0) { serial(0, n); return true; }
      // staged array j's share at scratch[base + j·stride …], zeros after it for the last vector's pad lanes
      const base = staged.length * CHUNK;
      const parts = new Map(staged.map((k, j) => [k, scratch.subarray(base + j * stride, base + j * stride + share)]));
      staged.forEach((k, j) => {
        if (!readFirstSet.has(k)) return;
        parts.get(k)!.set(arrays[k]!.subarray(start, n));
        for (let i = share; i < stride; i++) scratch[base + j * stride + i] = 0;
      });
      const shareAt = at.map((a, k) => (a >= 0 ? a + start * elemBytes : parts.get(k)!.byteOffset));
      if (!runThreaded(heapModule!, shareAt, elemBytes, share, width, scalars, () => serial(0, start))) {
        serial(0, n);
        return true;
      }
      for (const [k, part] of parts) if (writtenSet.has(k)) arrays[k]!.set(part, start);
      return true;
    } finally {
      heapFree(scratch.byteOffset);
    }
  };
  return (arrays, scalars) => {
    const n = arrays[0]!.length;
    const args = literalValues.length === 0 ? scalars : [...scalars, ...literalValues];
    const at = heapBufferIfCreated() === null ? null : arrays.map(heapWholeBlockOf);
    const inHeap = at !== null && at.every((a) => a >= 0);
    // some arrays in the heap (an optimizer's moments): they stay where they are while the others pass
    // through the heap, where that copies less (copies into a shared heap cost about 1.5 times as much)
    const mixed = at !== null && !inHeap && at.some((a) => a >= 0)
      && 1.5 * at.reduce((sum, a, k) => sum + (a < 0 ? copies(k) : 0), 0) < at.reduce((sum, _a, k) => sum + copies(k), 0);
    if ((inHeap || mixed) && runAt === undefined) runAt = heapKernel();
    if (mixed && runAt && runMixed(arrays, at, scalars, args, n)) return;
    if (inHeap && runAt) {
      // every array is a whole heap block, whose size class leaves room for the last vector past n;
      // elementwise: chunks of any size compute exactly what one call does
      if (n >= THREADS_MIN_ELEMENTS && heapSharedPages() !== undefined
        && runThreaded(heapModule!, at, elemBytes, n, width, scalars)) return;
      runAt(Math.ceil(n / width) * width, ...at, ...args);
      return;
    }
    runChunked(arrays, args, n);
  };
}

/**
 * Compile an {@link ElementwiseProgram} to a WebAssembly SIMD kernel over float32 arrays, bitwise
 * identical to the same statements as a JS loop in float64 with `Math.fround` at every array store
 * and `round`. Null where WebAssembly SIMD is unavailable or the program has more than 16 arrays.
 * @example
 * ```ts
 * const axpy = compileElementwiseSimd(program);
 * if (axpy) axpy([a, b], [0.5]); // a ← a + 0.5·b, in place
 * ```
 */
export function compileElementwiseSimd(program: ElementwiseProgram): ElementwiseSimdKernel | null {
  return compileKernel(program, 'f32-as-f64');
}
