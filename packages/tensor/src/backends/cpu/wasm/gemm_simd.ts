// The WebAssembly SIMD matmul of the CPU backend: the same packed algorithm as the pure-TS kernel
// in ../matmul.ts, with the micro-kernels in wasm SIMD. float64: f64x2, summed in the TS kernel's
// order (one partial sum per K block of KC, in k order, added into C once per block), so bitwise
// identical to it. float32: f32x4 with float32 accumulators (4 lanes instead of 2, and no
// promote/demote), within float32 rounding of the TS kernel (which sums in float64); deterministic,
// as each C element's sum order depends only on K. The module is assembled from TypeScript at load
// time (./assembler.ts); where WebAssembly SIMD is missing, createSimdGemm returns null and the TS
// kernel runs.
import { I32, ModuleBuilder, V128, type FunctionBuilder, type Local, type ValType } from './assembler.js';
import type { TypedArray } from '../../../types.js';
import { MAX_CHUNKS, type WasmThreadPool, type MatmulThreadChunks } from './thread_pool.js';
import { closeCpuThreadPool, cpuThreadPool, cpuThreadPoolIfStarted, threadsSupported } from './cpu_threads.js';
import { heapAllocate, heapBufferIfCreated, heapFree, heapMemory, heapSharedPages, heapZero } from '../../../heap.js';

/** float64 micro-tile rows and columns: 4×4 = 8 f64x2 accumulators (with 2×8 the fastest of 4×4, 2×8, 6×4, 4×6, 8×2). */
const MR64 = 4;
const NR64 = 4;
/** float32 micro-tile: 4×8 = 8 f32x4 accumulators, 2 B vectors and the 4 A splats TurboFan loads up
 * front: 14 of x64's 16 XMM registers. 2×16 and 3×8 were as fast alone, 5×8, 6×8, 3×12 and 4×12 spill
 * (macro-kernel alone: 48–50 against 20–27 GFLOP/s). */
const MR32 = 4;
const NR32 = 8;

/** Emit `macro64(pA, pB, pC, mPanels, nPanels, kc, ldc)`: for every MR64-row panel of packed A and
 * NR64-column panel of packed B (both kc deep, f64), C[tile] += A·B in f64x2, with C (float64) at byte
 * address pC and row pitch ldc bytes. */
function emitMacro64(f: FunctionBuilder): void {
  const [pA, pB, pC, mPanels, nPanels, kc, ldc] = f.params as [Local, Local, Local, Local, Local, Local, Local];
  const i = f.local(I32), j = f.local(I32), k = f.local(I32);
  const a = f.local(I32), b = f.local(I32), aPanel = f.local(I32), cRow = f.local(I32), row = f.local(I32);
  const NV = NR64 / 2;
  const acc: Local[][] = Array.from({ length: MR64 }, () => Array.from({ length: NV }, () => f.local(V128)));
  const bv: Local[] = Array.from({ length: NV }, () => f.local(V128));
  const av = f.local(V128);
  f.for(i, () => f.i32(0), () => f.get(mPanels), 1, () => {
    // aPanel = pA + i·kc·MR·8; cRow = pC + i·MR·ldc
    f.get(pA).get(i).get(kc).i32Mul().i32(MR64 * 8).i32Mul().i32Add().set(aPanel);
    f.get(pC).get(i).i32(MR64).i32Mul().get(ldc).i32Mul().i32Add().set(cRow);
    f.for(j, () => f.i32(0), () => f.get(nPanels), 1, () => {
      for (const r of acc) for (const x of r) f.v128Zero().set(x);
      f.get(aPanel).set(a);
      f.get(pB).get(j).get(kc).i32Mul().i32(NR64 * 8).i32Mul().i32Add().set(b);
      f.for(k, () => f.i32(0), () => f.get(kc), 1, () => {
        for (let c = 0; c < NV; c++) f.get(b).v128Load(c * 16).set(bv[c]!);
        for (let r = 0; r < MR64; r++) {
          f.get(a).v128Load64Splat(r * 8).set(av);
          for (let c = 0; c < NV; c++) f.get(acc[r]![c]!).get(av).get(bv[c]!).f64x2Mul().f64x2Add().set(acc[r]![c]!);
        }
        f.addTo(a, MR64 * 8).addTo(b, NR64 * 8);
      });
      // C tile += acc, row by row: row = cRow + j·NR·8
      f.get(cRow).get(j).i32(NR64 * 8).i32Mul().i32Add().set(row);
      for (let r = 0; r < MR64; r++) {
        for (let c = 0; c < NV; c++) f.get(row).get(row).v128Load(c * 16).get(acc[r]![c]!).f64x2Add().v128Store(c * 16);
        f.addTo(row, ldc);
      }
    });
  });
}

/** Emit `macro32(pA, pB, pC, mPanels, nPanels, kc, ldc)`: the float32 macro-kernel. MR32 × NR32 tiles
 * of C in f32x4 accumulators; A's element splatted from memory, B's row loaded as NR32/4 vectors.
 * Not unrolled over k: TurboFan then hoists the second step's loads and spills accumulators (26 against
 * 48 GFLOP/s for the macro-kernel alone). `fma`: relaxed-SIMD multiply-add instead of a multiply and an add. */
function emitMacro32(f: FunctionBuilder, fma: boolean, stridedB = false): void {
  const [pA, pB, pC, mPanels, nPanels, kc, ldc, ldb] = f.params as [Local, Local, Local, Local, Local, Local, Local, Local?];
  const i = f.local(I32), j = f.local(I32), k = f.local(I32);
  const a = f.local(I32), b = f.local(I32), aPanel = f.local(I32), cRow = f.local(I32), row = f.local(I32);
  const NV = NR32 / 4;
  const acc: Local[][] = Array.from({ length: MR32 }, () => Array.from({ length: NV }, () => f.local(V128)));
  const bv: Local[] = Array.from({ length: NV }, () => f.local(V128));
  const av = f.local(V128);
  const step = (da: number, db: number) => {
    for (let c = 0; c < NV; c++) f.get(b).v128Load(db + c * 16).set(bv[c]!);
    for (let r = 0; r < MR32; r++) {
      f.get(a).v128Load32Splat(da + r * 4).set(av);
      for (let c = 0; c < NV; c++) {
        const x = acc[r]![c]!;
        if (fma) f.get(av).get(bv[c]!).get(x).f32x4RelaxedMadd().set(x);
        else f.get(x).get(av).get(bv[c]!).f32x4Mul().f32x4Add().set(x);
      }
    }
  };
  f.for(i, () => f.i32(0), () => f.get(mPanels), 1, () => {
    f.get(pA).get(i).get(kc).i32Mul().i32(MR32 * 4).i32Mul().i32Add().set(aPanel);
    f.get(pC).get(i).i32(MR32).i32Mul().get(ldc).i32Mul().i32Add().set(cRow);
    f.for(j, () => f.i32(0), () => f.get(nPanels), 1, () => {
      for (const r of acc) for (const x of r) f.v128Zero().set(x);
      f.get(aPanel).set(a);
      if (stridedB) f.get(pB).get(j).i32(NR32 * 4).i32Mul().i32Add().set(b); // row-major B, row pitch ldb bytes
      else f.get(pB).get(j).get(kc).i32Mul().i32(NR32 * 4).i32Mul().i32Add().set(b);
      f.for(k, () => f.i32(0), () => f.get(kc), 1, () => {
        step(0, 0);
        f.addTo(a, MR32 * 4).addTo(b, stridedB ? ldb! : NR32 * 4);
      });
      f.get(cRow).get(j).i32(NR32 * 4).i32Mul().i32Add().set(row);
      for (let r = 0; r < MR32; r++) {
        for (let c = 0; c < NV; c++) f.get(row).get(row).v128Load(c * 16).get(acc[r]![c]!).f32x4Add().v128Store(c * 16);
        f.addTo(row, ldc);
      }
    });
  });
}

