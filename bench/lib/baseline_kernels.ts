// The CPU kernels as they were before the issue-9 speed work, kept verbatim so the before/after
// figures in docs/performance.md can be reproduced in one process (`bench/baseline.ts`).
import {
  getKernel, registerKernel, type KernelConfig, type KernelFunc, type TensorInfo,
} from '@descent/tensor';
import { broadcastShapes, shapesEqual, stridesOf } from '@descent/tensor';

type TypedArray = Float32Array | Float64Array;
type CpuInfo = TensorInfo & { handle: { array: { data: TypedArray } } };
const valuesOf = (info: TensorInfo): TypedArray => (info as CpuInfo).handle.array.data;

/** The original gemm: packed 4×4 register tile, pack buffers allocated per call. */
export function gemmBaseline(
  A: TypedArray, aOff: number, B: TypedArray, bOff: number, C: TypedArray, cOff: number,
  M: number, N: number, K: number, transA: boolean, transB: boolean,
): void {
  const KC = 256, NC = 512;
  const packB = new Float64Array(KC * (Math.min(NC, N) + 3));
  const packA = new Float64Array(KC * 4);
  for (let jc = 0; jc < N; jc += NC) {
    const nc = Math.min(NC, N - jc);
    const panelsB = (nc + 3) >> 2;
    for (let pc = 0; pc < K; pc += KC) {
      const kc = Math.min(KC, K - pc);
      for (let q = 0; q < panelsB; q++) {
        const base = q * kc * 4;
        for (let c = 0; c < 4; c++) {
          const j = jc + q * 4 + c;
          if (j >= N) { for (let k = 0; k < kc; k++) packB[base + k * 4 + c] = 0; continue; }
          if (transB) { const row = bOff + j * K + pc; for (let k = 0; k < kc; k++) packB[base + k * 4 + c] = B[row + k]!; }
          else { let p = bOff + pc * N + j; for (let k = 0; k < kc; k++, p += N) packB[base + k * 4 + c] = B[p]!; }
        }
      }
      for (let ic = 0; ic < M; ic += 4) {
        const mr = Math.min(4, M - ic);
        for (let r = 0; r < 4; r++) {
          const i = ic + r;
          if (r >= mr) { for (let k = 0; k < kc; k++) packA[k * 4 + r] = 0; continue; }
          if (transA) { let p = aOff + pc * M + i; for (let k = 0; k < kc; k++, p += M) packA[k * 4 + r] = A[p]!; }
          else { const row = aOff + i * K + pc; for (let k = 0; k < kc; k++) packA[k * 4 + r] = A[row + k]!; }
        }
        for (let q = 0; q < panelsB; q++) {
          let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
          let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
          let pb = q * kc * 4;
          let pa = 0;
          for (let k = 0; k < kc; k++, pa += 4, pb += 4) {
            const a0 = packA[pa]!, a1 = packA[pa + 1]!, a2 = packA[pa + 2]!, a3 = packA[pa + 3]!;
            const b0 = packB[pb]!, b1 = packB[pb + 1]!, b2 = packB[pb + 2]!, b3 = packB[pb + 3]!;
            c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
            c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
            c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
            c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
          }
          const j = jc + q * 4;
          const nr = Math.min(4, N - j);
          let o = cOff + ic * N + j;
          if (mr === 4 && nr === 4) {
            C[o] += c00; C[o + 1] += c01; C[o + 2] += c02; C[o + 3] += c03; o += N;
            C[o] += c10; C[o + 1] += c11; C[o + 2] += c12; C[o + 3] += c13; o += N;
            C[o] += c20; C[o + 1] += c21; C[o + 2] += c22; C[o + 3] += c23; o += N;
            C[o] += c30; C[o + 1] += c31; C[o + 2] += c32; C[o + 3] += c33;
          } else {
            const tile = [c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33];
            for (let r = 0; r < mr; r++, o += N) for (let c = 0; c < nr; c++) C[o + c] += tile[r * 4 + c]!;
          }
        }
      }
    }
  }
}

function allocate(shape: readonly number[], dtype: 'float32' | 'float64'): TypedArray {
  const n = shape.reduce((a, d) => a * d, 1);
  return dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
}

/** The original unary kernel: one plain loop shared by both dtypes. */
export function unaryKernelBaseline(expression: string): KernelFunc {
  const loop = new Function('X', 'out', 'n', 'p', `for (let i = 0; i < n; i++) { const x = X[i]; out[i] = ${expression}; }`) as (x: TypedArray, o: TypedArray, n: number, p: number) => void;
  return ({ inputs, backend }) => {
    const x = inputs.x!;
    const out = allocate(x.shape, x.dtype);
    loop(valuesOf(x), out, out.length, 0);
    return { shape: x.shape.slice(), dtype: x.dtype, handle: backend.write(out, x.shape, x.dtype) };
  };
}

