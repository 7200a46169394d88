import { add, mul, tensor, Rng } from '@descent/tensor';
import { timeIt } from '../lib/timing.js';
const n = 1e6, rng = new Rng(1);
const a = new Float32Array(n).map(() => rng.uniform()), b = new Float32Array(n).map(() => rng.uniform());
const A = tensor(a, { shape: [n] }), B = tensor(b, { shape: [n] });
for (let r = 0; r < 4; r++) {
  const ta = timeIt(() => { add(A, B); }, { warmup: 5, minReps: 15, maxReps: 200, minTotalMs: 500 });
  const tm = timeIt(() => { mul(A, B); }, { warmup: 5, minReps: 15, maxReps: 200, minTotalMs: 500 });
  console.log('add', (ta * 1e6 / n).toFixed(3), 'mul', (tm * 1e6 / n).toFixed(3));
}