/** Words of a threaded product's descriptor (i32s in the heap, read by every chunk): raw A, its K
 * and row strides, B (raw, or packed whole), B's row pitch (strided chunk functions only), C, its row
 * pitch, K, Npad (packed B's panel layout), M and N (rows of A, columns of B past them are zeros in
 * the packing), and raw B with its K and column strides (for packing B). */
const DESC = { rawA: 0, aks: 4, acs: 8, b: 12, ldb: 16, pC: 20, ldc: 24, K: 28, Npad: 32, M: 36, N: 40, rawB: 44, bks: 48, bcs: 52 } as const;
const DESC_BYTES = 56;
/** The chunk functions, in the order the thread pool numbers them. */
const CHUNK_FUNCTIONS = ['chunk64', 'chunk32', 'chunk32b', 'chunk32fma', 'chunk32bfma', 'packB64', 'packB32', 'packB32c'];

/** Emit `chunk(desc, m0, m1, n0, n1, scratch)`: C[row panels m0 … m1, column panels n0 … n1] += A·B
 * over all of K for the product that `desc` describes (see DESC). For each NC block of columns and KC
 * block of K, it packs its own MC-row blocks of A (from the raw A, ragged rows zero-filled) into
 * `scratch` and runs the macro-kernel (`macro`: B packed whole; `stridedB`: B read in place, row pitch
 * ldb) with the same K blocks as the single-threaded gemm, so every C element gets the same operations
 * in the same order: the threaded gemm runs disjoint chunks of C through it on several threads, and
 * none waits for A to be packed whole first. */
function emitChunk(f: FunctionBuilder, macro: number, pack: number, packTail: number, elem: 4 | 8, MR: number, NR: number,
  KC: number, MC: number, NC: number, stridedB: boolean): void {
  const [desc, m0, m1, n0, n1, scratch] = f.params as [Local, Local, Local, Local, Local, Local];
  const word = (offset: number) => descWord(f, desc, offset);
  const rawA = word(DESC.rawA), aks = word(DESC.aks), acs = word(DESC.acs), b = word(DESC.b), ldb = word(DESC.ldb);
  const pC = word(DESC.pC), ldc = word(DESC.ldc), K = word(DESC.K), Npad = word(DESC.Npad), M = word(DESC.M);
  const jc = f.local(I32), pc = f.local(I32), ic = f.local(I32), np = f.local(I32), kc = f.local(I32), mp = f.local(I32);
  const real = f.local(I32), full = f.local(I32), src = f.local(I32);
  f.for(jc, () => f.get(n0), () => f.get(n1), NC / NR, () => {
    emitMinRest(f, np, NC / NR, n1, jc);
    f.for(pc, () => f.i32(0), () => f.get(K), KC, () => {
      emitMinRest(f, kc, KC, K, pc);
      f.for(ic, () => f.get(m0), () => f.get(m1), MC / MR, () => {
        emitMinRest(f, mp, MC / MR, m1, ic);
        // src = rawA + ic·MR·acs + pc·aks; rows past M are zeros
        f.get(rawA).get(ic).i32(MR).i32Mul().get(acs).i32Mul().i32Add().get(pc).get(aks).i32Mul().i32Add().set(src);
        emitPackPanels(f, pack, packTail, MR, elem, src, aks, acs, scratch, kc, () => f.get(mp), () => f.get(M).get(ic).i32(MR).i32Mul().i32Sub(), real, full);
        f.get(scratch);
        if (stridedB) f.get(b).get(pc).get(ldb).i32Mul().i32Add().get(jc).i32(NR * elem).i32Mul().i32Add();
        // packed B: b + (pc·Npad + jc·NR·kc)·elem
        else f.get(b).get(pc).get(Npad).i32Mul().get(jc).i32(NR).i32Mul().get(kc).i32Mul().i32Add().i32(elem).i32Mul().i32Add();
        // pC + ic·MR·ldc + jc·NR·elem
        f.get(pC).get(ic).i32(MR).i32Mul().get(ldc).i32Mul().i32Add().get(jc).i32(NR * elem).i32Mul().i32Add();
        f.get(mp).get(np).get(kc).get(ldc);
        if (stridedB) f.get(ldb);
        f.call(macro);
      });
    });
  });
}

/** Emit `packB(desc, p0, p1)`: B's column panels p0 … p1 of every K block, packed from raw B (see
 * DESC) into the whole packed B at `b` in the macro-kernels' layout (a ragged last panel zero-filled):
 * the threaded gemm packs B on all threads before the chunks that share it run. */
