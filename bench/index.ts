// descent vs TensorFlow.js (cpu and wasm backends), measured side by side in one process run.
// `npm run bench` (a few minutes) or `npm run bench -- --quick` (under a minute: the ceilings, matmul,
// elementwise and optimizer sections, then the regression guard, which exits non-zero on a regression).
// Sections: matmul GFLOP/s, elementwise ns/element, Adam step cost, MLP training step, memory, Transformer training step (bench/transformer.ts).
// Writes bench/results.json and prints a table with descent's speed-up over each peer.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { add, cpuBackend, exp, matmul, mul, relu, Rng, tensor, tidy, type Tensor } from '@descent/tensor';
import { adamFloorMs, measureCeilings, type Ceilings } from './lib/ceiling.js';
import { checkGuard, type GuardInput } from './lib/guard.js';
import { checkMatmulKernels } from './lib/check.js';
import { benchCnnStep, benchConvLayers } from './cnn.js';
import {
  descentTrainer, FusedAdam, initialParams, makeBatches, optimAdam, parameterCount, tfTrainer, type Trainer,
} from './lib/mlp.js';
import { cpuTimeIt, median, timeIt, timeSideBySide } from './lib/timing.js';
import { tfVersions, useTfBackend, type Tf, type TfBackend } from './lib/tfjs.js';
import { benchTransformer } from './transformer.js';
import { benchMatmulThreads } from './lib/matmul_threads.js';
import { timeSteps } from './lib/train_step.js';

const args = process.argv.slice(2);
const QUICK = args.includes('--quick');
const only = args.find((a) => a.startsWith('--only='))?.slice(7).split(',');
const OUT = args.find((a) => a.startsWith('--out='))?.slice(6); // results file (default bench/results.json)
const CHILD = args.includes('--child'); // run by this script: no kernel check, no table
// --quick runs the sections the regression guard checks (issue 19) unless --only says otherwise
const QUICK_SECTIONS = ['ceiling', 'matmul', 'elementwise', 'optimizer'];
const run = (section: string): boolean => (only ? only.includes(section) : !QUICK || QUICK_SECTIONS.includes(section));
const guardInput: GuardInput = {};
/** Peers of the kernel sections: --quick and --no-tfjs-cpu leave out tfjs-cpu (slow, and not what the guard checks). */
const QUICK_PEERS = QUICK || args.includes('--no-tfjs-cpu') ? (['tfjs_wasm'] as const) : (['tfjs_cpu', 'tfjs_wasm'] as const);
let ceilings: Ceilings | null = null;
const here = path.dirname(fileURLToPath(import.meta.url));

type Peer = 'descent' | 'tfjs_cpu' | 'tfjs_wasm';
const PEERS: Peer[] = ['descent', 'tfjs_cpu', 'tfjs_wasm'];
const TF_OF: Record<Exclude<Peer, 'descent'>, TfBackend> = { tfjs_cpu: 'cpu', tfjs_wasm: 'wasm' };
/** One metric per peer; `descent_gc`: descent outside a memory scope, where the row has both. */
type Row = Partial<Record<Peer | 'descent_gc', number>>;

const machine = `${os.cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}, Node ${process.version}`;
const results: Record<string, unknown> = {
  machine,
  date: new Date().toISOString(),
  quick: QUICK,
  versions: { node: process.version, ...tfVersions() },
};

function log(line = ''): void {
  process.stdout.write(line + '\n');
}

function randomArray(n: number, rng: Rng): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = 2 * rng.uniform() - 1;
  return a;
}

// ── table ─────────────────────────────────────────────────────────────────────────────────────
const tableRows: string[][] = [];
/** `higher`: larger is better (GFLOP/s); the speed-up column is always "descent is × faster". */
function addRow(metric: string, row: Row, higher: boolean, digits = 2): void {
  const fmt = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? '–' : v.toFixed(digits));
  const speedup = (peer: Peer) => {
    const d = row.descent, p = row[peer];
    if (d === undefined || p === undefined) return '–';
    return `${(higher ? d / p : p / d).toFixed(2)}×`;
  };
  tableRows.push([metric, fmt(row.descent), fmt(row.tfjs_cpu), fmt(row.tfjs_wasm), speedup('tfjs_cpu'), speedup('tfjs_wasm')]);
}
function printTable(): void {
  const head = ['metric', 'descent', 'tfjs-cpu', 'tfjs-wasm', 'vs cpu', 'vs wasm'];
  const rows = [head, ...tableRows];
  const widths = head.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const line = (r: string[]) => '| ' + r.map((s, c) => (c === 0 ? s.padEnd(widths[c]!) : s.padStart(widths[c]!))).join(' | ') + ' |';
  log(line(head));
  log('|' + widths.map((w, c) => (c === 0 ? ':' : '') + '-'.repeat(w + 1) + (c === 0 ? '' : ':')).join('|') + '|');
  for (const r of tableRows) log(line(r));
  log('("vs cpu"/"vs wasm": how many times faster descent is; > 1 means descent wins)');
}

