// Before/after figures for docs/performance.md, measured in one process: the original CPU kernels
// (bench/lib/baseline_kernels.ts) against the current pure-TS and WebAssembly SIMD kernels.
// Usage: node --import tsx --conditions=source --expose-gc bench/baseline.ts
import { add, cpuBackend, matmul, mul, Rng, tensor } from '@descent/tensor';
import { useBaselineKernels } from './lib/baseline_kernels.js';
import { descentTrainer, FusedAdam, initialParams, makeBatches } from './lib/mlp.js';
import { median, timeIt } from './lib/timing.js';

const rng = new Rng(7);
const rand = (n: number) => new Float32Array(n).map(() => 2 * rng.uniform() - 1);
type Setup = [label: string, enter: () => () => void];
const setups: Setup[] = [
  ['before (original kernels)', () => useBaselineKernels()],
  ['after, pure TS', () => { const p = cpuBackend.setMatmulKernel('js'); return () => { cpuBackend.setMatmulKernel(p); }; }],
  ['after, default (wasm SIMD)', () => () => {}],
];
const rounds = Number(process.env.ROUNDS ?? 3);

// matmul GFLOP/s, best of `rounds` interleaved medians (the machine is shared)
const shapes: Array<[string, number, number, number, boolean, boolean]> = [
  ['256² NN', 256, 256, 256, false, false], ['256² NT', 256, 256, 256, false, true], ['256² TN', 256, 256, 256, true, false], ['256² TT', 256, 256, 256, true, true],
  ['512² NN', 512, 512, 512, false, false], ['64×784·784×256', 64, 256, 784, false, false], ['(784×64)ᵀ·64×256', 784, 256, 64, true, false], ['64×256·(128×256)ᵀ', 64, 128, 256, false, true],
];
const mm: Record<string, Record<string, number>> = {};
for (const [name, M, N, K, tA, tB] of shapes) {
  const A = tensor(rand(M * K), { shape: tA ? [K, M] : [M, K] }), B = tensor(rand(K * N), { shape: tB ? [N, K] : [K, N] });
  for (let r = 0; r < rounds; r++) for (const [label, enter] of setups) {
    const leave = enter();
    const ms = timeIt(() => { matmul(A, B, { transposeA: tA, transposeB: tB }); }, { warmup: 2, minReps: 5, minTotalMs: 200 });
    leave();
    const g = (2 * M * N * K) / (ms * 1e6);
    (mm[name] ??= {})[label] = Math.max(mm[name]![label] ?? 0, g);
  }
}
console.log('matmul GFLOP/s (float32, best of interleaved medians)');
for (const [name, row] of Object.entries(mm)) console.log(`  ${name.padEnd(20)} ` + setups.map(([l]) => `${l}: ${row[l]!.toFixed(2)}`).join(' | '));

// elementwise ns/element on 1e6 float32, including the output allocation
const n = 1e6;
const A = tensor(rand(n), { shape: [n] }), B = tensor(rand(n), { shape: [n] });
const bias = tensor(rand(256), { shape: [256] }), X = tensor(rand(64 * 256), { shape: [64, 256] });
console.log('elementwise ns/element (median)');
for (const [label, enter] of setups.slice(0, 2)) {
  const leave = enter();
  const o = { warmup: 5, minReps: 20, maxReps: 300, minTotalMs: 400 };
  const ta = timeIt(() => { add(A, B); }, o), tm = timeIt(() => { mul(A, B); }, o);
  const tb = timeIt(() => { add(X, bias); }, o);
  leave();
  console.log(`  ${label.padEnd(26)} add ${(ta * 1e6 / n).toFixed(3)}  mul ${(tm * 1e6 / n).toFixed(3)}  bias add [64,256]+[256] ${(tb * 1e6 / (64 * 256)).toFixed(3)}`);
}

// the bench's fused Adam: the first version (two divisions, m and v re-read) against the current one
{
  const init = initialParams();
  const params = init.values.map((v, i) => tensor(v.slice(), { shape: init.shapes[i] }));
  const grads = init.values.map((v) => rand(v.length).map((x) => x * 1e-2));
  const m = params.map((p) => new Float32Array(p.size)), v = params.map((p) => new Float32Array(p.size));
  let t = 0;
  const first = () => {
    t++;
    const bc1 = 1 - 0.9 ** t, bc2Sqrt = Math.sqrt(1 - 0.999 ** t), stepSize = 1e-3 / bc1;
    for (let j = 0; j < params.length; j++) {
      const p = params[j]!.buffer() as Float32Array, g = grads[j]!, mj = m[j]!, vj = v[j]!;
      for (let i = 0; i < p.length; i++) {
        const gi = g[i]!;
        mj[i] = 0.9 * mj[i]! + 0.1 * gi;
        vj[i] = 0.999 * vj[i]! + 0.001 * gi * gi;
        p[i] = p[i]! - stepSize * (mj[i]! / (Math.sqrt(vj[i]!) / bc2Sqrt + 1e-8));
      }
    }
  };
  const fused = new FusedAdam(params);
  const o = { warmup: 5, minReps: 30, maxReps: 500, minTotalMs: 500 };
  const res: number[][] = [[], []];
  for (let r = 0; r < rounds; r++) { res[0]!.push(timeIt(first, o)); res[1]!.push(timeIt(() => fused.stepWith(grads), o)); }
  console.log(`fused Adam over ${params.reduce((s, p) => s + p.size, 0)} params: first version ${Math.min(...res[0]!).toFixed(3)} ms, current ${Math.min(...res[1]!).toFixed(3)} ms`);
}

// MLP training step (bench's fused Adam, so only the kernels differ), median of steps 11–120
{
  const init = initialParams(), batches = makeBatches();
  const steps = 120;
  const best: Record<string, number> = {};
  for (let r = 0; r < rounds; r++) for (const [label, enter] of setups) {
    const leave = enter();
    const trainer = await descentTrainer(init, batches, 'fused');
    const times: number[] = [];
    for (let i = 0; i < steps; i++) { const t0 = performance.now(); trainer.step(i); times.push(performance.now() - t0); }
    leave();
    best[label] = Math.min(best[label] ?? Infinity, median(times.slice(10)));
  }
  console.log('MLP 784-256-128-10 step ms (fused Adam; best of interleaved medians)');
  for (const [label] of setups) console.log(`  ${label.padEnd(26)} ${best[label]!.toFixed(2)}`);
}
