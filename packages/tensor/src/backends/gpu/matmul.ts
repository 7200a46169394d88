import type { TensorInfo } from '../../backend.js';
import type { MatMulAttrs } from '../../kernel_names.js';
import type { KernelArgs, KernelFunc } from '../../kernel_registry.js';
import type { GpuArg, GpuKernelHost } from './kernel_host.js';
import { chunkedLoop, divmod, MAX_GPU_ELEMENTS } from './codegen.js';

// Why this shape: gpu.js turns every array read into an index → texel-coordinate computation with
// integer division and a texture fetch, which costs far more than the multiply-add it feeds. The
// straightforward kernel (one output per thread, `a[y][k] * b[k][x]`) does two such reads per
// multiply-add. Here both operands are first packed into `Array(4)` textures holding four
// consecutive k values per texel, and each thread computes a 2×2 block of C, returned as one
// `Array(4)`: per 4 values of k it reads 2 texels of A and 2 of B for 16 multiply-adds, 8× fewer
// reads per FLOP. The transposition flags only change how the operands are packed. A last pass
// unpacks the 2×2 blocks into the row-major result.

/** Pack `rows × K` (per batch) into `[batches, Rp, K4]` Array(4) texels along k, zero-padded. */
function pack(backend: GpuKernelHost, x: GpuArg, length: number, batches: number, rows: number, K: number, Rp: number, K4: number, rowMajor: boolean): unknown {
  const rowGuard = Rp !== rows;
  const kGuard = K4 * 4 !== K;
  const read = (c: number): string => {
    const off = rowMajor ? `base + ${c}` : `base + ${c * rows}`;
    const conds = [rowGuard ? `r < ${rows}` : '', kGuard ? `k0 + ${c} < ${K}` : ''].filter(Boolean);
    return conds.length ? `(${conds.join(' && ')} ? X[${backend.clampIndex(off, length)}] : 0)` : `X[${off}]`;
  };
  const source = `function(X) {
const t = this.thread.x;
${divmod('t', K4, 'u', 'k4')}
${batches > 1 ? divmod('u', Rp, 'z', 'r') : 'const z = 0; const r = u;'}
const k0 = k4 * 4;
const base = ${rowMajor ? `z * ${rows * K} + r * ${K} + k0` : `z * ${rows * K} + k0 * ${rows} + r`};
return [${[0, 1, 2, 3].map(read).join(', ')}];
}`;
  return backend.program(source, [batches * Rp * K4], { returnType: 'Array(4)' })(x);
}

/**
 * C = op(A)·op(B) with one output per thread reading the flat operands through strides: what the
 * CPU-side modes (webasm, cpu) run fastest, since for them a read is a memory load, not a texel fetch.
 */
function matmulPlain(backend: GpuKernelHost, a: TensorInfo, b: TensorInfo, tA: boolean, tB: boolean, M: number, K: number, N: number, bA: number, bB: number, batches: number, outShape: number[]): TensorInfo {
  // element (z, i, k) of op(A) and (z, k, j) of op(B) in the flat arrays
  const aRow = tA ? 1 : K, aK = tA ? M : 1;
  const bK = tB ? 1 : N, bCol = tB ? K : 1;
  const body = `s = s + A[ab + k * ${aK}] * B[bb + k * ${bK}];`;
  const source = `function(A, B) {
const t = this.thread.x;
${divmod('t', N, 'u', 'j')}
${batches > 1 ? divmod('u', M, 'z', 'i') : 'const z = 0; const i = u;'}
const ab = ${bA > 1 ? `z * ${M * K} + ` : ''}i * ${aRow};
const bb = ${bB > 1 ? `z * ${K * N} + ` : ''}j * ${bCol};
let s = 0;
${chunkedLoop('k', K, body)}
return s;
}`;
  const out = backend.program(source, [batches * M * N])(backend.arg(a), backend.arg(b));
  return backend.output(out, outShape);
}

/**
 * C = op(A)·op(B) for 2-D or batched 3-D operands, on the device: pack, multiply in 2×2 blocks,
 * unpack. The k loop is split into chunks of at most 4096 iterations.
 *
 * @example
 * ```ts
 * const c = matmulGpu(backend, a, b, false, true);
 * ```
 */