// ── matmul ───────────────────────────────────────────────────────────────────────────────────
async function benchMatmul(): Promise<void> {
  const Ns = QUICK ? [64, 128, 256, 512] : [64, 128, 256, 512, 1024];
  const rng = new Rng(3);
  const data = new Map(Ns.map((n) => [n, [randomArray(n * n, rng), randomArray(n * n, rng)] as const]));
  const budget = (n: number) => ({ warmup: n >= 512 ? 1 : 3, minReps: n >= 1024 ? 3 : 5, minTotalMs: QUICK ? 150 : 400 });
  // descent and tfjs-wasm interleaved: about the old budget per side, spread over rounds
  const sideBySideBudget = (n: number) => n >= 512
    ? { warmup: 1, rounds: 3, minBlockMs: QUICK ? 50 : 130, minBlockReps: 1, blockWarmup: 0 }
    : { warmup: 3, rounds: QUICK ? 4 : 6, minBlockMs: QUICK ? 40 : 70, minBlockReps: 3 };
  const gflops = (n: number, ms: number) => (2 * n ** 3) / (ms * 1e6);
  // descent is timed as tfjs is: the product made and disposed inside a memory scope (its output
  // a reused heap block); descent_gc: outside any scope, each output a fresh garbage-collected array
  const product = (A: Tensor, B: Tensor, options: { transposeA?: boolean; transposeB?: boolean } = {}) => () => tidy(() => { matmul(A, B, options).dispose(); });
  // descent_gc and tfjs-cpu here; descent and tfjs-wasm come from the side-by-side NN timing below
  const out: Record<string, Row> = {};
  for (const n of Ns) {
    const [a, b] = data.get(n)!;
    const A = tensor(a, { shape: [n, n] }), B = tensor(b, { shape: [n, n] });
    out[n] = { descent_gc: gflops(n, timeIt(() => { matmul(A, B); }, budget(n))) };
  }
  for (const peer of QUICK_PEERS.filter((p) => p !== 'tfjs_wasm')) {
    const tf = await useTfBackend(TF_OF[peer]);
    for (const n of Ns) {
      const [a, b] = data.get(n)!;
      const A = tf.tensor2d(a, [n, n]), B = tf.tensor2d(b, [n, n]);
      const ms = timeIt(() => { const c = tf.matMul(A, B); c.dataSync(); c.dispose(); }, budget(n));
      out[n]![peer] = gflops(n, ms);
      A.dispose(); B.dispose();
    }
  }
  // every transposition against tfjs-wasm, side by side (issue 19: descent ≥ 1.2× at every size and transposition)
  const TRANS = [['NN', false, false], ['NT', false, true], ['TN', true, false], ['TT', true, true]] as const;
  const vsWasm: Record<string, Record<string, { descent: number; tfjs_wasm: number; ratio: number }>> = {};
  {
    const tf = await useTfBackend('wasm');
    for (const n of Ns) {
      const [a, b] = data.get(n)!;
      const A = tensor(a, { shape: [n, n] }), B = tensor(b, { shape: [n, n] });
      const TA = tf.tensor2d(a, [n, n]), TB = tf.tensor2d(b, [n, n]);
      vsWasm[n] = {};
      for (const [name, tA, tB] of TRANS) {
        if (QUICK && n > 256 && name !== 'NN') continue; // tfjs-wasm's transposed products are slow: keep --quick under a minute
        const ms = timeSideBySide({
          descent: product(A, B, { transposeA: tA, transposeB: tB }),
          tfjs_wasm: () => { const c = tf.matMul(TA, TB, tA, tB); c.dataSync(); c.dispose(); },
        }, sideBySideBudget(n));
        const d = gflops(n, ms.descent), w = gflops(n, ms.tfjs_wasm);
        vsWasm[n]![name] = { descent: d, tfjs_wasm: w, ratio: d / w };
        if (name === 'NN') Object.assign(out[n]!, { descent: d, tfjs_wasm: w });
      }
      TA.dispose(); TB.dispose();
    }
  }
  // every transposition variant (forward and backward use all four), for both CPU matmul kernels:
  // the default (WebAssembly SIMD) and the pure-TS reference
  const variants: Record<string, Record<string, Record<string, number>>> = {};
  for (const kernel of QUICK ? [] : ['auto', 'js'] as const) {
    const previous = cpuBackend.setMatmulKernel(kernel);
    const label = kernel === 'auto' ? String(cpuBackend.info?.().matmul) : 'js';
    variants[label] = {};
    for (const n of Ns.filter((x) => x >= 256)) {
      const [a, b] = data.get(n)!;
      const A = tensor(a, { shape: [n, n] }), B = tensor(b, { shape: [n, n] });
      variants[label]![n] = {};
      for (const [name, opts] of [['NN', {}], ['NT', { transposeB: true }], ['TN', { transposeA: true }], ['TT', { transposeA: true, transposeB: true }]] as const) {
        variants[label]![n]![name] = gflops(n, timeIt(product(A, B, opts), { ...budget(n), warmup: 1, minReps: 3 }));
      }
    }
    cpuBackend.setMatmulKernel(previous);
  }
  // the models' own shapes, forward and backward: the MLP (batch 64), the CNN's 32→64 conv (the
  // per-image im2col products of conv.ts, 14×14 outputs) and the Transformer (batch 32 × sequence 32,
  // d 64, 4 heads of 16, feed-forward 128); [name, m, n, k, transposeA, transposeB, batch]
  const shapes: Array<[string, number, number, number, boolean, boolean, number?]> = [
    ['x·W1 64×784·784×256', 64, 256, 784, false, false],
    ['xᵀ·dY 784×64·64×256', 784, 256, 64, true, false],
    ['dY·W2ᵀ 64×128·128×256', 64, 256, 128, false, true],
    ['conv W·col 64×288·288×196', 64, 196, 288, false, false],
    ['conv Wᵀ·dY 288×64·64×196', 288, 196, 64, true, false],
    ['conv dY·colᵀ 64×196·196×288', 64, 288, 196, false, true],
    ['Transformer x·Wqkv 1024×64·64×192', 1024, 192, 64, false, false],
    ['Transformer h·W1 1024×64·64×128', 1024, 128, 64, false, false],
    ['Transformer dY·W2ᵀ 1024×64·64×128', 1024, 128, 64, false, true],
    ['attention Q·Kᵀ 128 × 32×16·16×32', 32, 32, 16, false, true, 128],
    ['attention P·V 128 × 32×32·32×16', 32, 16, 32, false, false, 128],
  ];
  const modelShapes: Record<string, number> = {};
  const modelVsWasm: Record<string, { descent: number; tfjs_wasm: number; ratio: number }> = {};
  const tfw = await useTfBackend('wasm');
  for (const [name, m, nn, k, tA, tB, batch = 1] of shapes) {
    const a = randomArray(batch * m * k, rng), b = randomArray(batch * k * nn, rng);
    const lead = batch > 1 ? [batch] : [];
    const shapeA = [...lead, ...(tA ? [k, m] : [m, k])], shapeB = [...lead, ...(tB ? [nn, k] : [k, nn])];
    const A = tensor(a, { shape: shapeA }), B = tensor(b, { shape: shapeB });
    const TA = tfw.tensor(a, shapeA), TB = tfw.tensor(b, shapeB);
    const g = (ms: number) => (2 * batch * m * nn * k) / (ms * 1e6);
    const ms = timeSideBySide({
      descent: product(A, B, { transposeA: tA, transposeB: tB }),
      tfjs_wasm: () => { const c = tfw.matMul(TA, TB, tA, tB); c.dataSync(); c.dispose(); },
    }, { warmup: 5, rounds: QUICK ? 4 : 8, minBlockMs: QUICK ? 20 : 30, minBlockReps: 5 });
    modelShapes[name] = g(ms.descent);
    const w = g(ms.tfjs_wasm);
    modelVsWasm[name] = { descent: modelShapes[name]!, tfjs_wasm: w, ratio: modelShapes[name]! / w };
    TA.dispose(); TB.dispose();
  }
  results.matmul_gflops = out;
  results.matmul_variants_gflops = variants;
  results.matmul_mlp_shapes_gflops = modelShapes;
  results.matmul_vs_tfjs_wasm = vsWasm;
  results.matmul_mlp_shapes_vs_tfjs_wasm = modelVsWasm;
  guardInput.matmul = [...Object.entries(vsWasm).flatMap(([n, row]) => Object.entries(row).map(([t, r]) => [`matmul ${n} ${t}`, r.ratio] as [string, number])),
    ...Object.entries(modelVsWasm).map(([k, r]) => [`matmul ${k}`, r.ratio] as [string, number])];
  for (const n of Ns) addRow(`matmul ${n} GFLOP/s`, out[n]!, true);
  for (const n of Ns) addRow(`matmul ${n} GFLOP/s, no scope`, { ...out[n]!, descent: out[n]!.descent_gc }, true);
  for (const [label, byN] of Object.entries(variants)) for (const [n, row] of Object.entries(byN)) {
    log(`  descent matmul ${n} (${label} kernel): ` + Object.entries(row).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(', ') + ' GFLOP/s');
  }
  const peak = ceilings ? ` (ceiling ≈ ${ceilings.peak_f32x4_gflops.toFixed(0)} GFLOP/s single-core f32x4)` : '';
  log(`  descent vs tfjs-wasm, GFLOP/s${peak}:`);
  for (const [n, row] of Object.entries(vsWasm)) {
    log(`    ${n}: ` + Object.entries(row).map(([t, r]) => `${t} ${r.descent.toFixed(1)} / ${r.tfjs_wasm.toFixed(1)} = ${r.ratio.toFixed(2)}×`).join(', '));
  }
  for (const [k, r] of Object.entries(modelVsWasm)) log(`    ${k}: ${r.descent.toFixed(1)} / ${r.tfjs_wasm.toFixed(1)} = ${r.ratio.toFixed(2)}×`);
}

