import { buildMacro } from './wasm_proto.js';
import { naive } from './gen.js';
import { gemm as jsGemm } from '../../packages/tensor/src/backends/cpu/matmul.js';
type G = (A: Float32Array, B: Float32Array, C: Float32Array, M: number, N: number, K: number, tA: boolean, tB: boolean) => void;
function makeWasmGemm(MR: number, NR: number, unrollK: number): G {
  const memory = new WebAssembly.Memory({ initial: 256 }); // 16 MB
  const bytes = buildMacro(MR, NR, unrollK);
  const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
  const macro = inst.exports.macro as (...a: number[]) => void;
  const F = new Float64Array(memory.buffer);
  const KC = 256, NC = 512 - 512 % NR, MC = 128 - 128 % MR;
  const offA = 0, offB = MC * KC, offC = offB + KC * (NC + NR); // in doubles
  return (A, B, C, M, N, K, tA, tB) => {
    for (let jc = 0; jc < N; jc += NC) {
      const nc = Math.min(NC, N - jc), nP = Math.ceil(nc / NR);
      for (let pc = 0; pc < K; pc += KC) {
        const kc = Math.min(KC, K - pc);
        // pack B
        for (let q = 0; q < nP; q++) for (let k = 0; k < kc; k++) for (let c = 0; c < NR; c++) {
          const jj = jc + q * NR + c;
          F[offB + (q * kc + k) * NR + c] = jj < N ? (tB ? B[jj * K + pc + k]! : B[(pc + k) * N + jj]!) : 0;
        }
        for (let ic = 0; ic < M; ic += MC) {
          const mc = Math.min(MC, M - ic), mP = Math.ceil(mc / MR);
          for (let p = 0; p < mP; p++) for (let k = 0; k < kc; k++) for (let r = 0; r < MR; r++) {
            const ii = ic + p * MR + r;
            F[offA + (p * kc + k) * MR + r] = ii < M ? (tA ? A[(pc + k) * M + ii]! : A[ii * K + pc + k]!) : 0;
          }
          const ldc = nP * NR;
          macro(offA * 8, offB * 8, offC * 8, mP, nP, kc, ldc);
          for (let r = 0; r < mc; r++) {
            const src = offC + r * ldc, dst = (ic + r) * N + jc;
            for (let c = 0; c < nc; c++) C[dst + c] += F[src + c]!;
          }
        }
      }
    }
  };
}
function rnd(n: number) { const a = new Float32Array(n); let s = 1; for (let i = 0; i < n; i++) { s = (s * 16807) % 2147483647; a[i] = s / 2147483647 - 0.5; } return a; }
const variants: Array<[string, G]> = [['js', (A, B, C, M, N, K, tA, tB) => jsGemm(A, 0, B, 0, C, 0, M, N, K, tA, tB)]];
for (const s of process.argv.slice(2)) { const [mr, nr, u] = s.split(',').map(Number); variants.push([s, makeWasmGemm(mr!, nr!, u ?? 1)]); }
for (const [name, g] of variants) for (const [M, N, K] of [[7, 9, 13], [33, 17, 300], [130, 600, 3]]) for (const tA of [false, true]) for (const tB of [false, true]) {
  const A = rnd(M! * K!), B = rnd(K! * N!), C = new Float32Array(M! * N!), C2 = new Float32Array(M! * N!);
  g(A, B, C, M!, N!, K!, tA, tB); jsGemm(A, 0, B, 0, C2, 0, M!, N!, K!, tA, tB);
  for (let i = 0; i < C.length; i++) if (C[i] !== C2[i]) throw new Error(`${name} differs at ${M},${N},${K},${tA},${tB}`);
}
console.log('all variants bitwise equal to the JS kernel');
const shapes: Array<[string, number, number, number, boolean, boolean]> = [
  ['256', 256, 256, 256, false, false], ['512', 512, 512, 512, false, false],
  ['fwd1', 64, 256, 784, false, false], ['dW1', 784, 256, 64, true, false], ['dX2', 64, 256, 128, false, true], ['fwd2', 64, 128, 256, false, false],
];
const best: Record<string, number[]> = {};
shapes.forEach(([sn, M, N, K, tA, tB], si) => {
  const A = rnd(M * K), B = rnd(K * N), C = new Float32Array(M * N);
  const reps = Math.max(2, Math.round(3e7 / (M * N * K)));
  for (const [, g] of variants) for (let i = 0; i < 3; i++) g(A, B, C, M, N, K, tA, tB);
  for (let r = 0; r < 7; r++) for (const [name, g] of variants) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) g(A, B, C, M, N, K, tA, tB);
    const gf = 2 * M * N * K / ((performance.now() - t0) / reps) / 1e6;
    (best[name] ??= [])[si] = Math.max(best[name]![si] ?? 0, gf);
  }
});
for (const [name] of variants) console.log(name.padEnd(10), shapes.map(([sn], i) => `${sn} ${best[name]![i]!.toFixed(2)}`).join('  '));
