import { add, crossEntropy, matmul, relu, tensor, type Tensor } from '@descent/tensor';
import { initialParams, makeBatches, BATCH, SIZES, tfTrainer, FusedAdam } from '../lib/mlp.js';
import { useTfBackend } from '../lib/tfjs.js';
const init = initialParams(), batches = makeBatches();
function descent(dtype: 'float32' | 'float64', steps: number): number[] {
  const cast = (v: Float32Array) => (dtype === 'float64' ? Float64Array.from(v) : v.slice());
  const params = init.values.map((v, i) => tensor(cast(v), { shape: init.shapes[i], dtype }).requireGrad());
  const xs = batches.map((b) => tensor(cast(b.x), { shape: [BATCH, SIZES[0]], dtype }));
  const [W1, b1, W2, b2, W3, b3] = params as [Tensor, Tensor, Tensor, Tensor, Tensor, Tensor];
  const m = params.map((p) => new Float64Array(p.size)), v = params.map((p) => new Float64Array(p.size));
  const out: number[] = [];
  for (let t = 1; t <= steps; t++) {
    const k = (t - 1) % batches.length;
    const loss = crossEntropy(add(matmul(relu(add(matmul(relu(add(matmul(xs[k]!, W1), b1)), W2), b2)), W3), b3), Array.from(batches[k]!.labels));
    loss.backward();
    out.push(loss.item());
    const bc1 = 1 - 0.9 ** t, bc2 = Math.sqrt(1 - 0.999 ** t);
    params.forEach((p, j) => { const P = p.buffer(), G = p.grad!.buffer(), M = m[j]!, V = v[j]!;
      for (let i = 0; i < P.length; i++) { M[i] = 0.9 * M[i]! + 0.1 * G[i]!; V[i] = 0.999 * V[i]! + 0.001 * G[i]! * G[i]!; P[i] = P[i]! - 1e-3 / bc1 * (M[i]! / (Math.sqrt(V[i]!) / bc2 + 1e-8)); }
      p.grad = null; });
  }
  return out;
}
const steps = 200;
const d32 = descent('float32', steps), d64 = descent('float64', steps);
const tf = await useTfBackend('cpu');
const tr = tfTrainer(tf, init, batches);
const tcpu: number[] = []; for (let i = 0; i < steps; i++) tcpu.push(tr.step(i));
for (const s of [1, 2, 3, 5, 10, 20, 40, 60, 100, 150, 200]) console.log(s, d32[s - 1]!.toFixed(7), d64[s - 1]!.toFixed(7), tcpu[s - 1]!.toFixed(7));
