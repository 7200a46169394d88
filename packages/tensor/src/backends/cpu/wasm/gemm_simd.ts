// The WebAssembly SIMD matmul of the CPU backend: the same packed algorithm as the pure-TS kernel
// in ../matmul.ts, with the micro-kernel in wasm f64x2 SIMD. It sums in float64 in the same order
// (one partial sum per K block of KC, in k order, added into C once per block), so its results are
// bitwise identical to the TS kernel's, for float32 and float64. The module is assembled from
// TypeScript at load time (./assembler.ts); where WebAssembly SIMD is missing, createSimdGemm
// returns null and the TS kernel runs.
import { I32, ModuleBuilder, V128, type FunctionBuilder, type Local } from './assembler.js';
import type { TypedArray } from '../../../types.js';

/** Micro-tile rows and columns: 4×4 = 8 f64x2 accumulators (with 2×8 the fastest of 4×4, 2×8, 6×4, 4×6, 8×2). */
export const MR = 4;
export const NR = 4;
const NV = NR / 2; // f64x2 vectors per tile row

/** Emit `macro(pA, pB, pC, mPanels, nPanels, kc, ldc)`: for every MR-row panel of packed A and
 * NR-column panel of packed B (both kc deep, f64), C[tile] += A·B, with C of `elem` (4: float32,
 * 8: float64) at byte address pC and row pitch ldc bytes. */
function emitMacro(f: FunctionBuilder, elem: 4 | 8): void {
  const [pA, pB, pC, mPanels, nPanels, kc, ldc] = f.params as [Local, Local, Local, Local, Local, Local, Local];
  const i = f.local(I32), j = f.local(I32), k = f.local(I32);
  const a = f.local(I32), b = f.local(I32), aPanel = f.local(I32), cRow = f.local(I32), row = f.local(I32);
  const acc: Local[][] = Array.from({ length: MR }, () => Array.from({ length: NV }, () => f.local(V128)));
  const bv: Local[] = Array.from({ length: NV }, () => f.local(V128));
  const av = f.local(V128);
  f.for(i, () => f.i32(0), () => f.get(mPanels), 1, () => {
    // aPanel = pA + i·kc·MR·8; cRow = pC + i·MR·ldc
    f.get(pA).get(i).get(kc).i32Mul().i32(MR * 8).i32Mul().i32Add().set(aPanel);
    f.get(pC).get(i).i32(MR).i32Mul().get(ldc).i32Mul().i32Add().set(cRow);
    f.for(j, () => f.i32(0), () => f.get(nPanels), 1, () => {
      for (const r of acc) for (const x of r) f.v128Zero().set(x);
      f.get(aPanel).set(a);
      f.get(pB).get(j).get(kc).i32Mul().i32(NR * 8).i32Mul().i32Add().set(b);
      f.for(k, () => f.i32(0), () => f.get(kc), 1, () => {
        for (let c = 0; c < NV; c++) f.get(b).v128Load(c * 16).set(bv[c]!);
        for (let r = 0; r < MR; r++) {
          f.get(a).v128Load64Splat(r * 8).set(av);
          for (let c = 0; c < NV; c++) f.get(acc[r]![c]!).get(av).get(bv[c]!).f64x2Mul().f64x2Add().set(acc[r]![c]!);
        }
        f.addTo(a, MR * 8).addTo(b, NR * 8);
      });
      // C tile += acc, row by row: row = cRow + j·NR·elem
      f.get(cRow).get(j).i32(NR * elem).i32Mul().i32Add().set(row);
      for (let r = 0; r < MR; r++) {
        for (let c = 0; c < NV; c++) {
          if (elem === 8) {
            f.get(row).get(row).v128Load(c * 16).get(acc[r]![c]!).f64x2Add().v128Store(c * 16);
          } else {
            // float32: C = f32(f64(C) + acc), exactly as `C[o] += acc` in JS
            f.get(row).get(row).v128Load64Zero(c * 8).f64x2PromoteLowF32x4().get(acc[r]![c]!).f64x2Add()
              .f32x4DemoteF64x2Zero().v128Store64Lane(0, c * 8);
          }
        }
        f.addTo(row, ldc);
      }
    });
  });
}

