// The gpu.js backend against the CPU backend, and descent's gpu matmul against a straightforward
// gpu.js matmul kernel (one output per thread, loop over k), measured side by side on the same GPU
// instance. `npm run bench:gpu` (or `node --import tsx --conditions=source bench/gpu.ts`).
//
//   --sizes=256,512,1024   matmul sizes (default; a software GL renderer or a CPU-side mode skips the
//                          naive kernel above 512 unless --full)
//   --modes=headlessgl,webasm,cpu   gpu.js modes to try (default: every mode that can run here)
//   --quick                sizes 256,512, fewer repetitions
//   --steps=N              MLP and CNN training steps timed per backend (default 5)
//   --cpu-max=N            largest N the CPU backend's matmul is timed at (default 1024)
//   --out=FILE             also write the results as JSON (default: $OUT/gpu-bench.json when OUT is set)
//   --md                   print the markdown tables for docs/performance.md
//
// Figures (GFLOP/s = 2·N³ / time, median of the repetitions):
//   readback   inputs from host arrays → upload, compute, read the result back into a Float32Array
//   resident   inputs already on the device, result left on the device, then gl.finish()
//              (the kit's "compute-only"; on webasm/cpu there is no device, so it is the same as readback
//              minus the copies)
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as T from '@descent/tensor';
import { findBackend, noGrad, Rng, setBackend, tensor, type Tensor } from '@descent/tensor';
import { enableGpuBackend, gpuModes, loadGpuJs, type GpuBackend, type GpuBackendInfo, type GpuMode } from '@descent/tensor/gpu';
import { BATCH, initialParams, makeBatches, SIZES } from './lib/mlp.js';
import { cnnInit, descentCnn } from './cnn.js';
import { loadMnist } from '@descent/cli';
import { median } from './lib/timing.js';

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const QUICK = args.includes('--quick');
const FULL = args.includes('--full');
const SIZES_MM = (opt('sizes') ?? (QUICK ? '256,512' : '256,512,1024')).split(',').map(Number).filter((n) => n > 0);
const STEPS = Number(opt('steps') ?? (QUICK ? 3 : 5));
const REPS = QUICK ? 3 : 5;
const BUDGET_MS = Number(opt('budget') ?? 8000); // per figure
const CPU_MAX = Number(opt('cpu-max') ?? 1024);
const outFile = opt('out') ?? (process.env.OUT ? path.join(process.env.OUT, 'gpu-bench.json') : undefined);
const log = (line = ''): void => { process.stdout.write(line + '\n'); };
const gflops = (n: number, ms: number): number => (2 * n ** 3) / (ms * 1e6);
const r3 = (x: number): number => (Number.isFinite(x) ? +x.toPrecision(3) : x);

/** Median of up to REPS timed calls within the budget (at least one), after one warm-up call. */
function measure(fn: () => void, reps = REPS, budgetMs = BUDGET_MS): { ms: number; runs: number } {
  fn();
  const times: number[] = [];
  const start = performance.now();
  do {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  } while (times.length < reps && performance.now() - start < budgetMs);
  return { ms: median(times), runs: times.length };
}

function randomArray(n: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = 2 * rng.uniform() - 1;
  return a;
}

/** Largest error of sampled entries against a float64 reference, relative to the typical |entry| (√N). */
function check(out: ArrayLike<number>, A: Float32Array, B: Float32Array, n: number): number {
  let worst = 0;
  const rng = new Rng(7);
  for (let s = 0; s < 48; s++) {
    const i = Math.floor(rng.uniform() * n), j = Math.floor(rng.uniform() * n);
    let ref = 0;
    for (let k = 0; k < n; k++) ref += A[i * n + k]! * B[k * n + j]!;
    worst = Math.max(worst, Math.abs(out[i * n + j]! - ref) / Math.sqrt(n));
  }
  return worst;
}

interface GlContext { finish(): void }
const results: Record<string, unknown> = {
  machine: `${os.cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}, Node ${process.version}`,
  date: new Date().toISOString(),
  renderer_env: process.env.GPUKIT_RENDERER ?? null,
};

// ── which modes ──────────────────────────────────────────────────────────────────────────────────
const wanted = (opt('modes') ?? 'headlessgl,webasm,cpu').split(',') as GpuMode[];
const status = gpuModes();
results.modes = status;
log(`descent gpu.js benchmark — ${results.machine as string}`);
for (const s of status) log(`  ${s.mode.padEnd(10)} ${s.usable ? 'usable' : `not usable: ${s.reason}`}`);
const infos: Partial<Record<GpuMode, GpuBackendInfo>> = {};
const modes: GpuMode[] = [];
for (const s of status) {
  if (!s.usable || !wanted.includes(s.mode)) continue;
  const info = enableGpuBackend({ name: `gpu:${s.mode}`, mode: s.mode, activate: false });
  if (!info.available) { log(`  ${s.mode}: unavailable (${info.reason})`); continue; }
  infos[s.mode] = info;
  modes.push(s.mode);
  log(`  ${s.mode.padEnd(10)} renderer: ${info.renderer}`);
}
results.backends = infos;
setBackend('cpu');
if (modes.length === 0) log('no gpu.js mode can run here: only the CPU backend is measured');