function emitPackB(f: FunctionBuilder, pack: number, packTail: number, elem: 4 | 8, NR: number, KC: number): void {
  const [desc, p0, p1] = f.params as [Local, Local, Local];
  const word = (offset: number) => descWord(f, desc, offset);
  const rawB = word(DESC.rawB), bks = word(DESC.bks), bcs = word(DESC.bcs), b = word(DESC.b), K = word(DESC.K), Npad = word(DESC.Npad), N = word(DESC.N);
  const pc = f.local(I32), kc = f.local(I32), real = f.local(I32), full = f.local(I32), src = f.local(I32), dst = f.local(I32);
  f.for(pc, () => f.i32(0), () => f.get(K), KC, () => {
    emitMinRest(f, kc, KC, K, pc);
    // src = rawB + p0·NR·bcs + pc·bks; dst = b + (pc·Npad + p0·NR·kc)·elem; columns past N are zeros
    f.get(rawB).get(p0).i32(NR).i32Mul().get(bcs).i32Mul().i32Add().get(pc).get(bks).i32Mul().i32Add().set(src);
    f.get(b).get(pc).get(Npad).i32Mul().get(p0).i32(NR).i32Mul().get(kc).i32Mul().i32Add().i32(elem).i32Mul().i32Add().set(dst);
    emitPackPanels(f, pack, packTail, NR, elem, src, bks, bcs, dst, kc, () => f.get(p1).get(p0).i32Sub(), () => f.get(N).get(p0).i32(NR).i32Mul().i32Sub(), real, full);
  });
}

/** A local holding the descriptor word at byte `offset` (see DESC). */
function descWord(f: FunctionBuilder, desc: Local, offset: number): Local {
  const l = f.local(I32);
  f.get(desc).i32Load(offset).set(l);
  return l;
}

/** Emit `x = min(cap, end − i)` without a branch. */
function emitMinRest(f: FunctionBuilder, x: Local, cap: number, end: Local, i: Local): void {
  f.i32(cap).get(end).get(i).i32Sub().i32(cap).get(end).get(i).i32Sub().i32LtS().select().set(x);
}

/** Emit the packing of `panels()` panels of W vectors (element k of vector c at byte address src + c·cs
 * + k·ks) to `dst`, kc deep, of which the first `limit()` vectors are real: whole panels by `pack`, a
 * ragged last one by `packTail` (zeros past the real vectors). `real`, `full`: scratch locals. */
function emitPackPanels(f: FunctionBuilder, pack: number, packTail: number, W: number, elem: 4 | 8, src: Local, ks: Local, cs: Local,
  dst: Local, kc: Local, panels: () => void, limit: () => void, real: Local, full: Local): void {
  // real = min(panels·W, limit) vectors; full = real / W whole panels
  panels(); f.i32(W).i32Mul().set(real);
  limit(); f.set(full);
  f.i32MinMax(real, full, true).set(real);
  f.get(real).i32(W).i32DivS().set(full);
  f.get(src).get(ks).get(cs).get(dst).get(full).get(kc).call(pack);
  f.get(full); panels(); f.i32LtS().if(() => {
    f.get(src).get(full).i32(W).i32Mul().get(cs).i32Mul().i32Add().get(ks).get(cs);
    f.get(dst).get(full).get(kc).i32Mul().i32(W * elem).i32Mul().i32Add();
    f.get(real).get(full).i32(W).i32Mul().i32Sub().get(kc).call(packTail);
  });
}

/** Emit `packTail(src, ks, cs, dst, w, kc)`: one panel of W vectors in the layout of emitPack, of
 * which the first w (< W) are real (element k of vector c at byte address src + c·cs + k·ks) and the
 * rest zeros. */
function emitPackTail(f: FunctionBuilder, elem: 4 | 8, W: number): void {
  const [src, ks, cs, dst, w, kc] = f.params as [Local, Local, Local, Local, Local, Local];
  const k = f.local(I32), s = f.local(I32), d = f.local(I32);
  f.get(src).set(s);
  f.get(dst).set(d);
  f.for(k, () => f.i32(0), () => f.get(kc), 1, () => {
    for (let c = 0; c < W; c++) {
      f.get(d);
      if (elem === 4) f.f32(0).f32Store(c * 4); else f.f64(0).f64Store(c * 8);
      f.i32(c).get(w).i32LtS().if(() => {
        f.get(d).get(s);
        if (c > 0) f.get(cs).i32(c).i32Mul().i32Add();
        if (elem === 4) f.f32Load().f32Store(c * 4); else f.f64Load().f64Store(c * 8);
      });
    }
    f.addTo(s, ks).addTo(d, W * elem);
  });
}

/** Emit `copyRows(dst, src, rows, rowBytes, dstPitch, srcPitch)`: one memory.copy per row. */
function emitCopyRows(f: FunctionBuilder): void {
  const [dst, src, rows, rowBytes, dstPitch, srcPitch] = f.params as [Local, Local, Local, Local, Local, Local];
  const r = f.local(I32);
  f.for(r, () => f.i32(0), () => f.get(rows), 1, () => {
    f.get(dst).get(src).get(rowBytes).memoryCopy();
    f.addTo(dst, dstPitch).addTo(src, srcPitch);
  });
}

/** Emit `pack(src, ks, cs, dst, panels, kc)`: `panels` full panels of W vectors, element k of vector c
 * of panel p at byte address src + (p·W + c)·cs + k·ks, written to dst[(p·kc + k)·W + c] (the layout
 * the macro-kernels read). `elem` 8: float64 → f64; 4: float32 → f32. `contiguous`: cs is the element
 * size (the W elements of one k are adjacent) and W a multiple of 4 floats: copied as v128. */
