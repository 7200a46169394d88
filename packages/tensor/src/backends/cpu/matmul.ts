import type { TypedArray } from '../../types.js';
import { ValueError } from '../../errors.js';
import { cpuThreadCount, setCpuThreadCount } from './wasm/cpu_threads.js';
import { createSimdGemm, type MatmulThreadStats } from './wasm/gemm_simd.js';

// Blocking sizes: a packed block of B (KC × NC) fits in L2, a packed MR-row sliver of A in L1.
// KC also fixes the summation order (each C element gets one float64 partial sum per K block, added
// into C once per block), so changing it changes float32 results in the last bits: keep it at 256.
// The SIMD kernel (./wasm/gemm_simd.ts) uses the same KC and order, hence the same results.
const KC = 256;
// Micro-tile: MR rows × NR columns of C in 8 scalar accumulators, k unrolled by 2. V8 has 15
// allocatable XMM registers and does not vectorise; of the shapes tried (4×4, 2×5, 3×4, 2×6, 4×2,
// 2×4 with and without unrolling) 2×4×2 was fastest together with 2×5 and the most robust (below).
const MR = 2;
const NR = 4;
const NC = 512; // a multiple of NR

// Pack buffers, allocated once (per-call allocation cost more than the arithmetic for the MLP's
// small products), as plain arrays of doubles (PACKED_DOUBLE_ELEMENTS) rather than Float64Arrays:
// once any ArrayBuffer in the process has been detached (every WebAssembly.Memory.grow does it,
// tsx's module lexer does it at startup), V8 adds a detached-buffer check to every typed-array
// access, which cost the Float64Array version 20% (5.7 → 4.5 GFLOP/s); plain arrays are immune
// (5.1–5.6 either way). `const`, so TurboFan treats them as constants.
const packA: number[] = Array.from({ length: KC * MR }, () => 0.5);
const packB: number[] = Array.from({ length: KC * NC }, () => 0.5);
const tile: number[] = Array.from({ length: MR * NR }, () => 0.5);

/**
 * C[M×N] += op(A)[M×K] · op(B)[K×N] for one matrix pair, where op transposes when the flag is set.
 * Runs the WebAssembly SIMD kernel where available (see {@link setMatmulKernel}), on several threads
 * for large products (see {@link setMatmulThreads}; the same bits as on one), else {@link gemmJs}.
 * float64: all give bitwise identical results; float32: the SIMD kernel sums in float32, the TS
 * kernel in float64, so they agree within float32 rounding. `cIsZero`: C is known to hold zeros
 * (a fresh output), so it need not be read.
 *
 * @example
 * ```ts
 * gemm(a, 0, b, 0, c, 0, m, n, k, false, true);
 * ```
 */
export function gemm(
  A: TypedArray, aOff: number, B: TypedArray, bOff: number, C: TypedArray, cOff: number,
  M: number, N: number, K: number, transA: boolean, transB: boolean, cIsZero = false,
): void {
  if (M === 0 || N === 0 || K === 0) return;
  const work = M * N * K;
  if (simd && kernelMode !== 'js' && (kernelMode === 'wasm' || work >= SIMD_MIN_WORK)) {
    // the same SIMD kernel on several threads, or on this one: bitwise the same results
    if (work >= threadsMinWork && (threadsMinWork === 0 || (M >= THREADS_MIN_SIDE && N >= THREADS_MIN_SIDE)) && matmulThreadsInUse() > 1
      && simd.gemmThreaded(A, aOff, B, bOff, C, cOff, M, N, K, transA, transB, fmaOn, cIsZero, cpuThreadCount())) return;
    if (simd.gemm(A, aOff, B, bOff, C, cOff, M, N, K, transA, transB, fmaOn, cIsZero)) return;
  }
  gemmJs(A, aOff, B, bOff, C, cOff, M, N, K, transA, transB);
}

/** The pure-TypeScript gemm: the reference, and the kernel wherever WebAssembly SIMD is missing.
 * Both operands are packed into MR/NR-wide panels (the transposition is absorbed by the packing),
 * then a 2×4 register-tiled micro-kernel keeps 8 accumulators in registers over each K block.
 * @example
 * ```ts
 * gemmJs(a, 0, b, 0, c, 0, m, n, k, false, false);
 * ```
 */