// ── elementwise ───────────────────────────────────────────────────────────────────────────────
async function benchElementwise(): Promise<void> {
  const n = 1_000_000;
  const rng = new Rng(4);
  const a = randomArray(n, rng), b = randomArray(n, rng);
  const opts = { warmup: 5, minReps: 15, maxReps: 200, minTotalMs: QUICK ? 150 : 500 };
  const out: Record<string, Row> = { add: {}, mul: {}, relu: {}, exp: {} };
  // descent: the call pattern timed for tfjs, `op(…).dispose()`, in a memory scope (tidy), where the
  // operands and the result live in the tensor heap, timed side by side with tfjs-wasm (interleaved
  // rounds, bench/lib/timing.ts); descent_gc: the same ops outside any scope, each result a fresh
  // garbage-collected array (what code that never disposes gets)
  {
    const tf = await useTfBackend(TF_OF.tfjs_wasm);
    const TA = tf.tensor1d(a), TB = tf.tensor1d(b);
    const tfOps = { add: () => tf.add(TA, TB), mul: () => tf.mul(TA, TB), relu: () => tf.relu(TA), exp: () => tf.exp(TA) };
    tidy(() => {
      const A = tensor(a, { shape: [n] }), B = tensor(b, { shape: [n] });
      const ours = { add: () => add(A, B), mul: () => mul(A, B), relu: () => relu(A), exp: () => exp(A) };
      for (const op of ['add', 'mul', 'relu', 'exp'] as const) {
        const ms = timeSideBySide({ descent: () => { ours[op]().dispose(); }, tfjs_wasm: () => { tfOps[op]().dispose(); } },
          { warmup: 5, rounds: QUICK ? 4 : 8, minBlockMs: QUICK ? 20 : 40, minBlockReps: 5, maxBlockReps: 100 });
        out[op]!.descent = (ms.descent * 1e6) / n;
        out[op]!.tfjs_wasm = (ms.tfjs_wasm * 1e6) / n;
      }
    });
    TA.dispose(); TB.dispose();
  }
  const A = tensor(a, { shape: [n] }), B = tensor(b, { shape: [n] });
  out.add!.descent_gc = (timeIt(() => { add(A, B); }, opts) * 1e6) / n;
  out.mul!.descent_gc = (timeIt(() => { mul(A, B); }, opts) * 1e6) / n;
  out.relu!.descent_gc = (timeIt(() => { relu(A); }, opts) * 1e6) / n;
  out.exp!.descent_gc = (timeIt(() => { exp(A); }, opts) * 1e6) / n;
  for (const peer of QUICK_PEERS.filter((p) => p !== 'tfjs_wasm')) {
    const tf = await useTfBackend(TF_OF[peer]);
    const TA = tf.tensor1d(a), TB = tf.tensor1d(b);
    out.add![peer] = (timeIt(() => { tf.add(TA, TB).dispose(); }, opts) * 1e6) / n;
    out.mul![peer] = (timeIt(() => { tf.mul(TA, TB).dispose(); }, opts) * 1e6) / n;
    out.relu![peer] = (timeIt(() => { tf.relu(TA).dispose(); }, opts) * 1e6) / n;
    out.exp![peer] = (timeIt(() => { tf.exp(TA).dispose(); }, opts) * 1e6) / n;
    TA.dispose(); TB.dispose();
  }
  results.elementwise_ns = out;
  if (!QUICK && !CHILD) {
    // the same calls by CPU time (best batch): what a call costs when it runs, on a machine shared with other jobs
    const cpu: Record<string, Row> = { add: {}, mul: {}, relu: {}, exp: {} };
    const perElement = (fn: () => void) => (cpuTimeIt(fn) * 1e6) / n;
    tidy(() => {
      const A = tensor(a, { shape: [n] }), B = tensor(b, { shape: [n] });
      cpu.add!.descent = perElement(() => { add(A, B).dispose(); });
      cpu.mul!.descent = perElement(() => { mul(A, B).dispose(); });
      cpu.relu!.descent = perElement(() => { relu(A).dispose(); });
      cpu.exp!.descent = perElement(() => { exp(A).dispose(); });
    });
    cpu.add!.descent_gc = perElement(() => { add(A, B); });
    cpu.mul!.descent_gc = perElement(() => { mul(A, B); });
    cpu.relu!.descent_gc = perElement(() => { relu(A); });
    cpu.exp!.descent_gc = perElement(() => { exp(A); });
    const tf = await useTfBackend(TF_OF.tfjs_wasm);
    const TA = tf.tensor1d(a), TB = tf.tensor1d(b);
    cpu.add!.tfjs_wasm = perElement(() => { tf.add(TA, TB).dispose(); });
    cpu.mul!.tfjs_wasm = perElement(() => { tf.mul(TA, TB).dispose(); });
    cpu.relu!.tfjs_wasm = perElement(() => { tf.relu(TA).dispose(); });
    cpu.exp!.tfjs_wasm = perElement(() => { tf.exp(TA).dispose(); });
    TA.dispose(); TB.dispose();
    results.elementwise_ns_cpu_time = cpu;
    log('  by CPU time (best batch of 10 calls, ns/element), descent / tfjs-wasm: '
      + (['add', 'mul', 'relu', 'exp'] as const).map((op) => `${op} ${cpu[op]!.descent!.toFixed(3)} / ${cpu[op]!.tfjs_wasm!.toFixed(3)}`).join(', ')
      + '; outside a scope (fresh arrays): ' + (['add', 'mul', 'relu', 'exp'] as const).map((op) => `${op} ${cpu[op]!.descent_gc!.toFixed(3)}`).join(', '));
  }
  for (const op of ['add', 'mul', 'relu', 'exp'] as const) addRow(`${op} 1e6 ns/element`, out[op]!, false, 3);
  for (const op of ['add', 'mul', 'relu', 'exp'] as const) addRow(`${op} 1e6 ns/el, no scope`, { ...out[op]!, descent: out[op]!.descent_gc }, false, 3);
  guardInput.elementwise = (['add', 'mul', 'relu', 'exp'] as const).map((op) => [`${op} 1e6`, out[op]!.tfjs_wasm! / out[op]!.descent!] as [string, number]);
  if (ceilings) {
    // bytes moved per element: two float32 reads and a write (add, mul), one read and a write (relu, exp)
    const floor = (bytes: number) => bytes / ceilings!.copy_gbps_4mb;
    log(`  ceiling at the measured cache-resident copy bandwidth (${ceilings.copy_gbps_4mb.toFixed(1)} GB/s, 4 MB arrays): add/mul ${floor(12).toFixed(3)}, relu/exp ${floor(8).toFixed(3)} ns/element; `
      + `from DRAM (${ceilings.copy_gbps_64mb.toFixed(1)} GB/s): ${(12 / ceilings.copy_gbps_64mb).toFixed(3)} / ${(8 / ceilings.copy_gbps_64mb).toFixed(3)}`);
  }
  if (CHILD || QUICK) return;
  // Every op returns a fresh 4 MB array here. glibc gives such blocks back to the kernel when they
  // are freed, so each new one page-faults on first write (~2 ns/element in this VM): more than
  // the arithmetic. The same section with glibc keeping 64 MiB of freed memory (MALLOC_TOP_PAD_),
  // in a child process, for comparison — it applies to every framework in the run alike.
  const tmp = path.join(os.tmpdir(), `descent-bench-elementwise-${process.pid}.json`);
  const r = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--child', '--only=elementwise', `--out=${tmp}`, ...(QUICK ? ['--quick'] : [])], {
    encoding: 'utf8', env: { ...process.env, MALLOC_TOP_PAD_: String(64 * 2 ** 20) },
  });
  try {
    const tuned = (JSON.parse(readFileSync(tmp, 'utf8')) as { elementwise_ns: Record<string, Row> }).elementwise_ns;
    results.elementwise_ns_malloc_top_pad_64mb = tuned;
    for (const op of ['add', 'mul', 'relu', 'exp']) if (tuned[op]) addRow(`${op} 1e6 ns/el, MALLOC_TOP_PAD_`, tuned[op]!, false, 3);
    rmSync(tmp);
  } catch {
    log(`  elementwise child run failed: ${r.stderr.slice(-400)}`);
  }
}

