type TypedArray = Float32Array | Float64Array;
const KC = 256;
const NC = 512;
export function gemm(
  A: TypedArray, aOff: number, B: TypedArray, bOff: number, C: TypedArray, cOff: number,
  M: number, N: number, K: number, transA: boolean, transB: boolean,
): void {
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