const software = (m: GpuMode): boolean => m !== 'headlessgl' || /llvmpipe|softpipe|swiftshader|software/i.test(String(infos[m]?.renderer));

// ── matmul ───────────────────────────────────────────────────────────────────────────────────────
interface MatmulRow { n: number; backend: string; figure: string; gflops: number; ms: number; runs: number; maxErr?: number }
const mm: MatmulRow[] = [];
function row(r: MatmulRow): void {
  mm.push(r);
  log(`  N=${String(r.n).padEnd(5)} ${r.backend.padEnd(28)} ${r.figure.padEnd(9)} ${r.gflops.toFixed(2).padStart(8)} GFLOP/s  ${r.ms.toFixed(1).padStart(9)} ms  (${r.runs} runs${r.maxErr !== undefined ? `, err ${r.maxErr.toExponential(1)}` : ''})`);
}

log('\nmatmul N×N·N×N, float32');
for (const n of SIZES_MM) {
  const A = randomArray(n * n, n), B = randomArray(n * n, n + 1);
  // CPU backend: tensors built from host arrays, result read (it is already on the host)
  setBackend('cpu');
  if (n <= CPU_MAX) {
    const a = tensor(A.slice(), { shape: [n, n] }), b = tensor(B.slice(), { shape: [n, n] });
    let out: ArrayLike<number> = [];
    const { ms, runs } = measure(() => { out = T.matmul(a, b).buffer(); });
    row({ n, backend: 'cpu (descent)', figure: 'host', gflops: gflops(n, ms), ms, runs, maxErr: check(out, A, B, n) });
  }
  for (const mode of modes) {
    const name = `gpu:${mode}`;
    setBackend(name);
    const backend = findBackend(name) as GpuBackend;
    const gl = (backend.gpu as { context?: GlContext }).context;
    const finish = (): void => { if (mode === 'headlessgl') gl?.finish(); };
    // descent, readback: fresh host tensors each call (uploaded inside), result read back
    {
      let out: ArrayLike<number> = [];
      const { ms, runs } = measure(() => {
        out = T.matmul(tensor(A.slice(), { shape: [n, n] }), tensor(B.slice(), { shape: [n, n] })).buffer();
      });
      row({ n, backend: `descent gpu ${mode}`, figure: 'readback', gflops: gflops(n, ms), ms, runs, maxErr: check(out, A, B, n) });
    }
    // descent, resident: inputs uploaded once, output stays on the device
    {
      const a = tensor(A.slice(), { shape: [n, n] }), b = tensor(B.slice(), { shape: [n, n] });
      backend.arg(a); backend.arg(b);
      const { ms, runs } = measure(() => { const c = T.matmul(a, b); finish(); backend.dispose(c.handle); });
      row({ n, backend: `descent gpu ${mode}`, figure: 'resident', gflops: gflops(n, ms), ms, runs });
    }
    // the straightforward gpu.js kernel on the same GPU instance
    if (n > 512 && software(mode) && !FULL) { log(`  N=${n} naive gpu.js ${mode}: skipped on a CPU-side renderer (--full runs it)`); continue; }
    const gpu = backend.gpu;
    const naiveSource = `function(a, b) { let sum = 0; for (let k = 0; k < ${n}; k++) { sum += a[this.thread.y][k] * b[k][this.thread.x]; } return sum; }`;
    const base = { output: [n, n], precision: 'single', tactic: 'precision' };
    const { input } = loadGpuJs() as unknown as { input: (v: Float32Array, size: number[]) => unknown };
    {
      const k = gpu.createKernel(naiveSource, base);
      let out: Float32Array[] = [];
      const { ms, runs } = measure(() => { out = k(input(A, [n, n]), input(B, [n, n])) as Float32Array[]; });
      const flat = new Float32Array(n * n);
      out.forEach((r, i) => flat.set(r, i * n));
      row({ n, backend: `naive gpu.js ${mode}`, figure: 'readback', gflops: gflops(n, ms), ms, runs, maxErr: check(flat, A, B, n) });
      // NOTE: never destroy() a kernel of a GPU instance still in use: with headless-gl, destroying one
      // kernel corrupts the results of the instance's other kernels (measured: wrong MLP gradients)
    }
    {
      const k = gpu.createKernel(naiveSource, { ...base, pipeline: true, immutable: true });
      const copy = gpu.createKernel('function(a) { return a[this.thread.y][this.thread.x]; }', { ...base, pipeline: true, immutable: true });
      const ta = copy(input(A, [n, n])), tb = copy(input(B, [n, n]));
      const { ms, runs } = measure(() => { const t = k(ta, tb) as { delete?: () => void }; finish(); t.delete?.(); });
      row({ n, backend: `naive gpu.js ${mode}`, figure: 'resident', gflops: gflops(n, ms), ms, runs });
      (ta as { delete?: () => void }).delete?.(); (tb as { delete?: () => void }).delete?.();
    }
  }
}
setBackend('cpu');
results.matmul = mm.map((r) => ({ ...r, gflops: r3(r.gflops), ms: r3(r.ms), maxErr: r.maxErr === undefined ? undefined : r3(r.maxErr) }));