// ── optimizer step ────────────────────────────────────────────────────────────────────────────
async function benchOptimizer(): Promise<void> {
  const init = initialParams();
  const rng = new Rng(5);
  const grads = init.values.map((v) => randomArray(v.length, rng).map((x) => x * 1e-2));
  const opts = { warmup: 5, minReps: 20, maxReps: 500, minTotalMs: QUICK ? 150 : 400 };
  const row: Row = {};
  const extra: Record<string, number> = {};
  {
    const params = init.values.map((v, i) => tensor(v.slice(), { shape: init.shapes[i] }));
    const adam = new FusedAdam(params);
    extra['bench fused Adam'] = timeIt(() => adam.stepWith(grads), opts);
  }
  {
    const params = init.values.map((v, i) => tensor(v.slice(), { shape: init.shapes[i] }).requireGrad());
    const opt = await optimAdam(params);
    if (opt) {
      const gradTensors = grads.map((g, i) => tensor(g, { shape: init.shapes[i] }));
      extra['@descent/optim adam'] = timeIt(() => {
        params.forEach((p, i) => { p.grad = gradTensors[i]!; });
        opt.step();
      }, opts);
    }
  }
  // the table's descent column: the optimizer users get (the bench's own JS Adam where it is missing)
  row.descent = extra['@descent/optim adam'] ?? extra['bench fused Adam']!;
  for (const peer of QUICK_PEERS) {
    const tf = await useTfBackend(TF_OF[peer]);
    const vars = init.values.map((v, i) => tf.variable(tf.tensor(v.slice(), init.shapes[i]!)));
    const gs = grads.map((g, i) => tf.tensor(g, init.shapes[i]!));
    const named = vars.map((v, i) => ({ name: v.name, tensor: gs[i]! }));
    const adam = tf.train.adam(1e-3, 0.9, 0.999, 1e-8);
    row[peer] = timeIt(() => { adam.applyGradients(named); }, { ...opts, maxReps: peer === 'tfjs_cpu' ? 60 : 500 });
    adam.dispose();
    for (const t of [...vars, ...gs]) t.dispose();
  }
  results.adam_step_ms = { ...row, ...extra, params: parameterCount() };
  if (extra['@descent/optim adam'] !== undefined) guardInput.adamMs = extra['@descent/optim adam'];
  addRow(`Adam step ${parameterCount()} params ms`, row, false, 3);
  for (const [k, v] of Object.entries(extra)) log(`  ${k}: ${v.toFixed(3)} ms/step`);
  if (ceilings) {
    const floor = adamFloorMs(ceilings, parameterCount());
    const pytorchOrderFloor = adamFloorMs(ceilings, parameterCount(), { pytorchOrder: true });
    results.adam_floor_ms = floor;
    results.adam_floor_pytorch_order_ms = pytorchOrderFloor;
    log(`  floor of Adam's folded float32 form: ${floor.toFixed(3)} ms (per pair of elements one f64x2 division at ${ceilings.f64x2_div_ns.toFixed(2)} ns `
      + `and one square root at ${ceilings.f64x2_sqrt_ns.toFixed(2)} ns, the measured throughput of the divider); in PyTorch's order (three divisions) ${pytorchOrderFloor.toFixed(3)} ms`);
  }
  // An optimizer plugin written outside the package (examples/plugin-package): AdaBelief as
  // compiled elementwise statements, against the built-in Adam through the same Optimizer.
  const adam = extra['@descent/optim adam'];
  const plugin = await adaBeliefPlugin();
  if (plugin && adam !== undefined) {
    const params = init.values.map((v, i) => tensor(v.slice(), { shape: init.shapes[i] }));
    const opt = plugin.createOptimizer(plugin.adaBelief, params, { lr: 1e-3 });
    const ms = timeIt(() => opt.stepWithGrads(grads), opts);
    results.plugin_adabelief_step_ms = { descent: ms, adam_step_ms: adam, ratio_to_adam: ms / adam, params: parameterCount() };
    log(`  plugin AdaBelief (elementwiseOptimizer): ${ms.toFixed(3)} ms/step, ${(ms / adam).toFixed(2)}× the built-in Adam`);
  }
}