/** Emit `pack(src, ks, cs, dst, panels, kc)`: `panels` full panels of W = 4 vectors, element k of
 * vector c of panel p at byte address src + (p·4 + c)·cs + k·ks (`elem`-byte floats), written as
 * f64 to dst[(p·kc + k)·4 + c]: the layout the macro-kernel reads (MR = NR = 4). */
function emitPack(f: FunctionBuilder, elem: 4 | 8): void {
  const [src, ks, cs, dst, panels, kc] = f.params as [Local, Local, Local, Local, Local, Local];
  const p = f.local(I32), k = f.local(I32), s = f.local(I32), d = f.local(I32), panel = f.local(I32);
  const cs2 = f.local(I32), cs3 = f.local(I32);
  f.get(cs).i32(2).i32Mul().set(cs2);
  f.get(cs).i32(3).i32Mul().set(cs3);
  f.get(dst).set(d);
  f.for(p, () => f.i32(0), () => f.get(panels), 1, () => {
    f.get(src).get(p).get(cs).i32Mul().i32(4).i32Mul().i32Add().set(panel);
    f.for(k, () => f.i32(0), () => f.get(kc), 1, () => {
      f.get(panel).get(k).get(ks).i32Mul().i32Add().set(s);
      const load = () => (elem === 4 ? f.f32Load().f64PromoteF32() : f.f64Load());
      f.get(d).get(s); load(); f.f64Store(0);
      f.get(d).get(s).get(cs).i32Add(); load(); f.f64Store(8);
      f.get(d).get(s).get(cs2).i32Add(); load(); f.f64Store(16);
      f.get(d).get(s).get(cs3).i32Add(); load(); f.f64Store(24);
      f.addTo(d, 32);
    });
  });
}

interface Kernels {
  pack32(src: number, ks: number, cs: number, dst: number, panels: number, kc: number): void;
  pack64(src: number, ks: number, cs: number, dst: number, panels: number, kc: number): void;
  macro32(pA: number, pB: number, pC: number, mPanels: number, nPanels: number, kc: number, ldc: number): void;
  macro64(pA: number, pB: number, pC: number, mPanels: number, nPanels: number, kc: number, ldc: number): void;
}

/** The kernels' module, compiled once at load; null where WebAssembly or its SIMD is missing. */
function compile(): WebAssembly.Module | null {
  try {
    if (typeof WebAssembly !== 'object') return null;
    const m = new ModuleBuilder();
    for (const [name, elem] of [['macro32', 4], ['macro64', 8]] as const) emitMacro(m.func(name, [I32, I32, I32, I32, I32, I32, I32]), elem);
    for (const [name, elem] of [['pack32', 4], ['pack64', 8]] as const) emitPack(m.func(name, [I32, I32, I32, I32, I32, I32]), elem);
    const bytes = m.encode();
    if (!WebAssembly.validate(bytes)) return null; // no SIMD here
    return new WebAssembly.Module(bytes);
  } catch {
    return null;
  }
}

/** One packing routine shared with the TS kernel (see ../matmul.ts). */
export type PackPanels = (
  X: TypedArray, off: number, dst: Float64Array | number[], dstOff: number, i0: number, pc: number, L: number, K: number,
  kc: number, panels: number, W: number, kMajor: boolean,
) => void;

/** Operands up to this many bytes together are copied into wasm memory whole and packed there;
 * larger ones are packed block by block from JS (so wasm memory, which never shrinks, stays small). */
const MAX_RAW_BYTES = 64 * 2 ** 20;
/** Products whose C would need more wasm memory than this run on the TS kernel instead. */
const MAX_C_BYTES = 256 * 2 ** 20;

/**
 * Build the SIMD gemm around the given packing routine, or null when WebAssembly SIMD is not
 * available. Same contract as `gemm` in ../matmul.ts: C[M×N] += op(A)·op(B); returns false (and
 * does nothing) when it cannot take the product: operands of mixed dtypes, or too large for wasm memory.
 */
