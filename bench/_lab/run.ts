import { makeGemm, naive, type Gemm } from './gen.js';
import { gemm as current } from '../../packages/tensor/src/backends/cpu/matmul.js';
const shapes: Array<[string, number, number, number, boolean, boolean]> = [
  ['256', 256, 256, 256, false, false], ['512', 512, 512, 512, false, false],
  ['fwd1', 64, 256, 784, false, false], ['dW1', 784, 256, 64, true, false], ['dX2', 64, 256, 128, false, true], ['fwd2', 64, 128, 256, false, false],
];
function rnd(n: number) { const a = new Float32Array(n); let s = 1; for (let i = 0; i < n; i++) { s = (s * 16807) % 2147483647; a[i] = s / 2147483647 - 0.5; } return a; }
const specs = process.argv.slice(2);
const { gemm: old } = await import('./old_matmul.js');
const variants: Array<[string, Gemm]> = [['old', old as unknown as Gemm], ['current', current as unknown as Gemm]];
if (process.env.POLY) { const a = new Float64Array(64*64), c = new Float64Array(64*64); for (let i = 0; i < 20; i++) { current(a, 0, a, 0, c, 0, 64, 64, 64, false, false); old(a, 0, a, 0, c, 0, 64, 64, 64, true, true); } }
for (const s of specs) { const [mr, nr, t, u, kc, nc] = s.split(','); variants.push([s, makeGemm(+mr!, +nr!, t === 'f32' ? 'Float32Array' : 'Float64Array', kc ? +kc : 256, nc ? +nc : 512, u ? +u : 1)]); }
// correctness
for (const [name, g] of variants) {
  for (const [M, N, K] of [[7, 9, 13], [33, 17, 300], [5, 600, 3]]) for (const tA of [false, true]) for (const tB of [false, true]) {
    const A = rnd(M! * K!), B = rnd(K! * N!), C = new Float32Array(M! * N!);
    g(A, 0, B, 0, C, 0, M!, N!, K!, tA, tB);
    const R = naive(A, B, M!, N!, K!, tA, tB);
    for (let i = 0; i < R.length; i++) if (Math.abs(R[i]! - C[i]!) > 1e-4) throw new Error(`${name} wrong at ${M},${N},${K},${tA},${tB}`);
  }
}
const best: Record<string, number[]> = {};
const rounds = Number(process.env.ROUNDS ?? 7);
shapes.forEach(([sn, M, N, K, tA, tB], si) => {
  const A = rnd(M * K), B = rnd(K * N), C = new Float32Array(M * N);
  const reps = Math.max(2, Math.round(3e7 / (M * N * K)));
  for (const [, g] of variants) for (let i = 0; i < 2; i++) g(A, 0, B, 0, C, 0, M, N, K, tA, tB);
  for (let r = 0; r < rounds; r++) for (const [name, g] of variants) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) g(A, 0, B, 0, C, 0, M, N, K, tA, tB);
    const gf = 2 * M * N * K / ((performance.now() - t0) / reps) / 1e6;
    const b = (best[name] ??= []);
    b[si] = Math.max(b[si] ?? 0, gf);
  }
});
for (const [name] of variants) console.log(name.padEnd(18), shapes.map(([sn], i) => `${sn} ${best[name]![i]!.toFixed(2)}`).join('  '));