function emitPack(f: FunctionBuilder, elem: 4 | 8, W: number, contiguous: boolean): void {
  const [src, ks, cs, dst, panels, kc] = f.params as [Local, Local, Local, Local, Local, Local];
  const p = f.local(I32), k = f.local(I32), s = f.local(I32), d = f.local(I32), panel = f.local(I32);
  // float32 panels whose vectors' elements are adjacent in k (the rows of A, the columns of a
  // transposed B): 4 k at a time, a 4 × 4 transpose in shuffles per 4 vectors instead of scalar copies
  const transpose = elem === 4 && !contiguous && W % 4 === 0;
  const k4 = f.local(I32), rows = Array.from({ length: 4 }, () => f.local(V128)), t = Array.from({ length: 4 }, () => f.local(V128));
  f.get(dst).set(d);
  f.for(p, () => f.i32(0), () => f.get(panels), 1, () => {
    f.get(src).get(p).get(cs).i32Mul().i32(W).i32Mul().i32Add().set(panel);
    f.i32(0).set(k4);
    if (transpose) {
      f.get(ks).i32(4).i32Eq().if(() => {
        f.get(kc).i32(-4).i32And().set(k4);
        f.for(k, () => f.i32(0), () => f.get(k4), 4, () => {
          f.get(panel).get(k).i32(4).i32Mul().i32Add().set(s);
          for (let g = 0; g < W / 4; g++) {
            for (let r = 0; r < 4; r++) {
              f.get(s);
              if (g * 4 + r > 0) f.get(cs).i32(g * 4 + r).i32Mul().i32Add();
              f.v128Load().set(rows[r]!);
            }
            f.get(rows[0]!).get(rows[1]!).shuffle32([0, 4, 1, 5]).set(t[0]!);
            f.get(rows[0]!).get(rows[1]!).shuffle32([2, 6, 3, 7]).set(t[1]!);
            f.get(rows[2]!).get(rows[3]!).shuffle32([0, 4, 1, 5]).set(t[2]!);
            f.get(rows[2]!).get(rows[3]!).shuffle32([2, 6, 3, 7]).set(t[3]!);
            // element k + j of the group's 4 vectors at d + j·W·4 + g·16
            f.get(d).get(t[0]!).get(t[2]!).shuffle32([0, 1, 4, 5]).v128Store(g * 16);
            f.get(d).get(t[0]!).get(t[2]!).shuffle32([2, 3, 6, 7]).v128Store(W * 4 + g * 16);
            f.get(d).get(t[1]!).get(t[3]!).shuffle32([0, 1, 4, 5]).v128Store(2 * W * 4 + g * 16);
            f.get(d).get(t[1]!).get(t[3]!).shuffle32([2, 3, 6, 7]).v128Store(3 * W * 4 + g * 16);
          }
          f.addTo(d, 4 * W * 4);
        });
      });
    }
    f.for(k, () => f.get(k4), () => f.get(kc), 1, () => {
      f.get(panel).get(k).get(ks).i32Mul().i32Add().set(s);
      if (contiguous) {
        for (let c = 0; c < (W * elem) / 16; c++) f.get(d).get(s).v128Load(c * 16).v128Store(c * 16);
      } else {
        for (let c = 0; c < W; c++) {
          f.get(d).get(s);
          if (c > 0) f.get(cs).i32(c).i32Mul().i32Add();
          if (elem === 4) f.f32Load().f32Store(c * 4); else f.f64Load().f64Store(c * 8);
        }
      }
      f.addTo(d, W * elem);
    });
  });
}

type MacroFn = (pA: number, pB: number, pC: number, mPanels: number, nPanels: number, kc: number, ldc: number) => void;
/** A macro-kernel reading B unpacked: row-major, row pitch ldb bytes. */
type StridedMacroFn = (pA: number, pB: number, pC: number, mPanels: number, nPanels: number, kc: number, ldc: number, ldb: number) => void;
type PackFn = (src: number, ks: number, cs: number, dst: number, panels: number, kc: number) => void;
type PackTailFn = (src: number, ks: number, cs: number, dst: number, w: number, kc: number) => void;

interface Kernels {
  pack64: PackFn;
  pack32A: PackFn;
  pack32B: PackFn;
  pack32Bc: PackFn;
  macro64: MacroFn;
  macro32: MacroFn;
  macro32fma?: MacroFn;
  macro32b: StridedMacroFn;
  macro32bfma?: StridedMacroFn;
  /** A ragged last panel of A (float64, float32). */
  packTail64: PackTailFn;
  packTail32A: PackTailFn;
  packTail32B: PackTailFn;
  /** `rows` rows of `rowBytes` bytes from `src` (pitch srcPitch) to `dst` (pitch dstPitch), by memory.copy. */
  copyRows: (dst: number, src: number, rows: number, rowBytes: number, dstPitch: number, srcPitch: number) => void;
}

/** float32 B (not transposed) with rows shorter than this many bytes is read in place by the
 * macro-kernel instead of packed. Longer rows put every k step of a B panel on another 4 KiB page:
 * on the 2-core Xeon VM, in place against packed, one thread: 30.0 against 39–42 GFLOP/s for 1024³,
 * 35 against 40–41 for 512³, 37–40 against 41 for 384³ (a tie at 64×384·384×384), while products
 * with 256 columns or fewer gain from skipping the packing (64×784·784×256: 39.5 against 36). */
const B_IN_PLACE_MAX_PITCH = 2048;
/** Whether B is read in place (see B_IN_PLACE_MAX_PITCH): float32, not transposed, short rows. A ragged
 * last panel then reads up to NR − 1 elements past a row's end, which land in C's pad columns. */
const readsBInPlace = (f32: boolean, transB: boolean, N: number): boolean => f32 && !transB && N * 4 < B_IN_PLACE_MAX_PITCH;

/** float32 blocking: a packed KC32 × NC32 block of B (512 KiB) stays in L2, an MR32 × KC32 sliver of A in L1. */
const KC32 = 256;
const MC32 = 128;
const NC32 = 512;

/** The float64 blocking (the TS kernel's, passed in by ../matmul.ts). */
interface Blocking64 { KC64: number; MC64: number; NC64: number }

/** The kernels' module; null where WebAssembly or its SIMD is missing. `fma`: with the relaxed-SIMD
 * float32 kernels too (null where the runtime lacks relaxed SIMD). `sharedMaxPages`: importing a
 * shared memory of that many pages (the tensor heap, which the worker threads share), else an
 * ordinary one; the functions are the same either way. */
function compile(fma: boolean, b: Blocking64, sharedMaxPages?: number): WebAssembly.Module | null {
  try {
    if (typeof WebAssembly !== 'object') return null;
    const m = new ModuleBuilder(sharedMaxPages);
    const macro: ValType[] = [I32, I32, I32, I32, I32, I32, I32], pack: ValType[] = [I32, I32, I32, I32, I32, I32];
    const chunk: ValType[] = [I32, I32, I32, I32, I32, I32];
    emitMacro64(m.func('macro64', macro));
    emitMacro32(m.func('macro32', macro), false);
    if (fma) emitMacro32(m.func('macro32fma', macro), true);
    emitMacro32(m.func('macro32b', [...macro, I32]), false, true);
    if (fma) emitMacro32(m.func('macro32bfma', [...macro, I32]), true, true);
    emitPack(m.func('pack64', pack), 8, 4, false);
    emitPack(m.func('pack32A', pack), 4, MR32, false);
    emitPack(m.func('pack32B', pack), 4, NR32, false);
    emitPack(m.func('pack32Bc', pack), 4, NR32, true);
    emitPackTail(m.func('packTail64', pack), 8, MR64);
    emitPackTail(m.func('packTail32A', pack), 4, MR32);
    emitPackTail(m.func('packTail32B', pack), 4, NR32);
    emitPackB(m.func('packB64', [I32, I32, I32]), m.indexOf('pack64'), m.indexOf('packTail64'), 8, NR64, b.KC64);
    emitPackB(m.func('packB32', [I32, I32, I32]), m.indexOf('pack32B'), m.indexOf('packTail32B'), 4, NR32, KC32);
    emitPackB(m.func('packB32c', [I32, I32, I32]), m.indexOf('pack32Bc'), m.indexOf('packTail32B'), 4, NR32, KC32);
    const p64 = [m.indexOf('pack64'), m.indexOf('packTail64')] as const, p32 = [m.indexOf('pack32A'), m.indexOf('packTail32A')] as const;
    emitChunk(m.func('chunk64', chunk), m.indexOf('macro64'), ...p64, 8, MR64, NR64, b.KC64, b.MC64, b.NC64, false);
    for (const suffix of fma ? ['', 'fma'] : ['']) {
      emitChunk(m.func(`chunk32${suffix}`, chunk), m.indexOf(`macro32${suffix}`), ...p32, 4, MR32, NR32, KC32, MC32, NC32, false);
      emitChunk(m.func(`chunk32b${suffix}`, chunk), m.indexOf(`macro32b${suffix}`), ...p32, 4, MR32, NR32, KC32, MC32, NC32, true);
    }
    emitCopyRows(m.func('copyRows', [I32, I32, I32, I32, I32, I32]));
    const bytes = m.encode();
    if (!WebAssembly.validate(bytes)) return null; // no SIMD (or no relaxed SIMD, or no threads) here
    return new WebAssembly.Module(bytes);
  } catch {
    return null;
  }
}