export function gemmJs(
  A: TypedArray, aOff: number, B: TypedArray, bOff: number, C: TypedArray, cOff: number,
  M: number, N: number, K: number, transA: boolean, transB: boolean,
): void {
  if (M === 0 || N === 0 || K === 0) return;
  const pB = packB, pA = packA;
  for (let jc = 0; jc < N; jc += NC) {
    const nc = Math.min(NC, N - jc);
    const panelsB = Math.ceil(nc / NR);
    for (let pc = 0; pc < K; pc += KC) {
      const kc = Math.min(KC, K - pc);
      const kEven = kc & ~1;
      packPanels(B, bOff, pB, 0, jc, pc, N, K, kc, panelsB, NR, !transB);
      for (let ic = 0; ic < M; ic += MR) {
        const mr = Math.min(MR, M - ic);
        packPanels(A, aOff, pA, 0, ic, pc, M, K, kc, 1, MR, transA);
        for (let q = 0; q < panelsB; q++) {
          let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
          let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
          let pb = q * kc * NR;
          let pa = 0;
          let k = 0;
          for (; k < kEven; k += 2, pa += 2 * MR, pb += 2 * NR) {
            let a0 = pA[pa]!, a1 = pA[pa + 1]!;
            let b0 = pB[pb]!, b1 = pB[pb + 1]!, b2 = pB[pb + 2]!, b3 = pB[pb + 3]!;
            c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
            c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
            a0 = pA[pa + 2]!; a1 = pA[pa + 3]!;
            b0 = pB[pb + 4]!; b1 = pB[pb + 5]!; b2 = pB[pb + 6]!; b3 = pB[pb + 7]!;
            c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
            c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
          }
          if (k < kc) {
            const a0 = pA[pa]!, a1 = pA[pa + 1]!;
            const b0 = pB[pb]!, b1 = pB[pb + 1]!, b2 = pB[pb + 2]!, b3 = pB[pb + 3]!;
            c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
            c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
          }
          const j = jc + q * NR;
          const nr = Math.min(NR, N - j);
          let o = cOff + ic * N + j;
          if (mr === MR && nr === NR) {
            C[o] += c00; C[o + 1] += c01; C[o + 2] += c02; C[o + 3] += c03; o += N;
            C[o] += c10; C[o + 1] += c11; C[o + 2] += c12; C[o + 3] += c13;
          } else {
            tile[0] = c00; tile[1] = c01; tile[2] = c02; tile[3] = c03;
            tile[4] = c10; tile[5] = c11; tile[6] = c12; tile[7] = c13;
            for (let r = 0; r < mr; r++, o += N) for (let c = 0; c < nr; c++) C[o + c] += tile[r * NR + c]!;
          }
        }
      }
    }
  }
}

/**
 * Pack `panels` panels of W vectors (W = NR for B, MR for A) of one K block into `dst`, interleaved
 * so the micro-kernel reads them sequentially: dst[(p·kc + k)·W + c] = element pc + k of vector
 * i0 + p·W + c, from `dstOff` on. `kMajor`: the vectors are columns of a row-major [K × L] matrix (B, or a transposed
 * A); otherwise rows of a row-major [L × K] matrix. Vectors past L are zero-filled.
 */
function packPanels(
  X: TypedArray, off: number, dst: TypedArray | number[], dstOff: number, i0: number, pc: number, L: number, K: number,
  kc: number, panels: number, W: number, kMajor: boolean,
): void {
  for (let p = 0; p < panels; p++) {
    const first = i0 + p * W;
    const w = Math.min(W, L - first); // real vectors in this panel
    const base = dstOff + p * kc * W;
    if (kMajor) {
      // row k of the block holds the panel's W vectors side by side: copy them contiguously
      for (let k = 0, s = off + pc * L + first, d = base; k < kc; k++, s += L, d += W) {
        for (let c = 0; c < w; c++) dst[d + c] = X[s + c]!;
        for (let c = w; c < W; c++) dst[d + c] = 0;
      }
    } else {
      for (let c = 0; c < W; c++) {
        let d = base + c;
        if (c >= w) { for (let k = 0; k < kc; k++, d += W) dst[d] = 0; continue; }
        for (let k = 0, s = off + (first + c) * K + pc; k < kc; k++, s++, d += W) dst[d] = X[s]!;
      }
    }
  }
}

// ── WebAssembly SIMD ───────────────────────────────────────────────────────────────────────────
// Below this many multiply-adds the JS kernel wins (the SIMD path copies C in and out of wasm memory).
const SIMD_MIN_WORK = 16 * 16 * 16;
const simd = createSimdGemm(packPanels, KC, 128, 512);
let kernelMode: MatmulKernel = 'auto';
let fmaOn = false;

/** Which gemm the CPU backend's MatMul runs: `'auto'` (WebAssembly SIMD where available, for all
 * but tiny products), `'js'` (always the pure-TypeScript reference), `'wasm'` (SIMD whenever available).
 * float64 results are bitwise identical; float32 ones agree within float32 rounding.
 * @example
 * ```ts
 * const previous: MatmulKernel = cpuBackend.setMatmulKernel('js');
 * ```
 */
export type MatmulKernel = 'auto' | 'js' | 'wasm';

/** Choose the matmul kernel (see {@link MatmulKernel}); returns the previous choice.
 * @example
 * ```ts
 * const previous = setMatmulKernel('js'); // the pure-TS reference
 * ```
 */
export function setMatmulKernel(kernel: MatmulKernel): MatmulKernel {
  const previous = kernelMode;
  kernelMode = kernel;
  return previous;
}

/** The kernel large products run on now: 'wasm-simd' or 'js'.
 * @example
 * ```ts
 * matmulKernelInUse(); // 'wasm-simd' on Node ≥ 16
 * ```
 */