export function matmulGpu(backend: GpuKernelHost, a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean): TensorInfo | null {
  const ra = a.shape.length, rb = b.shape.length;
  const M = transposeA ? a.shape[ra - 1]! : a.shape[ra - 2]!;
  const K = transposeA ? a.shape[ra - 2]! : a.shape[ra - 1]!;
  const N = transposeB ? b.shape[rb - 2]! : b.shape[rb - 1]!;
  const batched = ra === 3 || rb === 3;
  const nb = ra === 3 ? a.shape[0]! : rb === 3 ? b.shape[0]! : 1;
  if (nb === 0) return null; // an empty batch: the CPU kernel returns [0, M, N]
  const batches = nb;
  const bA = ra === 3 ? batches : 1, bB = rb === 3 ? batches : 1;
  const K4 = Math.ceil(K / 4), M2 = Math.ceil(M / 2), N2 = Math.ceil(N / 2);
  const Mp = 2 * M2, Np = 2 * N2;
  const outShape = batched ? [nb, M, N] : [M, N];
  const sizes = [bA * Mp * K4, bB * Np * K4, batches * M2 * N2, batches * M * N];
  if (sizes.some((s) => s >= MAX_GPU_ELEMENTS || s <= 0)) return null;
  if (!backend.packedMatmul) return matmulPlain(backend, a, b, transposeA, transposeB, M, K, N, bA, bB, batches, outShape);
  const vec = backend.mode !== 'webasm'; // webasm kernels cannot hold an Array(4) in a local
  const A4 = pack(backend, backend.arg(a), bA * M * K, bA, M, K, Mp, K4, !transposeA);
  const B4 = pack(backend, backend.arg(b), bB * N * K, bB, N, K, Np, K4, transposeB);
  const dot = (x: string, y: string): string => [0, 1, 2, 3].map((c) => `${x}[${c}] * ${y}[${c}]`).join(' + ');
  const body = vec
    ? `const a0 = A[ra + k]; const a1 = A[ra + ${K4} + k]; const b0 = B[rb + k]; const b1 = B[rb + ${K4} + k];
c00 = c00 + ${dot('a0', 'b0')}; c01 = c01 + ${dot('a0', 'b1')};
c10 = c10 + ${dot('a1', 'b0')}; c11 = c11 + ${dot('a1', 'b1')};`
    : `c00 = c00 + ${dot('A[ra + k]', 'B[rb + k]')}; c01 = c01 + ${dot('A[ra + k]', `B[rb + ${K4} + k]`)};
c10 = c10 + ${dot(`A[ra + ${K4} + k]`, 'B[rb + k]')}; c11 = c11 + ${dot(`A[ra + ${K4} + k]`, `B[rb + ${K4} + k]`)};`;
  const mainSource = `function(A, B) {
const t = this.thread.x;
${divmod('t', N2, 'u', 'j2')}
${batches > 1 ? divmod('u', M2, 'z', 'i2') : 'const z = 0; const i2 = u;'}
const ra = (${bA > 1 ? `z * ${Mp} + ` : ''}i2 * 2) * ${K4};
const rb = (${bB > 1 ? `z * ${Np} + ` : ''}j2 * 2) * ${K4};
let c00 = 0; let c01 = 0; let c10 = 0; let c11 = 0;
${chunkedLoop('k', K4, body)}
return [c00, c01, c10, c11];
}`;
  const C4 = backend.program(mainSource, [batches * M2 * N2], { returnType: 'Array(4)' })(A4, B4);
  backend.free(A4);
  backend.free(B4);
  const pick = (v: string): string => `(ch === 0 ? ${v}[0] : (ch === 1 ? ${v}[1] : (ch === 2 ? ${v}[2] : ${v}[3])))`;
  const unpackSource = `function(C) {
const t = this.thread.x;
${divmod('t', N, 'u', 'j')}
${batches > 1 ? divmod('u', M, 'z', 'i') : 'const z = 0; const i = u;'}
${divmod('i', 2, 'i2', 'ii')}
${divmod('j', 2, 'j2', 'jj')}
const idx = (z * ${M2} + i2) * ${N2} + j2;
const ch = ii * 2 + jj;
${vec ? `const v = C[idx];\nreturn ${pick('v')};` : `return ${pick('C[idx]')};`}
}`;
  const out = backend.program(unpackSource, [batches * M * N])(C4);
  backend.free(C4);
  return backend.output(out, outShape);
}

/** The gpu MatMul kernel function (falls back to the CPU kernel for float64 or oversized operands).
 * @example
 * ```ts
 * registerKernel({ kernelName: MatMul, backendName: 'gpu', kernelFunc: matmulKernel });
 * ```
 */
export const matmulKernel: KernelFunc = (args: KernelArgs) => {
  const backend = args.backend as GpuKernelHost;
  const { transposeA, transposeB } = args.attrs as unknown as MatMulAttrs;
  if (backend.supports(args.inputs)) {
    const out = matmulGpu(backend, args.inputs.a!, args.inputs.b!, transposeA, transposeB);
    if (out) return out;
  }
  return backend.runOnCpu('MatMul', args);
};