/** The example plugin package's AdaBelief and `createOptimizer`, or null when they do not load. */
async function adaBeliefPlugin(): Promise<{ adaBelief: unknown; createOptimizer: (p: unknown, params: unknown[], o: object) => { stepWithGrads(g: Float32Array[]): void } } | null> {
  try {
    const [{ adaBelief }, { createOptimizer }] = await Promise.all([
      import('../examples/plugin-package/src/adabelief.js' as string) as Promise<{ adaBelief: unknown }>,
      import('@descent/optim' as string) as Promise<{ createOptimizer: (p: unknown, params: unknown[], o: object) => { stepWithGrads(g: Float32Array[]): void } }>,
    ]);
    return { adaBelief, createOptimizer };
  } catch (e) {
    log(`  plugin AdaBelief: not loaded (${(e as Error).message})`);
    return null;
  }
}

// ── MLP training step ─────────────────────────────────────────────────────────────────────────
async function benchMlp(): Promise<void> {
  const steps = QUICK ? 60 : 200;
  const init = initialParams();
  const batches = makeBatches();
  const stepMs: Row = {};
  const losses: Row = {};
  const curves: Record<string, number[]> = {};
  const time = (peer: Peer, trainer: Trainer) => {
    const { ms, losses: curve } = timeSteps(trainer, steps, 10); // steps 11…
    stepMs[peer] = ms;
    losses[peer] = curve[curve.length - 1]!;
    curves[peer] = curve;
  };
  const descent = await descentTrainer(init, batches, 'optim');
  const optimizerName = descent.optimizerName;
  time('descent', descent);
  for (const peer of ['tfjs_wasm', 'tfjs_cpu'] as const) {
    const tf: Tf = await useTfBackend(TF_OF[peer]);
    time(peer, tfTrainer(tf, init, batches));
  }
  // descent again with the bench's fused Adam (and a second descent figure against load drift)
  const fused = await descentTrainer(init, batches, 'fused');
  const times: number[] = [];
  let fusedLoss = NaN;
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    fusedLoss = fused.step(i);
    times.push(performance.now() - t0);
  }
  const fusedMs = median(times.slice(10));
  // Loss cross-check. descent's Adam is PyTorch's (float64 bias corrections); tfjs rounds its Adam
  // arithmetic to float32, which moves its loss curve by more than 1e-3 within 200 steps here. The
  // same descent model trained with tfjs's Adam arithmetic must land on tfjs's loss.
  const control = await descentTrainer(init, batches, 'tfjs-arithmetic');
  let controlLoss = NaN;
  for (let i = 0; i < steps; i++) controlLoss = control.step(i);
  const diff = (a: number, p: Peer) => Math.abs(a - losses[p]!);
  const maxEarly = Math.max(...curves.descent!.slice(0, 10).map((l, i) => Math.abs(l - curves.tfjs_cpu![i]!)));
  const pass = diff(controlLoss, 'tfjs_cpu') <= 1e-3 && diff(controlLoss, 'tfjs_wasm') <= 1e-3;
  results.mlp_step_ms = stepMs;
  results.mlp = {
    steps, median_over: `steps 11–${steps}`, optimizer: optimizerName,
    step_ms_with_bench_fused_adam: fusedMs, loss_after_steps: losses, loss_after_steps_fused_adam: fusedLoss,
    abs_loss_diff: { tfjs_cpu: diff(losses.descent!, 'tfjs_cpu'), tfjs_wasm: diff(losses.descent!, 'tfjs_wasm') },
    max_abs_loss_diff_steps_1_10: maxEarly,
    tfjs_arithmetic_control: { loss: controlLoss, abs_diff_tfjs_cpu: diff(controlLoss, 'tfjs_cpu'), abs_diff_tfjs_wasm: diff(controlLoss, 'tfjs_wasm'), pass },
    loss_curve_every_10: Object.fromEntries(Object.entries(curves).map(([k, c]) => [k, c.filter((_, i) => i % 10 === 9)])),
  };
  addRow('MLP train step ms', stepMs, false);
  log(`  descent optimizer: ${optimizerName}; with the bench's fused Adam: ${fusedMs.toFixed(2)} ms/step`);
  log(`  loss after ${steps} steps: descent ${losses.descent!.toFixed(6)} (fused Adam ${fusedLoss.toFixed(6)}), tfjs-cpu ${losses.tfjs_cpu!.toFixed(6)}, tfjs-wasm ${losses.tfjs_wasm!.toFixed(6)}; `
    + `|Δ| ${diff(losses.descent!, 'tfjs_cpu').toExponential(2)} (steps 1–10: ≤ ${maxEarly.toExponential(1)})`);
  log(`  descent with tfjs's float32 Adam arithmetic: ${controlLoss.toFixed(6)}, |Δ| vs tfjs-cpu ${diff(controlLoss, 'tfjs_cpu').toExponential(2)}, `
    + `vs tfjs-wasm ${diff(controlLoss, 'tfjs_wasm').toExponential(2)}: ${pass ? 'agree (≤ 1e-3)' : 'DISAGREE'}`);
}