export function matmulKernelInUse(): 'wasm-simd' | 'js' {
  return simd && kernelMode !== 'js' ? 'wasm-simd' : 'js';
}

/** Use fused multiply-adds (relaxed SIMD `f32x4.relaxed_madd`) in the float32 SIMD kernel, where the
 * runtime has relaxed SIMD (Node 20 behind `--experimental-wasm-relaxed-simd`); returns the previous
 * setting. Off by default: a relaxed multiply-add may or may not round the product, depending on the
 * CPU, so results would change from machine to machine; off, they are the same everywhere.
 * `DESCENT_CPU_FMA=1` turns it on at startup. float64 products never use it.
 * @example
 * ```ts
 * const previous = setMatmulFma(true);
 * ```
 */
export function setMatmulFma(on: boolean): boolean {
  const previous = fmaOn;
  fmaOn = on;
  return previous;
}

/** Whether float32 products run with fused multiply-adds now (see {@link setMatmulFma}).
 * @example
 * ```ts
 * matmulFmaInUse(); // false unless enabled and the runtime has relaxed SIMD
 * ```
 */
export function matmulFmaInUse(): boolean {
  return fmaOn && simd !== null && simd.fmaAvailable && kernelMode !== 'js';
}

// ── Worker threads ─────────────────────────────────────────────────────────────────────────────
// From this many multiply-adds on, a product whose C has at least THREADS_MIN_SIDE rows and columns
// is spread over the threads (see setMatmulThreads). Measured on the 2-core Xeon VM (docs/performance.md,
// item 20), threaded against one thread, now that each chunk packs its own rows of A and float32 B is
// read in place: 1.45× for 128³, 1.36× for the MLP's 64×784·784×256, 1.27× for the CNN's 64×288·288×196,
// 1.65–1.70× for 256³ and the Transformer's 1024×64·64×128, 0.99× for 64×128·(256×128)ᵀ; 0.51× for 64³,
// where the worker spends its chunk pulling A and B (just copied by the calling thread) across cores.
const DEFAULT_THREADS_MIN_WORK = 2 ** 21;
const THREADS_MIN_SIDE = 64;
let threadsMinWork = DEFAULT_THREADS_MIN_WORK;
/** Spread large matmul products (from `minWork` multiply-adds on, default 2^21 = 128³, with at least 64 rows
 * and columns in C; `minWork` 0: every product; float32 and float64) over `threads`
 * threads: the calling thread and `threads − 1` worker threads working in the tensor heap (a shared WebAssembly memory). Results
 * are bitwise identical to one thread's. The count is the CPU backend's: large elementwise ops on tensors
 * in the tensor heap (inside memory scopes) use the same threads. 1 turns threading off (and stops the workers). The default is
 * `DESCENT_THREADS` if set, else `os.availableParallelism()` (at most 16), so threading is off on a
 * one-core machine. The workers start at the first large product and never keep the process alive.
 * Returns the previous count.
 * @example
 * ```ts
 * const previous = setMatmulThreads(1); // single-threaded
 * ```
 */
export function setMatmulThreads(threads: number, minWork = DEFAULT_THREADS_MIN_WORK): number {
  if (!Number.isInteger(threads) || threads < 1 || threads > 256) {
    throw new ValueError(`setMatmulThreads: threads must be an integer from 1 to 256 (1: the calling thread only), but got ${String(threads)}`);
  }
  if (!Number.isInteger(minWork) || minWork < 0) {
    throw new ValueError(`setMatmulThreads: minWork must be an integer ≥ 0 (multiply-adds M·N·K from which a product is threaded), but got ${String(minWork)}`);
  }
  threadsMinWork = minWork;
  return setCpuThreadCount(threads);
}

/** How many threads large matmul products run on now (1 where worker threads or shared WebAssembly
 * memory are missing, the tensor heap is off (`DESCENT_HEAP_MB=0`), or the pure-TS kernel is selected).
 * @example
 * ```ts
 * matmulThreadsInUse(); // 2 on a two-core machine
 * ```
 */
export function matmulThreadsInUse(): number {
  const threads = cpuThreadCount();
  return simd && kernelMode !== 'js' && threads > 1 && simd.threadsAvailable() ? threads : 1;
}

/** Stop the matmul worker threads now (the next large product starts them again). Resolves when they
 * have exited. Never needed for a process to exit: the workers do not keep it alive.
 * @example
 * ```ts
 * await stopMatmulThreads();
 * ```
 */
export function stopMatmulThreads(): Promise<void> {
  return simd ? simd.closeThreads() : Promise.resolve();
}

/** The matmul worker pool's counters (null before it starts or where there is none): see
 * {@link MatmulThreadStats}. Under CPU contention the calling thread runs most chunks.
 * @example
 * ```ts
 * matmulThreadStats()?.chunks.workers;
 * ```
 */
export function matmulThreadStats(): MatmulThreadStats | null {
  return simd ? simd.threadStats() : null;
}
