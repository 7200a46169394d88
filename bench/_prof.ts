import { descentTrainer, initialParams, makeBatches } from './lib/mlp.js';
const tr = await descentTrainer(initialParams(), makeBatches(), (process.argv[2] as 'fused' | 'optim') ?? 'fused');
for (let i = 0; i < 30; i++) tr.step(i);
const ts: number[] = [];
for (let i = 0; i < 300; i++) { const t0 = performance.now(); tr.step(i); ts.push(performance.now() - t0); }
ts.sort((a, b) => a - b);
console.log(tr.optimizerName, 'median ms/step', ts[150]!.toFixed(2), 'min', ts[0]!.toFixed(2));