/** One packing routine shared with the TS kernel (see ../matmul.ts). */
export type PackPanels = (
  X: TypedArray, off: number, dst: TypedArray | number[], dstOff: number, i0: number, pc: number, L: number, K: number,
  kc: number, panels: number, W: number, kMajor: boolean,
) => void;

/** Operands up to this many bytes together are copied into wasm memory whole and packed there;
 * larger ones are packed block by block from JS (so wasm memory, which never shrinks, stays small). */
const MAX_RAW_BYTES = 64 * 2 ** 20;
/** Products whose C would need more wasm memory than this run on the TS kernel instead. */
const MAX_C_BYTES = 256 * 2 ** 20;

/** The SIMD gemm: same contract as `gemm` in ../matmul.ts, C[M×N] += op(A)·op(B), plus `fma` (use the
 * relaxed-SIMD float32 kernel; ignored where it is missing). Returns false (and does nothing) when it
 * cannot take the product: operands of mixed dtypes, or too large for wasm memory. `cIsZero`: C holds
 * zeros, so it is not copied into wasm memory (zeros are written there instead). */
export type SimdGemm = (
  A: TypedArray, aOff: number, B: TypedArray, bOff: number, C: TypedArray, cOff: number,
  M: number, N: number, K: number, transA: boolean, transB: boolean, fma: boolean, cIsZero: boolean,
) => boolean;

/** {@link SimdGemm} spread over `threads` threads (the caller and `threads − 1` workers); also returns
 * false when the worker threads cannot be started. */
export type ThreadedSimdGemm = (
  A: TypedArray, aOff: number, B: TypedArray, bOff: number, C: TypedArray, cOff: number,
  M: number, N: number, K: number, transA: boolean, transB: boolean, fma: boolean, cIsZero: boolean, threads: number,
) => boolean;

/** The CPU backend's worker pool now (matmul's, shared with the large elementwise ops): its size,
 * how many workers have started, and how many chunks the workers and the calling thread have run since
 * it started.
 * @example
 * ```ts
 * const s: MatmulThreadStats | null = matmulThreadStats(); // { workers: 1, started: 1, chunks: { workers: 40, caller: 56 } }
 * ```
 */
export interface MatmulThreadStats {
  /** Worker threads in the pool (the thread count − 1). */
  workers: number;
  /** Worker threads that have started (until then the calling thread runs every chunk). */
  started: number;
  /** Chunks (of C, or of an elementwise op) run by the workers and by the calling thread since the pool started. */
  chunks: MatmulThreadChunks;
}

/** Where one product's operands and result sit in a wasm memory, and the routines that move them. */
interface Workspace {
  kernels: Kernels;
  mem: TypedArray;
  pack: PackPanels;
  f32: boolean;
  elem: 4 | 8;
  K: number;
  /** raw A and B lie whole in wasm memory at these byte addresses, copied there or where they are in
   * the tensor heap (else -1: pack from JS) */
  rawA: number;
  rawB: number;
}

/** Pack `panels` panels of op(X)'s vectors i0… (rows of op(A), or columns of op(B) when `isB`), K
 * block pc, to byte address dst. kMajor: X is stored [K × L]; else [L × K]. Full panels in wasm from
 * the raw copy, a ragged last one (or all, without a raw copy) by the TS packing routine. */
function packOperand(w: Workspace, X: TypedArray, xOff: number, isB: boolean, dst: number, i0: number, pc: number,
  L: number, kc: number, panels: number, W: number, kMajor: boolean): void {
  const { kernels: k, mem, elem, K } = w;
  const rawOff = isB ? w.rawB : w.rawA;
  if (rawOff < 0) { w.pack(X, xOff, mem, dst / elem, i0, pc, L, K, kc, panels, W, kMajor); return; }
  const full = Math.min(panels, Math.floor((L - i0) / W));
  if (full > 0) {
    const ks = kMajor ? L * elem : elem, cs = kMajor ? elem : K * elem;
    const packRaw = !w.f32 ? k.pack64 : !isB ? k.pack32A : kMajor ? k.pack32Bc : k.pack32B;
    packRaw(rawOff + (kMajor ? pc * L + i0 : i0 * K + pc) * elem, ks, cs, dst, full, kc);
  }
  if (full < panels) w.pack(X, xOff, mem, dst / elem + full * kc * W, i0 + full * W, pc, L, K, kc, panels - full, W, kMajor);
}

/** Copy C (M × N, row-major) into wasm memory at element `at` with row pitch Npad, or back; `zero`:
 * write zeros there instead of copying C in. */
function copyC(mem: TypedArray, at: number, C: TypedArray, cOff: number, M: number, N: number, Npad: number, out: boolean, zero = false): void {
  if (zero) { mem.fill(0, at, at + M * Npad); return; }
  if (Npad === N) {
    if (out) C.set(mem.subarray(at, at + M * N), cOff); else mem.set(C.subarray(cOff, cOff + M * N), at);
    return;
  }
  for (let r = 0; r < M; r++) {
    if (out) C.set(mem.subarray(at + r * Npad, at + r * Npad + N), cOff + r * N);
    else mem.set(C.subarray(cOff + r * N, cOff + r * N + N), at + r * Npad);
  }
}

/** Write one zero per 4 KiB page of X[off … off + n) (X holds zeros there): a fresh typed array's
 * pages are mapped on first touch. */
