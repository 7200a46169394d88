// Memory of one framework's MLP training run, in a process of its own so peak RSS is its alone.
// Usage: node --import tsx --conditions=source --expose-gc bench/memory.ts <descent|tfjs_cpu|tfjs_wasm> <steps>
// Prints one JSON line: peak RSS, and RSS / live ArrayBuffer / heap growth between the end of the
// warm-up (step `warm`) and the last step, both measured after a full GC.
import { descentTrainer, initialParams, makeBatches, type Trainer } from './lib/mlp.js';
import { gc } from './lib/timing.js';
import { useTfBackend } from './lib/tfjs.js';

const framework = process.argv[2] ?? 'descent';
const steps = Number(process.argv[3] ?? 1000);
const warm = Math.min(100, Math.floor(steps / 5));

const init = initialParams();
const batches = makeBatches();
let trainer: Trainer;
let tensors = (): number => NaN;
if (framework === 'descent') {
  trainer = await descentTrainer(init, batches, (process.argv[4] as 'fused' | 'optim' | undefined) ?? 'fused');
} else {
  const tf = await useTfBackend(framework === 'tfjs_wasm' ? 'wasm' : 'cpu');
  const { tfTrainer } = await import('./lib/mlp.js');
  trainer = tfTrainer(tf, init, batches);
  tensors = () => tf.memory().numTensors;
}

const mb = (bytes: number): number => bytes / 2 ** 20;
const snapshot = () => {
  gc();
  const m = process.memoryUsage();
  return { rss: mb(m.rss), arrayBuffers: mb(m.arrayBuffers), heapUsed: mb(m.heapUsed), tensors: tensors() };
};
let peakSampled = 0;
let start = snapshot();
let loss = NaN;
for (let i = 0; i < steps; i++) {
  loss = trainer.step(i);
  if (i + 1 === warm) start = snapshot();
  if (i % 10 === 0) peakSampled = Math.max(peakSampled, mb(process.memoryUsage().rss));
}
const end = snapshot();
const peak = process.resourceUsage().maxRSS / 1024; // KiB → MiB
trainer.dispose();
console.log(JSON.stringify({
  framework, steps, warm, loss,
  peak_rss_mb: Math.max(peak, peakSampled),
  rss_growth_mb: end.rss - start.rss,
  array_buffers_growth_mb: end.arrayBuffers - start.arrayBuffers,
  heap_growth_mb: end.heapUsed - start.heapUsed,
  tensors_growth: end.tensors - start.tensors,
  start, end,
}));