// descent / naive ratios on the same mode, same size and figure
const ratios: { n: number; mode: string; figure: string; descent: number; naive: number; ratio: number }[] = [];
for (const r of mm) {
  if (!r.backend.startsWith('descent gpu ')) continue;
  const mode = r.backend.slice('descent gpu '.length);
  const naive = mm.find((q) => q.n === r.n && q.figure === r.figure && q.backend === `naive gpu.js ${mode}`);
  if (naive) ratios.push({ n: r.n, mode, figure: r.figure, descent: r3(r.gflops), naive: r3(naive.gflops), ratio: r3(r.gflops / naive.gflops) });
}
results.matmulVsNaive = ratios;
if (ratios.length) {
  log('\ndescent gpu matmul ÷ straightforward gpu.js kernel (same GPU instance)');
  for (const q of ratios) log(`  N=${String(q.n).padEnd(5)} ${q.mode.padEnd(10)} ${q.figure.padEnd(9)} ${q.ratio.toFixed(2)}×  (${q.descent} vs ${q.naive} GFLOP/s)`);
}

// ── MLP training steps ───────────────────────────────────────────────────────────────────────────
// ReLU MLPs with softmax cross-entropy; one step = forward, backward, and an SGD update computed with
// tensor ops and written back with Tensor.assign. The bench's 784-256-128-10 at batch 64
// (bench/lib/mlp.ts), and issue 19's case for a GPU: width 1024 at batch 512.
interface MlpCase { label: string; sizes: readonly number[]; batch: number; init: { values: Float32Array[]; shapes: number[][] }; xs: Float32Array[]; labels: number[][] }
function wideCase(sizes: readonly number[], batch: number, seed: number): MlpCase {
  const rng = new Rng(seed);
  const values: Float32Array[] = [], shapes: number[][] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const bound = 1 / Math.sqrt(sizes[l]!);
    for (const shape of [[sizes[l]!, sizes[l + 1]!], [sizes[l + 1]!]]) {
      const n = shape.reduce((x, d) => x * d, 1);
      values.push(Float32Array.from({ length: n }, () => (2 * rng.uniform() - 1) * bound));
      shapes.push(shape);
    }
  }
  const xs = [0, 1].map(() => Float32Array.from({ length: batch * sizes[0]! }, () => rng.uniform()));
  const labels = [0, 1].map(() => Array.from({ length: batch }, () => Math.floor(rng.uniform() * sizes[sizes.length - 1]!)));
  return { label: `MLP ${sizes.join('-')}, batch ${batch}`, sizes, batch, init: { values, shapes }, xs, labels };
}
const init = initialParams(1);
const benchBatches = makeBatches(2);
const mlpCases: MlpCase[] = [
  { label: `MLP ${SIZES.join('-')}, batch ${BATCH}`, sizes: SIZES, batch: BATCH, init, xs: benchBatches.map((b) => b.x), labels: benchBatches.map((b) => Array.from(b.labels)) },
  wideCase([784, 1024, 1024, 10], 512, 5),
];
function mlpSteps(backendName: string, c: MlpCase): { msPerStep: number; losses: number[] } {
  setBackend(backendName);
  const params = c.init.values.map((v, i) => tensor(v.slice(), { shape: c.init.shapes[i] }).requireGrad());
  const xs = c.xs.map((x) => tensor(x.slice(), { shape: [c.batch, c.sizes[0]!] }));
  const losses: number[] = [];
  // forward and backward in a memory scope (as bench/lib/mlp.ts and tfjs's minimize do), then the update
  const step = (i: number): void => {
    const k = i % xs.length;
    losses.push(T.tidy(() => {
      let h: Tensor = xs[k]!;
      for (let l = 0; l < params.length; l += 2) {
        h = T.add(T.matmul(h, params[l]!), params[l + 1]!);
        if (l + 2 < params.length) h = T.relu(h);
      }
      const loss = T.crossEntropy(h, c.labels[k]!);
      loss.backward();
      return loss.item();
    }));
    T.tidy(() => noGrad(() => { for (const p of params) { p.assign(T.sub(p, T.mul(p.grad!, 0.05))); p.grad = null; } }));
  };
  step(0); // warm-up (compiles the kernels)
  const times: number[] = [];
  for (let i = 1; i <= STEPS; i++) { const t0 = performance.now(); step(i); times.push(performance.now() - t0); }
  setBackend('cpu');
  return { msPerStep: median(times), losses };
}