function touchPages(X: TypedArray, off: number, n: number): void {
  const step = 4096 / X.BYTES_PER_ELEMENT;
  for (let i = off; i < off + n; i += step) X[i] = 0;
  if (n > 0) X[off + n - 1] = 0;
}

/**
 * Split C's Mp row panels × Np column panels into chunks for `threads` threads: about four per
 * thread (so that a thread the OS deschedules holds up little), split along the rows while each
 * chunk keeps at least two panels of rows, then along the columns. Each chunk is [m0, m1, n0, n1].
 * @example
 * ```ts
 * planChunks(64, 32, 2); // 8 chunks of 8 row panels × 32 column panels
 * ```
 */
export function planChunks(Mp: number, Np: number, threads: number): Array<[number, number, number, number]> {
  const target = Math.min(4 * threads, MAX_CHUNKS);
  const rows = Math.max(1, Math.min(target, Math.floor(Mp / 2)));
  const cols = Math.max(1, Math.min(Np, Math.floor(target / rows)));
  const chunks: Array<[number, number, number, number]> = [];
  for (let r = 0; r < rows; r++) {
    const m0 = Math.floor((r * Mp) / rows), m1 = Math.floor(((r + 1) * Mp) / rows);
    for (let c = 0; c < cols; c++) chunks.push([m0, m1, Math.floor((c * Np) / cols), Math.floor(((c + 1) * Np) / cols)]);
  }
  return chunks;
}

/**
 * Build the SIMD gemm around the given packing routine, or null when WebAssembly SIMD is not
 * available. float64 products use KC64/MC64/NC64 (the TS kernel's blocking, hence its summation order
 * and bitwise its results); float32 products sum in float32 (f32x4), like tfjs-wasm (XNNPACK) and
 * PyTorch's CPU kernels. `fmaAvailable` says whether the runtime has relaxed SIMD. Where the tensor
 * heap is a shared memory, products with A or B in it run over the heap (operands read where they lie);
 * others in the kernels' own memory, whose copies from ordinary arrays are the faster ones. `gemmThreaded` is the same product on several threads over
 * the heap, bitwise identical to `gemm` (see emitChunk); `threadsAvailable` says whether it can run
 * (worker threads and a shared heap); `closeThreads` stops the workers.
 * @example
 * ```ts
 * const simd = createSimdGemm(packPanels, 256, 128, 512);
 * simd?.gemm(a, 0, b, 0, c, 0, m, n, k, false, false, false);
 * ```
 */
