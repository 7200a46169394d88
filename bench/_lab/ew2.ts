import { add, tensor, Rng } from '@descent/tensor';
const n = 1e6, rng = new Rng(1);
const a = new Float32Array(n).map(() => rng.uniform()), b = new Float32Array(n).map(() => rng.uniform());
const A = tensor(a, { shape: [n] }), B = tensor(b, { shape: [n] });
for (let i = 0; i < 50; i++) add(A, B);
console.log('---');
const t0 = performance.now();
for (let i = 0; i < 40; i++) add(A, B);
console.log('ns/el', ((performance.now() - t0) / 40 * 1e6 / n).toFixed(3));
