import { gemm, setMatmulKernel } from '../../packages/tensor/src/backends/cpu/matmul.js';
type G = (A: Float32Array, B: Float32Array, C: Float32Array, M: number, N: number, K: number, tA: boolean, tB: boolean) => void;
const mk = (mode: 'js' | 'wasm'): G => (A, B, C, M, N, K, tA, tB) => { setMatmulKernel(mode); gemm(A, 0, B, 0, C, 0, M, N, K, tA, tB); };
function rnd(n: number) { const a = new Float32Array(n); let s = 1; for (let i = 0; i < n; i++) { s = (s * 16807) % 2147483647; a[i] = s / 2147483647 - 0.5; } return a; }
const variants: Array<[string, G]> = [['js', mk('js')], ['wasm', mk('wasm')]];
const shapes: Array<[string, number, number, number, boolean, boolean]> = [
  ['32', 32, 32, 32, false, false], ['64', 64, 64, 64, false, false], ['256', 256, 256, 256, false, false], ['512', 512, 512, 512, false, false], ['1024', 1024, 1024, 1024, false, false],
  ['fwd1', 64, 256, 784, false, false], ['dW1', 784, 256, 64, true, false], ['dX2', 64, 256, 128, false, true], ['fwd2', 64, 128, 256, false, false], ['fwd3', 64, 10, 128, false, false],
];
const best: Record<string, number[]> = {};
shapes.forEach(([sn, M, N, K, tA, tB], si) => {
  const A = rnd(M * K), B = rnd(K * N), C = new Float32Array(M * N);
  const reps = Math.max(2, Math.round(3e7 / (M * N * K)));
  for (const [, g] of variants) for (let i = 0; i < 3; i++) g(A, B, C, M, N, K, tA, tB);
  for (let r = 0; r < (M > 512 ? 3 : 7); r++) for (const [name, g] of variants) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) g(A, B, C, M, N, K, tA, tB);
    const gf = 2 * M * N * K / ((performance.now() - t0) / reps) / 1e6;
    (best[name] ??= [])[si] = Math.max(best[name]![si] ?? 0, gf);
  }
});
for (const [name] of variants) console.log(name.padEnd(6), shapes.map(([sn], i) => `${sn} ${best[name]![i]!.toFixed(2)}`).join('  '));