export function createSimdGemm(pack: PackPanels, KC64: number, MC64: number, NC64: number): {
  gemm: SimdGemm; gemmThreaded: ThreadedSimdGemm; closeThreads: () => Promise<void>; threadStats: () => MatmulThreadStats | null;
  fmaAvailable: boolean; threadsAvailable: () => boolean;
} | null {
  const blocking = { KC64, MC64, NC64 };
  const withFma = compile(true, blocking);
  const module = withFma ?? compile(false, blocking);
  if (!module) return null;
  // Memory and instance on first use, so importing descent costs no wasm memory.
  let memory: WebAssembly.Memory | null = null;
  let kernels: Kernels | null = null;
  let F64 = new Float64Array(0), F32 = new Float32Array(0);
  // layout (bytes): packed A | packed B | C (Mpad × Npad) | raw A | raw B
  const offA = 0;
  const offB = offA + Math.max(MC64 * KC64 * 8, MC32 * KC32 * 4);
  const offC = offB + Math.max(KC64 * NC64 * 8, KC32 * NC32 * 4);
  const ensure = (bytes: number): WebAssembly.Memory => {
    if (!memory) {
      // 64 MiB up front (only touched pages become resident) so that common products never grow
      // it: memory.grow detaches the old ArrayBuffer, and the first detach in a process makes V8 add
      // a detached-buffer check to every typed-array access in optimized JS, everywhere, for good.
      memory = new WebAssembly.Memory({ initial: 1024 });
      kernels = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as Kernels;
    }
    const have = memory.buffer.byteLength;
    if (bytes > have) memory.grow(Math.ceil((bytes - have) / 65536));
    if (F64.buffer !== memory.buffer) { F64 = new Float64Array(memory.buffer); F32 = new Float32Array(memory.buffer); }
    return memory;
  };

  /** The blocked loop of the single-threaded gemm over a workspace: B packed block by block (or read
   * in place, unpacked, where `bInPlace`: float32, not transposed, whole at w.rawB), A panel by panel,
   * each pair through the macro-kernel into C at byte address offC, row pitch ldc bytes. */
  const blocked = (w: Workspace, A: TypedArray, aOff: number, B: TypedArray, bOff: number, offA: number, offB: number,
    offC: number, ldc: number, M: number, N: number, transA: boolean, transB: boolean, fma: boolean, bInPlace: boolean): void => {
    const { kernels: k, f32, elem, K } = w;
    const MR = f32 ? MR32 : MR64, NR = f32 ? NR32 : NR64;
    const KC = f32 ? KC32 : blocking.KC64, MC = f32 ? MC32 : blocking.MC64, NC = f32 ? NC32 : blocking.NC64;
    const macro = f32 ? (fma && k.macro32fma ? k.macro32fma : k.macro32) : k.macro64;
    const macroB = fma && k.macro32bfma ? k.macro32bfma : k.macro32b;
    for (let jc = 0; jc < N; jc += NC) {
      const nPanels = Math.ceil(Math.min(NC, N - jc) / NR);
      for (let pc = 0; pc < K; pc += KC) {
        const kc = Math.min(KC, K - pc);
        if (!bInPlace) packOperand(w, B, bOff, true, offB, jc, pc, N, kc, nPanels, NR, !transB);
        for (let ic = 0; ic < M; ic += MC) {
          const mPanels = Math.ceil(Math.min(MC, M - ic) / MR);
          packOperand(w, A, aOff, false, offA, ic, pc, M, kc, mPanels, MR, transA);
          const cAt = offC + ic * ldc + jc * elem;
          if (bInPlace) macroB(offA, w.rawB + (pc * N + jc) * elem, cAt, mPanels, nPanels, kc, ldc, N * elem);
          else macro(offA, offB, cAt, mPanels, nPanels, kc, ldc);
        }
      }
    }
  };

  const gemm: SimdGemm = (A, aOff, B, bOff, C, cOff, M, N, K, transA, transB, fma, cIsZero) => {
    const f32 = C instanceof Float32Array;
    const elem = f32 ? 4 : 8;
    if (A.constructor !== C.constructor || B.constructor !== C.constructor) return false;
    if (gemmOnHeap(A, aOff, B, bOff, C, cOff, M, N, K, transA, transB, fma, cIsZero, 1)) return true;
    const MR = f32 ? MR32 : MR64, NR = f32 ? NR32 : NR64;
    const Npad = Math.ceil(N / NR) * NR, Mpad = Math.ceil(M / MR) * MR;
    const cBytes = Mpad * Npad * elem;
    if (cBytes > MAX_C_BYTES) return false;
    const raw = (M * K + K * N) * elem <= MAX_RAW_BYTES;
    const offRawA = offC + cBytes, offRawB = offRawA + (raw ? M * K * elem : 0);
    // B copied whole may be read in place (the pad below its last row takes a ragged panel's overrun)
    const bInPlace = raw && readsBInPlace(f32, transB, N);
    try {
      ensure(raw ? offRawB + K * N * elem + NR * elem : offRawA);
    } catch {
      return false; // memory.grow refused
    }
    const mem: TypedArray = f32 ? F32 : F64;
    copyC(mem, offC / elem, C, cOff, M, N, Npad, false, cIsZero);
    if (raw) {
      mem.set(A.subarray(aOff, aOff + M * K), offRawA / elem);
      mem.set(B.subarray(bOff, bOff + K * N), offRawB / elem);
    }
    const w: Workspace = { kernels: kernels!, mem, pack, f32, elem, K, rawA: raw ? offRawA : -1, rawB: raw ? offRawB : -1 };
    blocked(w, A, aOff, B, bOff, offA, offB, offC, Npad * elem, M, N, transA, transB, fma, bInPlace);
    copyC(mem, offC / elem, C, cOff, M, N, Npad, true);
    return true;
  };

  // ── On the tensor heap, and on the worker threads ─────────────────────────────────────────────────
  // Where the tensor heap is a shared memory (heap.ts), the same functions are compiled over it: a
  // product's workspace is a heap block taken for the call; A and B that lie in the heap (tensors made
  // inside memory scopes) are read where they lie instead of being copied, and a C there whose rows
  // hold whole tiles is written in place; copies between heap arrays are wasm memory.copy (V8's typed-
  // array copies and fills on a SharedArrayBuffer take about twice as long as on an ArrayBuffer). The
  // worker threads run this module too, added to the CPU backend's pool (cpu_threads.ts) on first use.
  let heapModuleBuilt: WebAssembly.Module | null | undefined;
  let H32: Float32Array<ArrayBufferLike> = new Float32Array(0), H64: Float64Array<ArrayBufferLike> = new Float64Array(0);
  let HI32: Int32Array<ArrayBufferLike> = new Int32Array(0);
  let heapKernelsBuilt: Kernels | null = null;
  const heapKernels = (): Kernels | null => {
    if (heapModuleBuilt === undefined) {
      const memory = heapMemory(), pages = heapSharedPages();
      heapModuleBuilt = memory !== null && pages !== undefined ? compile(withFma !== null, blocking, pages) : null;
      heapKernelsBuilt = heapModuleBuilt && new WebAssembly.Instance(heapModuleBuilt, { env: { memory: memory! } }).exports as unknown as Kernels;
    }
    return heapKernelsBuilt;
  };
  const threadsAvailable = (): boolean => threadsSupported() && heapKernels() !== null;
  /** The pool for `threads` threads, or null: also for a product under WAKE_MIN_WORK multiply-adds while
   * waking the sleeping workers has lately been futile (see WasmThreadPool.wakeIsFutile). */
  const poolFor = (threads: number, work: number): WasmThreadPool | null => {
    if (threads < 2 || !threadsAvailable()) return null;
    const p = cpuThreadPool();
    return p && p.size === threads - 1 && (work >= WAKE_MIN_WORK || !p.wakeIsFutile()) ? p : null;
  };
  const closeThreads = (): Promise<void> => closeCpuThreadPool();

  /** `gemm` over the heap, on `threads` threads (1: the single-threaded blocked loop); false (nothing
   * done) where the heap is not shared, has no room for the workspace, or the pool is not there. */
  const gemmOnHeap = (A: TypedArray, aOff: number, B: TypedArray, bOff: number, C: TypedArray, cOff: number,
    M: number, N: number, K: number, transA: boolean, transB: boolean, fma: boolean, cIsZero: boolean, threads: number): boolean => {
    const k = heapKernels();
    if (k === null) return false;
    const pool = threads > 1 ? poolFor(threads, M * N * K) : null;
    if (threads > 1 && pool === null) return false;
    const f32 = C instanceof Float32Array, elem = f32 ? 4 : 8;
    const MR = f32 ? MR32 : MR64, NR = f32 ? NR32 : NR64;
    const Npad = Math.ceil(N / NR) * NR, Mpad = Math.ceil(M / MR) * MR;
    // B is read NR − 1 elements past its end by a ragged last panel (see `gemm`)
    const aAt = heapAddress(A, aOff, M * K, 0), bAt = heapAddress(B, bOff, K * N, NR);
    const cInHeap = heapAddress(C, cOff, M * N, 0);
    // one thread with A and B outside the heap: the ordinary memory's copies are the faster ones
    if (pool === null && aAt < 0 && bAt < 0) return false;
    const cAt = N === Npad && M === Mpad ? cInHeap : -1;
    // B read in place, or packed (whole where threaded: the chunks share it)
    const bInPlace = readsBInPlace(f32, transB, N);
    const mPanels = Mpad / MR, nPanels = Npad / NR, KC = f32 ? KC32 : blocking.KC64, MC = f32 ? MC32 : blocking.MC64;
    const chunks = pool === null ? [] : planChunks(mPanels, nPanels, threads);
    // each chunk packs its own rows of A, an MC × KC block at a time
    const scratchOf = (m0: number, m1: number) => align16(Math.min(MC / MR, m1 - m0) * MR * Math.min(KC, K) * elem);
    // layout (bytes): packed A (per chunk where threaded) | packed B | C (Mpad × Npad) unless in place |
    // raw A, raw B unless in the heap | the threaded product's descriptor
    const packA = pool === null ? MC * KC * elem : chunks.reduce((sum, [m0, m1]) => sum + scratchOf(m0, m1), 0);
    const packB = pool === null ? (f32 ? KC32 * NC32 : blocking.KC64 * blocking.NC64) * elem : bInPlace ? 0 : K * Npad * elem;
    const cBytes = cAt < 0 ? Mpad * Npad * elem : 0;
    const aBytes = aAt < 0 ? align16(M * K * elem) : 0, bBytes = bAt < 0 ? align16(K * N * elem + NR * elem) : 0;
    const bytes = packA + packB + cBytes + aBytes + bBytes + (pool === null ? 0 : DESC_BYTES);
    if (bytes > MAX_C_BYTES + MAX_RAW_BYTES) return false;
    const space = heapAllocate('float32', Math.ceil(bytes / 4), false);
    if (space === null) return false;
    try {
      if (space.byteOffset + bytes > SIGNED_ADDRESS_LIMIT) return false;
      if (H32.buffer !== space.buffer) { H32 = new Float32Array(space.buffer); H64 = new Float64Array(space.buffer); HI32 = new Int32Array(space.buffer); }
      const mem: TypedArray = f32 ? H32 : H64;
      const offPA = space.byteOffset, offPB = offPA + packA;
      const staging = offPB + packB; // C, then raw A, then raw B, each only where needed, then the descriptor
      const offC = cAt >= 0 ? cAt : staging;
      const rawA = aAt >= 0 ? aAt : staging + cBytes, rawB = bAt >= 0 ? bAt : staging + cBytes + aBytes;
      if (aAt < 0) mem.set(A.subarray(aOff, aOff + M * K), rawA / elem);
      if (bAt < 0) mem.set(B.subarray(bOff, bOff + K * N), rawB / elem);
      if (cAt < 0) copyCOnHeap(k, mem, offC, C, cOff, cInHeap, M, N, Npad, elem, false, cIsZero);
      const w: Workspace = { kernels: k, mem, pack, f32, elem, K, rawA, rawB };
      if (pool === null) {
        blocked(w, A, aOff, B, bOff, offPA, offPB, offC, Npad * elem, M, N, transA, transB, fma, bInPlace);
      } else {
        const desc = staging + cBytes + aBytes + bBytes;
        const words = { rawA, aks: transA ? M * elem : elem, acs: transA ? elem : K * elem, b: bInPlace ? rawB : offPB, ldb: N * elem,
          pC: offC, ldc: Npad * elem, K, Npad, M, N, rawB, bks: transB ? elem : N * elem, bcs: transB ? K * elem : elem };
        for (const [name, at] of Object.entries(DESC)) HI32[(desc + at) / 4] = words[name as keyof typeof DESC];
        const { base } = pool.addModule(heapModuleBuilt!, heapMemory()!, CHUNK_FUNCTIONS);
        if (!bInPlace) {
          // B packed whole first, its panels split over the threads
          const packFn = base + CHUNK_FUNCTIONS.indexOf(!f32 ? 'packB64' : transB ? 'packB32' : 'packB32c');
          const parts = Math.min(nPanels, 2 * threads);
          pool.run(Array.from({ length: parts }, (_, i) => [packFn, desc, Math.floor((i * nPanels) / parts), Math.floor(((i + 1) * nPanels) / parts)]));
        }
        const fused = fma && k.macro32fma !== undefined;
        const fn = base + CHUNK_FUNCTIONS.indexOf(!f32 ? 'chunk64' : `chunk32${bInPlace ? 'b' : ''}${fused ? 'fma' : ''}`);
        let scratch = offPA;
        const calls = chunks.map(([m0, m1, n0, n1]) => {
          const call = [fn, desc, m0, m1, n0, n1, scratch];
          scratch += scratchOf(m0, m1);
          return call;
        });
        // A fresh output's pages fault in on their first write (≈ 2.6 ns/byte in the development VM,
        // more than the copy): the calling thread takes those faults while the workers compute.
        pool.run(calls, cIsZero && cAt < 0 ? () => touchPages(C, cOff, M * N) : undefined);
      }
      if (cAt < 0) copyCOnHeap(k, mem, offC, C, cOff, cInHeap, M, N, Npad, elem, true);
      return true;
    } finally {
      heapFree(space.byteOffset);
    }
  };

  const gemmThreaded: ThreadedSimdGemm = (A, aOff, B, bOff, C, cOff, M, N, K, transA, transB, fma, cIsZero, threads) => {
    if (A.constructor !== C.constructor || B.constructor !== C.constructor) return false;
    return gemmOnHeap(A, aOff, B, bOff, C, cOff, M, N, K, transA, transB, fma, cIsZero, threads);
  };
  const threadStats = (): MatmulThreadStats | null => {
    const pool = cpuThreadPoolIfStarted();
    return pool ? { workers: pool.size, started: pool.started, chunks: pool.chunksRun } : null;
  };
  return { gemm, gemmThreaded, closeThreads, threadStats, fmaAvailable: withFma !== null, threadsAvailable };
}