// ── memory (each framework in its own process) ────────────────────────────────────────────────
function benchMemory(): void {
  const stepsOf: Record<Peer, number> = QUICK
    ? { descent: 200, tfjs_cpu: 50, tfjs_wasm: 200 }
    : { descent: 1000, tfjs_cpu: 200, tfjs_wasm: 1000 };
  const peak: Row = {};
  const detail: Record<string, unknown> = {};
  for (const peer of PEERS) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--conditions=source', '--expose-gc', path.join(here, 'memory.ts'), peer, String(stepsOf[peer]), 'optim'], {
      encoding: 'utf8', maxBuffer: 1 << 24,
    });
    const last = r.stdout.trim().split('\n').pop() ?? '';
    try {
      const m = JSON.parse(last) as { peak_rss_mb: number };
      peak[peer] = m.peak_rss_mb;
      detail[peer] = m;
    } catch {
      log(`  memory run for ${peer} failed: ${r.stderr.slice(-500)}`);
    }
  }
  results.mlp_peak_rss_mb = peak;
  results.mlp_memory = detail;
  addRow('MLP peak RSS MB', peak, false, 0);
  for (const [peer, m] of Object.entries(detail) as Array<[string, Record<string, number>]>) {
    log(`  ${peer}: ${m.steps} steps, peak RSS ${m.peak_rss_mb!.toFixed(0)} MB; growth after step ${m.warm}: RSS ${m.rss_growth_mb!.toFixed(1)} MB, `
      + `ArrayBuffers ${m.array_buffers_growth_mb!.toFixed(2)} MB, heap ${m.heap_growth_mb!.toFixed(2)} MB` + (Number.isNaN(m.tensors_growth) || m.tensors_growth === null ? '' : `, tensors ${m.tensors_growth}`));
  }
}

