import { descentTrainer, initialParams, makeBatches } from './lib/mlp.js';
const tr = await descentTrainer(initialParams(), makeBatches(), 'fused');
for (let i = 0; i < 30; i++) tr.step(i);
const t0 = performance.now();
for (let i = 0; i < 200; i++) tr.step(i);
console.log('ms/step', (performance.now() - t0) / 200);