/** Products from this many multiply-adds always wake sleeping workers; smaller ones stop doing so while
 * wake-ups are futile (the workers' CPUs busy, see WasmThreadPool.wakeIsFutile). Waking a worker costs
 * the calling thread about 16 µs (a futex call in this VM) and the worker joins 40–50 µs later (median;
 * at worst milliseconds); 2^23 multiply-adds take 0.4 ms on one core here. */
const WAKE_MIN_WORK = 2 ** 23;

/** Wasm addresses compare as signed 32-bit integers: a workspace or operand must end below 2 GiB. */
const SIGNED_ADDRESS_LIMIT = 2 ** 31;

const align16 = (bytes: number): number => Math.ceil(bytes / 16) * 16;

/** The byte address of X[off … off + n) in the tensor heap, where X is a view into it and the range
 * plus `past` more elements ends inside the heap and below 2 GiB; else -1. */
function heapAddress(X: TypedArray, off: number, n: number, past: number): number {
  const heap = heapBufferIfCreated();
  if (heap === null || X.buffer !== heap) return -1;
  const at = X.byteOffset + off * X.BYTES_PER_ELEMENT;
  return at + (n + past) * X.BYTES_PER_ELEMENT <= Math.min(heap.byteLength, SIGNED_ADDRESS_LIMIT) ? at : -1;
}

/** {@link copyC} with the staging area at byte address `at` in the heap: rows copied by wasm
 * memory.copy where C lies in the heap too (at byte address cAt, else -1), zeros written by memory.fill. */
function copyCOnHeap(k: Kernels, mem: TypedArray, at: number, C: TypedArray, cOff: number, cAt: number, M: number, N: number, Npad: number,
  elem: number, out: boolean, zero = false): void {
  if (zero) { heapZero(at, M * Npad * elem); return; }
  if (cAt < 0) { copyC(mem, at / elem, C, cOff, M, N, Npad, out); return; }
  if (out) k.copyRows(cAt, at, M, N * elem, N * elem, Npad * elem);
  else k.copyRows(at, cAt, M, N * elem, Npad * elem, N * elem);
}