type StepFigures = Record<string, { msPerStep: number; vsCpu: number; lossDiff: number }>;
/** Time `run` on the CPU backend and on every gpu.js mode, and compare the losses with the CPU's. */
function stepsOnEveryBackend(run: (backendName: string) => { msPerStep: number; losses: number[] }): StepFigures {
  const figures: StepFigures = {};
  const cpuRun = run('cpu');
  figures.cpu = { msPerStep: r3(cpuRun.msPerStep), vsCpu: 1, lossDiff: 0 };
  log(`  cpu (descent, ${T.cpuBackend.info?.().matmulThreads ?? 1} threads)${' '.repeat(8)}${cpuRun.msPerStep.toFixed(1).padStart(8)} ms/step`);
  for (const mode of modes) {
    const r = run(`gpu:${mode}`);
    const lossDiff = Math.max(...r.losses.map((l, i) => Math.abs(l - cpuRun.losses[i]!) / Math.abs(cpuRun.losses[i]!)));
    figures[`gpu ${mode}`] = { msPerStep: r3(r.msPerStep), vsCpu: r3(cpuRun.msPerStep / r.msPerStep), lossDiff: r3(lossDiff) };
    log(`  gpu ${mode.padEnd(26)} ${r.msPerStep.toFixed(1).padStart(8)} ms/step  (${(cpuRun.msPerStep / r.msPerStep).toFixed(2)}× the CPU backend's speed; losses within ${lossDiff.toExponential(1)} of the CPU's)`);
  }
  return figures;
}

const mlp: Record<string, StepFigures> = {};
for (const c of mlpCases) {
  log(`\n${c.label}: one training step (forward, backward, SGD update)`);
  mlp[c.label] = stepsOnEveryBackend((backendName) => mlpSteps(backendName, c));
}
results.mlp = mlp;

// ── CNN training step (issue 19) ─────────────────────────────────────────────────────────────────
// bench/cnn.ts's model and step (conv 1→32, conv 32→64, 3×3, maxpool, linear; SGD momentum; batch 64
// MNIST), built on each backend from the same weights.
log('\nCNN (bench/cnn.ts), batch 64 MNIST: one training step');
const mnist = loadMnist({ trainSize: 2 * 64, testSize: 1, seed: 3 });
const pixels = mnist.train.x.data() as Float32Array;
const cnnXs = [0, 1].map((b) => pixels.slice(b * 64 * 784, (b + 1) * 64 * 784));
const cnnYs = [0, 1].map((b) => mnist.train.y.slice(b * 64, (b + 1) * 64));
const cnnWeights = cnnInit();
results.cnn = stepsOnEveryBackend((backendName) => {
  setBackend(backendName);
  const runner = descentCnn(cnnWeights, cnnXs, cnnYs);
  const losses = [runner.step(0)];
  const times: number[] = [];
  for (let i = 1; i <= STEPS; i++) { const t0 = performance.now(); losses.push(runner.step(i)); times.push(performance.now() - t0); }
  setBackend('cpu');
  return { msPerStep: median(times), losses };
});
setBackend('cpu');

// ── output ───────────────────────────────────────────────────────────────────────────────────────
if (outFile) {
  mkdirSync(path.dirname(outFile), { recursive: true });
  writeFileSync(outFile, JSON.stringify(results, null, 2) + '\n');
  log(`\nwrote ${outFile}`);
}
if (args.includes('--md')) {
  log('\n| N | backend | figure | GFLOP/s | ms |\n|---|---|---|---|---|');
  for (const r of mm) log(`| ${r.n} | ${r.backend} | ${r.figure} | ${r.gflops.toFixed(2)} | ${r.ms.toFixed(1)} |`);
  if (ratios.length) {
    log('\n| N | mode | figure | descent GFLOP/s | straightforward GFLOP/s | ratio |\n|---|---|---|---|---|---|');
    for (const q of ratios) log(`| ${q.n} | ${q.mode} | ${q.figure} | ${q.descent} | ${q.naive} | ${q.ratio.toFixed(2)}× |`);
  }
  log('\n| model | backend | ms / step | vs cpu |\n|---|---|---|---|');
  for (const [model, figures] of [...Object.entries(mlp), ['CNN', results.cnn as StepFigures] as const]) {
    for (const [k, v] of Object.entries(figures)) log(`| ${model} | ${k} | ${v.msPerStep} | ${v.vsCpu}× |`);
  }
}