// ── long-run memory (issue 10): the same child `npm test` runs at 1,500 steps, here at 10,000 ──────
function benchLongMemory(): void {
  const steps = QUICK ? 2000 : 10000;
  const child = path.join(here, '..', 'test', 'reliability', 'fixtures', 'memory_child.ts');
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', '--conditions=source', child, String(steps)], { encoding: 'utf8', maxBuffer: 1 << 24 });
  const last = r.stdout.trim().split('\n').pop() ?? '';
  let samples: Array<{ step: number; liveBuffers: number; liveLosses: number; heapUsed: number; rss: number }>;
  try {
    samples = (JSON.parse(last) as { samples: typeof samples }).samples;
  } catch {
    log(`  long memory run failed: ${r.stderr.slice(-500)}`);
    return;
  }
  const after = samples.filter((x) => x.step >= Math.min(1000, steps / 2));
  const range = (f: (x: (typeof samples)[number]) => number) => [Math.min(...after.map(f)), Math.max(...after.map(f))];
  const mb = (v: number) => v / 2 ** 20;
  const [bufMin, bufMax] = range((x) => x.liveBuffers);
  const [lossMin, lossMax] = range((x) => x.liveLosses);
  const [heapMin, heapMax] = range((x) => mb(x.heapUsed));
  const [rssMin, rssMax] = range((x) => mb(x.rss));
  results.memory_long_run = { steps, model: '4-32-3 MLP, Adam, batch 16', live_buffers: [bufMin, bufMax], live_step_losses: [lossMin, lossMax], heap_mb: [heapMin, heapMax], rss_mb: [rssMin, rssMax] };
  log(`  ${steps} steps of a 4-32-3 MLP (Adam, batch 16), sampled from step ${after[0]!.step}: live buffers ${bufMin}–${bufMax}, `
    + `live step losses ${lossMin}–${lossMax}, heap ${heapMin.toFixed(1)}–${heapMax.toFixed(1)} MiB, RSS ${rssMin.toFixed(0)}–${rssMax.toFixed(0)} MiB`);
}