/** The original binary kernel: plain flat / scalar loops, strided loop for any other broadcast. */
export function elementwiseKernelBaseline(names: string[], expression: string): KernelFunc {
  const flat = new Function(...names.map((_, j) => `A${j}`), 'out', 'n', `for (let i = 0; i < n; i++) { ${names.map((k, j) => `const ${k} = A${j}[i];`).join(' ')} out[i] = ${expression}; }`) as (...args: unknown[]) => void;
  const scalarB = new Function('A0', 'A1', 'out', 'n', `const ${names[1]} = A1[0]; for (let i = 0; i < n; i++) { const ${names[0]} = A0[i]; out[i] = ${expression}; }`) as (...args: unknown[]) => void;
  const strided = new Function('arrays', 'out', 'shape', 'strides', `
    const rank = shape.length, inner = shape[rank - 1], n = out.length;
    ${names.map((k, j) => `const A${j} = arrays[${j}], S${j} = strides[${j}], s${j} = S${j}[rank - 1];`).join('\n')}
    const idx = new Array(rank - 1).fill(0);
    ${names.map((_, j) => `let o${j} = 0;`).join(' ')}
    for (let base = 0; base < n; base += inner) {
      ${names.map((k, j) => `let p${j} = o${j};`).join(' ')}
      for (let i = 0; i < inner; i++) {
        ${names.map((k, j) => `const ${k} = A${j}[p${j}]; p${j} += s${j};`).join(' ')}
        out[base + i] = ${expression};
      }
      for (let ax = rank - 2; ax >= 0; ax--) {
        idx[ax]++;
        ${names.map((_, j) => `o${j} += S${j}[ax];`).join(' ')}
        if (idx[ax] < shape[ax]) break;
        ${names.map((_, j) => `o${j} -= S${j}[ax] * shape[ax];`).join(' ')}
        idx[ax] = 0;
      }
    }`) as (...args: unknown[]) => void;
  return ({ inputs, backend }) => {
    const infos = names.map((k) => inputs[k]!);
    let shape: number[] = infos[0]!.shape.slice();
    for (let j = 1; j < infos.length; j++) shape = broadcastShapes(shape, infos[j]!.shape, 'elementwise');
    const dtype = infos[infos.length - 1]!.dtype;
    const out = allocate(shape, dtype);
    const arrays = infos.map(valuesOf);
    if (infos.every((i) => shapesEqual(i.shape, shape))) flat(...arrays, out, out.length);
    else if (shapesEqual(infos[0]!.shape, shape) && infos[1]!.shape.reduce((p, d) => p * d, 1) === 1) scalarB(arrays[0], arrays[1], out, out.length);
    else if (out.length > 0) {
      const full = shape.length === 0 ? [1] : shape;
      const rank = full.length;
      strided(arrays, out, full, infos.map((info) => {
        const own = stridesOf(info.shape);
        const lead = rank - info.shape.length;
        return full.map((_, ax) => (ax < lead || info.shape[ax - lead] === 1 ? 0 : own[ax - lead]!));
      }));
    }
    return { shape, dtype, handle: backend.write(out, shape, dtype) };
  };
}

const matMulBaseline: KernelFunc = ({ inputs, attrs, backend }) => {
  const a = inputs.a!, b = inputs.b!;
  const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
  const ra = a.shape.length, rb = b.shape.length;
  const M = transposeA ? a.shape[ra - 1]! : a.shape[ra - 2]!;
  const K = transposeA ? a.shape[ra - 2]! : a.shape[ra - 1]!;
  const N = transposeB ? b.shape[rb - 2]! : b.shape[rb - 1]!;
  const batch = ra === 3 ? a.shape[0]! : rb === 3 ? b.shape[0]! : 0;
  const shape = batch ? [batch, M, N] : [M, N];
  const out = allocate(shape, a.dtype);
  const A = valuesOf(a), B = valuesOf(b);
  for (let i = 0; i < Math.max(batch, 1); i++) {
    gemmBaseline(A, ra === 3 ? i * M * K : 0, B, rb === 3 ? i * K * N : 0, out, i * M * N, M, N, K, transposeA, transposeB);
  }
  return { shape, dtype: a.dtype, handle: backend.write(out, shape, a.dtype) };
};

/** Swap in the original kernels of every op the MLP benchmark uses; returns a function restoring the current ones. */
export function useBaselineKernels(): () => void {
  const replacements: Record<string, KernelFunc> = {
    MatMul: matMulBaseline,
    Add: elementwiseKernelBaseline(['a', 'b'], 'a + b'),
    Sub: elementwiseKernelBaseline(['a', 'b'], 'a - b'),
    Mul: elementwiseKernelBaseline(['a', 'b'], 'a * b'),
    Div: elementwiseKernelBaseline(['a', 'b'], 'a / b'),
    Greater: elementwiseKernelBaseline(['a', 'b'], '(a > b ? 1 : 0)'),
    Neg: unaryKernelBaseline('-x'),
    Exp: unaryKernelBaseline('Math.exp(x)'),
    Relu: unaryKernelBaseline('(x <= 0 ? 0 : x)'),
  };
  const saved: KernelConfig[] = [];
  for (const [name, kernelFunc] of Object.entries(replacements)) {
    saved.push(getKernel(name, 'cpu')!);
    registerKernel({ kernelName: name, backendName: 'cpu', kernelFunc }, { replace: true });
  }
  return () => { for (const config of saved) registerKernel(config, { replace: true }); };
}
