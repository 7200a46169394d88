// Memory of one framework's MLP training run, in a process of its own so peak RSS is its alone.
// Usage: node --import tsx --conditions=source --expose-gc bench/memory.ts <descent|tfjs_cpu|tfjs_wasm> <steps>
// Prints one JSON line: peak RSS, and RSS / live ArrayBuffer / heap growth from the end of the
// warm-up (step `warm`) to the last step, measured after full GCs.
import { descentTrainer, initialParams, makeBatches, type Trainer } from './lib/mlp.js';
import { gc } from './lib/timing.js';
import { useTfBackend } from './lib/tfjs.js';

const framework = process.argv[2] ?? 'descent';
const steps = Number(process.argv[3] ?? 1000);
const warm = Math.min(200, Math.floor(steps / 5));

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
  return { rss: mb(m.rss), arrayBuffers: mb(m.arrayBuffers), external: mb(m.external), heapUsed: mb(m.heapUsed), tensors: tensors() };
};
type Snap = ReturnType<typeof snapshot>;
// After the warm-up, a snapshot (after a full GC) every `every` steps. RSS moves in steps of
// tens of MB as malloc and the GC resize their pools, so growth is taken between the medians of
// the first three and the last three snapshots; heap and ArrayBuffer bytes are the leak signal.
const every = Math.max(10, Math.floor((steps - warm) / 18));
const snaps: Snap[] = [];
let peakSampled = 0;
let loss = NaN;
for (let i = 0; i < steps; i++) {
  loss = trainer.step(i);
  if (i + 1 >= warm && (i + 1 - warm) % every === 0) snaps.push(snapshot());
  if (i % 10 === 0) peakSampled = Math.max(peakSampled, mb(process.memoryUsage().rss));
}
snaps.push(snapshot());
const peak = process.resourceUsage().maxRSS / 1024; // KiB → MiB
trainer.dispose();
const med3 = (xs: number[]): number => [...xs].sort((a, b) => a - b)[1] ?? xs[0]!;
const growth = (key: 'rss' | 'arrayBuffers' | 'external' | 'heapUsed' | 'tensors') =>
  med3(snaps.slice(-3).map((s) => s[key])) - med3(snaps.slice(0, 3).map((s) => s[key]));
const rss = snaps.map((s) => s.rss);
console.log(JSON.stringify({
  framework, steps, warm, loss, snapshots: snaps.length,
  peak_rss_mb: Math.max(peak, peakSampled),
  rss_growth_mb: growth('rss'),
  rss_range_mb: Math.max(...rss) - Math.min(...rss),
  array_buffers_growth_mb: growth('arrayBuffers'),
  external_growth_mb: growth('external'),
  heap_growth_mb: growth('heapUsed'),
  tensors_growth: growth('tensors'),
  first: snaps[0], last: snaps[snaps.length - 1],
}));
