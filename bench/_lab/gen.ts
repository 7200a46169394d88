// generator of packed gemm variants for experiments
export type Gemm = (A: Float32Array, aOff: number, B: Float32Array, bOff: number, C: Float32Array, cOff: number, M: number, N: number, K: number, tA: boolean, tB: boolean) => void;
export function makeGemm(MR: number, NR: number, packType: 'Float64Array' | 'Float32Array', KC = 256, NC = 512, unroll = 1): Gemm {
  const acc: string[] = [];
  for (let r = 0; r < MR; r++) for (let c = 0; c < NR; c++) acc.push(`c${r}_${c}`);
  const body = (u: number) => {
    let s = '';
    for (let r = 0; r < MR; r++) s += `const a${r} = pA[pa + ${u * MR + r}];`;
    for (let c = 0; c < NR; c++) {
      s += `const b${c} = pB[pb + ${u * NR + c}];`;
      for (let r = 0; r < MR; r++) s += `c${r}_${c} += a${r} * b${c};`;
    }
    return '{' + s + '}';
  };
  let inner = '';
  for (let u = 0; u < unroll; u++) inner += body(u);
  const src = `
  const packB = new ${packType}(KC * (NC + NR));
  const packA = new ${packType}(KC * MR);
  NC = NC - NC % NR;
  return function gemm(A, aOff, B, bOff, C, cOff, M, N, K, transA, transB) {
    const pA = packA, pB = packB;
    for (let jc = 0; jc < N; jc += NC) {
      const nc = Math.min(NC, N - jc);
      const panelsB = Math.ceil(nc / NR);
      for (let pc = 0; pc < K; pc += KC) {
        const kc = Math.min(KC, K - pc);
        for (let q = 0; q < panelsB; q++) {
          const base = q * kc * NR;
          for (let c = 0; c < NR; c++) {
            const j = jc + q * NR + c;
            if (j >= N) { for (let k = 0; k < kc; k++) pB[base + k * NR + c] = 0; continue; }
            if (transB) { const row = bOff + j * K + pc; for (let k = 0; k < kc; k++) pB[base + k * NR + c] = B[row + k]; }
            else { let p = bOff + pc * N + j; for (let k = 0; k < kc; k++, p += N) pB[base + k * NR + c] = B[p]; }
          }
        }
        for (let ic = 0; ic < M; ic += MR) {
          const mr = Math.min(MR, M - ic);
          for (let r = 0; r < MR; r++) {
            const i = ic + r;
            if (r >= mr) { for (let k = 0; k < kc; k++) pA[k * MR + r] = 0; continue; }
            if (transA) { let p = aOff + pc * M + i; for (let k = 0; k < kc; k++, p += M) pA[k * MR + r] = A[p]; }
            else { const row = aOff + i * K + pc; for (let k = 0; k < kc; k++) pA[k * MR + r] = A[row + k]; }
          }
          for (let q = 0; q < panelsB; q++) {
            ${acc.map((a) => `let ${a} = 0;`).join(' ')}
            let pb = q * kc * NR, pa = 0;
            let k = 0;
            for (; k + ${unroll - 1} < kc; k += ${unroll}, pa += ${MR * unroll}, pb += ${NR * unroll}) { ${inner} }
            for (; k < kc; k++, pa += ${MR}, pb += ${NR}) ${body(0)}
            const j = jc + q * NR;
            const nr = Math.min(NR, N - j);
            let o = cOff + ic * N + j;
            if (mr === ${MR} && nr === ${NR}) {
              ${Array.from({ length: MR }, (_, r) => Array.from({ length: NR }, (_, c) => `C[o + ${c}] += c${r}_${c};`).join(' ') + ' o += N;').join('\n')}
            } else {
              const tile = [${acc.join(',')}];
              for (let r = 0; r < mr; r++, o += N) for (let c = 0; c < nr; c++) C[o + c] += tile[r * ${NR} + c];
            }
          }
        }
      }
    }
  };`;
  return new Function('KC', 'NC', 'NR', 'MR', src)(KC, NC, NR, MR) as Gemm;
}
export function naive(A: Float32Array, B: Float32Array, M: number, N: number, K: number, tA: boolean, tB: boolean): Float64Array {
  const C = new Float64Array(M * N);
  for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) {
    let s = 0;
    for (let k = 0; k < K; k++) s += (tA ? A[k * M + i]! : A[i * K + k]!) * (tB ? B[j * K + k]! : B[k * N + j]!);
    C[i * N + j] = s;
  }
  return C;
}