export function createSimdGemm(pack: PackPanels, KC: number, MC: number, NC: number): ((
  A: TypedArray, aOff: number, B: TypedArray, bOff: number, C: TypedArray, cOff: number,
  M: number, N: number, K: number, transA: boolean, transB: boolean,
) => boolean) | null {
  const module = compile();
  if (!module) return null;
  // Memory and instance on first use, so importing descent costs no wasm memory.
  let memory: WebAssembly.Memory | null = null;
  let kernels: Kernels | null = null;
  let F64 = new Float64Array(0);
  // layout (bytes): packed A (MC × KC f64) | packed B (KC × NC f64) | C (Mpad × Npad) | raw A | raw B
  const offA = 0;
  const offB = offA + MC * KC * 8;
  const offC = offB + KC * NC * 8;
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
    if (F64.buffer !== memory.buffer) F64 = new Float64Array(memory.buffer);
    return memory;
  };

  return (A, aOff, B, bOff, C, cOff, M, N, K, transA, transB) => {
    const elem = C instanceof Float32Array ? 4 : 8;
    if (A.constructor !== C.constructor || B.constructor !== C.constructor) return false;
    const Npad = Math.ceil(N / NR) * NR, Mpad = Math.ceil(M / MR) * MR;
    const cBytes = Mpad * Npad * elem;
    if (cBytes > MAX_C_BYTES) return false;
    const raw = (M * K + K * N) * elem <= MAX_RAW_BYTES;
    const offRawA = offC + cBytes, offRawB = offRawA + (raw ? M * K * elem : 0);
    let memory: WebAssembly.Memory;
    try {
      memory = ensure(raw ? offRawB + K * N * elem : offRawA);
    } catch {
      return false; // memory.grow refused
    }
    const view = (like: TypedArray, byteOffset: number, length: number): TypedArray => (like instanceof Float32Array
      ? new Float32Array(memory.buffer, byteOffset, length) : new Float64Array(memory.buffer, byteOffset, length));
    const Cw = view(C, offC, Mpad * Npad);
    if (Npad === N) Cw.set(C.subarray(cOff, cOff + M * N));
    else for (let r = 0; r < M; r++) Cw.set(C.subarray(cOff + r * N, cOff + r * N + N), r * Npad);
    if (raw) {
      view(A, offRawA, M * K).set(A.subarray(aOff, aOff + M * K));
      view(B, offRawB, K * N).set(B.subarray(bOff, bOff + K * N));
    }
    const k = kernels!;
    const macro = elem === 4 ? k.macro32 : k.macro64;
    const packRaw = elem === 4 ? k.pack32 : k.pack64;
    // Pack `panels` panels of op(X)'s vectors i0… (rows of op(A) or columns of op(B)), K block pc.
    // kMajor: X is stored [K × L]; else [L × K]. Full panels in wasm, a ragged last one in JS.
    const packOperand = (X: TypedArray, xOff: number, rawOff: number, dst: number, i0: number, pc: number,
      L: number, kc: number, panels: number, W: number, kMajor: boolean): void => {
      if (!raw) { pack(X, xOff, F64, dst / 8, i0, pc, L, K, kc, panels, W, kMajor); return; }
      const full = Math.min(panels, Math.floor((L - i0) / W));
      if (full > 0) {
        const ks = kMajor ? L * elem : elem, cs = kMajor ? elem : K * elem;
        packRaw(rawOff + (kMajor ? pc * L + i0 : i0 * K + pc) * elem, ks, cs, dst, full, kc);
      }
      if (full < panels) pack(X, xOff, F64, dst / 8 + full * kc * W, i0 + full * W, pc, L, K, kc, panels - full, W, kMajor);
    };
    for (let jc = 0; jc < N; jc += NC) {
      const nPanels = Math.ceil(Math.min(NC, N - jc) / NR);
      for (let pc = 0; pc < K; pc += KC) {
        const kc = Math.min(KC, K - pc);
        packOperand(B, bOff, offRawB, offB, jc, pc, N, kc, nPanels, NR, !transB);
        for (let ic = 0; ic < M; ic += MC) {
          const mPanels = Math.ceil(Math.min(MC, M - ic) / MR);
          packOperand(A, aOff, offRawA, offA, ic, pc, M, kc, mPanels, MR, transA);
          macro(offA, offB, offC + (ic * Npad + jc) * elem, mPanels, nPanels, kc, Npad * elem);
        }
      }
    }
    if (Npad === N) C.set(Cw.subarray(0, M * N), cOff);
    else for (let r = 0; r < M; r++) C.set(Cw.subarray(r * Npad, r * Npad + N), cOff + r * N);
    return true;
  };
}
