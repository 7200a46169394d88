import { Rng, tensor } from '@descent/tensor';
import { Linear, ReLU, Sequential } from '@descent/layers';
import { Trainer } from '@descent/optim';
const rng = new Rng(0);
const model = new Sequential(new Linear(4, 32, { rng, dtype: 'float64' }), new ReLU(), new Linear(32, 3, { rng, dtype: 'float64' }));
const xs: number[][] = []; const y: number[] = [];
for (let i = 0; i < 64; i++) { xs.push([rng.normal(), rng.normal(), rng.normal(), rng.normal()]); y.push(i % 3); }
const t0 = performance.now();
const t = new Trainer({ model, loss: 'crossEntropy', optimizer: { name: 'adam', options: { lr: 0.01 } }, batchSize: 16, epochs: 375, seed: 0, progressBar: false });
t.fit({ x: tensor(xs, { dtype: 'float64' }), y });
console.log('1500 steps', performance.now() - t0, 'ms', process.memoryUsage().rss / 1e6);