async function benchTransformerSection(): Promise<void> {
  const { stepMs, detail } = await benchTransformer({ tfjs_cpu: () => useTfBackend('cpu'), tfjs_wasm: () => useTfBackend('wasm') }, QUICK);
  results.transformer_step_ms = stepMs;
  results.transformer = detail;
  addRow('Transformer train step ms', stepMs, false);
  const losses = detail.loss_after_steps as Record<string, number>;
  log(`  ${detail.model as string}`);
  log(`  loss at step ${detail.loss_compared_at_step as number}: descent ${losses.descent!.toFixed(5)}, tfjs-cpu ${losses.tfjs_cpu!.toFixed(5)}, tfjs-wasm ${losses.tfjs_wasm!.toFixed(5)}; max |Δ| vs tfjs-cpu per step ${(detail.max_abs_loss_diff_vs_tfjs_cpu as number).toExponential(1)}`);
}

const sectionContext = { quick: QUICK, results, addRow, log, peers: QUICK_PEERS };
const t0 = performance.now();
log(`descent benchmark${QUICK ? ' (quick)' : ''} — ${machine}`);
results.descent_cpu = cpuBackend.info?.();
if (!CHILD && !QUICK) { // --quick leaves correctness to npm test (the check takes 10–40 s on a loaded machine)
  results.kernel_check = checkMatmulKernels();
  log(`descent CPU backend: ${JSON.stringify(results.descent_cpu)}; ${results.kernel_check as string}`);
}
async function benchCeiling(): Promise<void> {
  ceilings = measureCeilings(QUICK);
  results.ceiling = ceilings;
  log(`  clock ≈ ${ceilings.clock_ghz.toFixed(2)} GHz (measured; /proc/cpuinfo says ${ceilings.cpuinfo_mhz ?? '?'} MHz) → single-core f32x4 peak ≈ ${ceilings.peak_f32x4_gflops.toFixed(1)} GFLOP/s `
    + `(4 lanes × 2 flops per multiply-add × 2 SIMD pipes per cycle), f64x2 ≈ ${(ceilings.peak_f32x4_gflops / 2).toFixed(1)}`);
  log(`  copy bandwidth (read + write bytes): ${ceilings.copy_gbps_4mb.toFixed(1)} GB/s on 4 MB arrays (cache), ${ceilings.copy_gbps_64mb.toFixed(1)} GB/s on 64 MB (DRAM)`);
  log(`  f64x2 division ${ceilings.f64x2_div_ns.toFixed(2)} ns, square root ${ceilings.f64x2_sqrt_ns.toFixed(2)} ns per instruction (throughput)`);
  log(`  os.availableParallelism() = ${ceilings.available_parallelism}`);
}

const sections: Array<[string, () => Promise<void> | void]> = [
  ['ceiling', benchCeiling], ['matmul', benchMatmul], ['elementwise', benchElementwise], ['optimizer', benchOptimizer], ['mlp', benchMlp], ['memory', benchMemory], ['longmemory', benchLongMemory],
  ['conv', () => benchConvLayers(sectionContext)], ['cnn', () => benchCnnStep(sectionContext)],
];
sections.push(['transformer', benchTransformerSection]);
sections.push(['threads', () => benchMatmulThreads(sectionContext)]);
for (const [name, fn] of sections) {
  if (!run(name)) continue;
  const s0 = performance.now();
  log(`\n[${name}]`);
  await fn();
  log(`  (${((performance.now() - s0) / 1000).toFixed(1)} s)`);
}
if (!CHILD) {
  log('');
  printTable();
}
let guardFailed = false;
if (QUICK && !CHILD) {
  const guard = checkGuard(guardInput);
  results.guard = guard;
  log('\nregression guard (issue 19 targets, failing below 0.8× each target):');
  for (const c of guard.checks) log(`  ${c.pass ? 'ok  ' : 'FAIL'} ${c.name}: ${c.value.toFixed(3)} (target ${c.target}, limit ${c.limit.toFixed(3)})`);
  guardFailed = !guard.pass;
}
results.total_s = (performance.now() - t0) / 1000;
const file = OUT ?? path.join(here, 'results.json');
writeFileSync(file, JSON.stringify(results, null, 2) + '\n');
log(`\nwrote ${path.relative(process.cwd(), file)} (${(results.total_s as number).toFixed(0)} s)`);
if (guardFailed) process.exitCode = 1;
