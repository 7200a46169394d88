// The `threads` section of `npm run bench` (issue 19): float32 matmul N×N·N×N on one thread, on
// os.availableParallelism() threads (the default), and tfjs-wasm, interleaved round by round in one
// process, with the ratios; then where threading starts to pay (the crossover). Each threaded figure
// comes with the CPU time it used per wall-clock second ("cores used") and the share of chunks the
// workers ran: on a machine shared with other jobs a second core is often not free, and then the
// threaded figure measures the contention, not the kernel.
import os from 'node:os';
import { cpuBackend, matmul, tensor, Rng, type Tensor } from '@descent/tensor';
import type { SectionContext } from '../cnn.js';
import { useTfBackend } from './tfjs.js';
import { median } from './timing.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Median wall time (ms) of `fn` over at least `minReps` calls and `minMs` ms after one warm-up call, and
 * the process CPU time per wall-clock time over those calls. */
function measure(fn: () => void, minMs: number, minReps = 3): { ms: number; coresUsed: number } {
  fn();
  const times: number[] = [];
  const cpu0 = process.cpuUsage(), t0 = performance.now();
  while (times.length < minReps || performance.now() - t0 < minMs) {
    const t = performance.now();
    fn();
    times.push(performance.now() - t);
  }
  const wall = performance.now() - t0, cpu = process.cpuUsage(cpu0);
  return { ms: median(times), coresUsed: (cpu.user + cpu.system) / 1000 / wall };
}

/** Start the matmul pool for `threads` threads and wait (≤ 3 s) until its workers are up. */
async function startThreads(threads: number, warm: () => void, minWork?: number): Promise<void> {
  cpuBackend.setMatmulThreads(threads, minWork);
  warm();
  for (let i = 0; i < 300 && threads > 1 && (cpuBackend.matmulThreadStats()?.started ?? 0) < threads - 1; i++) await sleep(10);
}

function randomTensor(n: number, rng: Rng): Tensor {
  const a = new Float32Array(n * n);
  for (let i = 0; i < a.length; i++) a[i] = 2 * rng.uniform() - 1;
  return tensor(a, { shape: [n, n] });
}

/** What tfjs-wasm does about threads in this process. */
async function tfjsWasmThreads(): Promise<Record<string, unknown>> {
  const tf = await useTfBackend('wasm');
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  let threadsCount: number | string;
  try { threadsCount = wasm.getThreadsCount(); } catch (e) { threadsCount = (e as Error).message; }
  return {
    WASM_HAS_MULTITHREAD_SUPPORT: await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'),
    IS_NODE: tf.env().get('IS_NODE'),
    getThreadsCount: threadsCount,
  };
}

/** The section: see the file comment. Stores `results.matmul_threads`. */
export async function benchMatmulThreads(ctx: SectionContext): Promise<void> {
  const { quick, log } = ctx;
  const parallelism = os.availableParallelism();
  const before = cpuBackend.setMatmulThreads(1);
  cpuBackend.setMatmulThreads(before);
  const threads = Math.max(2, before); // the default (DESCENT_THREADS or availableParallelism()); at least 2 to have something to compare
  const loadBefore = os.loadavg();
  const tfThreads = await tfjsWasmThreads();
  log(`  os.availableParallelism() = ${parallelism} → default matmul threads ${before}${before === 1 ? ' (threading off by default here; measured with 2)' : ''}; `
    + `load average ${loadBefore.map((x) => x.toFixed(2)).join(' ')}`);
  log(`  tfjs-wasm in Node: WASM_HAS_MULTITHREAD_SUPPORT = ${String(tfThreads.WASM_HAS_MULTITHREAD_SUPPORT)} (tfjs turns the threaded build off when IS_NODE), `
    + `getThreadsCount() = ${String(tfThreads.getThreadsCount)}: single-threaded XNNPACK`);

  const rng = new Rng(19);
  const rounds = quick ? 2 : 3;
  const sizes: Record<string, Record<string, unknown>> = {};
  const tf = await useTfBackend('wasm');
  for (const n of quick ? [256, 512] : [256, 512, 1024]) {
    const A = randomTensor(n, rng), B = randomTensor(n, rng);
    const TA = tf.tensor2d(A.data() as Float32Array, [n, n]), TB = tf.tensor2d(B.data() as Float32Array, [n, n]);
    const gflops = (ms: number) => (2 * n ** 3) / (ms * 1e6);
    const minMs = quick ? 150 : 400;
    const perRound: Array<{ single: number; threaded: number; tfjs_wasm: number; cores_used: number; worker_share: number }> = [];
    for (let r = 0; r < rounds; r++) {
      await startThreads(1, () => matmul(A, B));
      const single = gflops(measure(() => { matmul(A, B); }, minMs).ms);
      await startThreads(threads, () => matmul(A, B));
      const s0 = cpuBackend.matmulThreadStats()?.chunks ?? { workers: 0, caller: 0 };
      const t = measure(() => { matmul(A, B); }, minMs);
      const s1 = cpuBackend.matmulThreadStats()?.chunks ?? { workers: 0, caller: 0 };
      const ran = s1.workers - s0.workers + s1.caller - s0.caller;
      const wasm = gflops(measure(() => { const c = tf.matMul(TA, TB); c.dataSync(); c.dispose(); }, minMs).ms);
      perRound.push({ single, threaded: gflops(t.ms), tfjs_wasm: wasm, cores_used: t.coresUsed, worker_share: ran ? (s1.workers - s0.workers) / ran : 0 });
    }
    TA.dispose(); TB.dispose();
    const med = (f: (x: (typeof perRound)[number]) => number) => median(perRound.map(f));
    const row = {
      single: med((x) => x.single), threaded: med((x) => x.threaded), tfjs_wasm: med((x) => x.tfjs_wasm),
      threaded_vs_single: med((x) => x.threaded / x.single), threaded_vs_tfjs_wasm: med((x) => x.threaded / x.tfjs_wasm),
      single_vs_tfjs_wasm: med((x) => x.single / x.tfjs_wasm), cores_used: med((x) => x.cores_used), worker_chunk_share: med((x) => x.worker_share),
      rounds: perRound,
    };
    sizes[n] = row;
    ctx.addRow(`matmul ${n} GFLOP/s, ${threads} threads`, { descent: row.threaded, tfjs_wasm: row.tfjs_wasm }, true);
    ctx.addRow(`matmul ${n} GFLOP/s, 1 thread`, { descent: row.single, tfjs_wasm: row.tfjs_wasm }, true);
    log(`  ${n}: 1 thread ${row.single.toFixed(1)}, ${threads} threads ${row.threaded.toFixed(1)}, tfjs-wasm ${row.tfjs_wasm.toFixed(1)} GFLOP/s; `
      + `threaded ÷ single ${row.threaded_vs_single.toFixed(2)}×, threaded ÷ tfjs-wasm ${row.threaded_vs_tfjs_wasm.toFixed(2)}×, single ÷ tfjs-wasm ${row.single_vs_tfjs_wasm.toFixed(2)}× `
      + `(medians of ${rounds} interleaved rounds; threaded: ${row.cores_used.toFixed(2)} cores used, workers ran ${(100 * row.worker_chunk_share).toFixed(0)}% of the chunks)`);
    log(`       rounds (1 / ${threads} threads / tfjs-wasm): ` + perRound.map((x) => `${x.single.toFixed(1)} / ${x.threaded.toFixed(1)} / ${x.tfjs_wasm.toFixed(1)}`).join(', '));
  }

  // Crossover: every product threaded (minWork 0) against one thread, small sizes, interleaved.
  const crossover: Record<string, { single: number; threaded: number; ratio: number; cores_used: number }> = {};
  if (!quick) {
    const parts: string[] = [];
    for (const n of [48, 64, 96, 128, 160, 192, 256]) {
      const A = randomTensor(n, rng), B = randomTensor(n, rng);
      const ratios: number[] = [], singles: number[] = [], threadeds: number[] = [], cores: number[] = [];
      for (let r = 0; r < rounds; r++) {
        await startThreads(1, () => matmul(A, B));
        const s = measure(() => { matmul(A, B); }, 150, 10).ms;
        await startThreads(threads, () => matmul(A, B), 0);
        const t = measure(() => { matmul(A, B); }, 150, 10);
        singles.push(s); threadeds.push(t.ms); ratios.push(s / t.ms); cores.push(t.coresUsed);
      }
      crossover[n] = { single: median(singles), threaded: median(threadeds), ratio: median(ratios), cores_used: median(cores) };
      parts.push(`${n}: ${crossover[n]!.ratio.toFixed(2)}× (${crossover[n]!.cores_used.toFixed(2)} cores)`);
    }
    log(`  crossover, every product threaded (threads ${threads}) ÷ 1 thread, speed: ${parts.join(', ')}`);
  }
  cpuBackend.setMatmulThreads(before);
  const loadAfter = os.loadavg();
  log(`  load average after: ${loadAfter.map((x) => x.toFixed(2)).join(' ')}`);
  ctx.results.matmul_threads = {
    available_parallelism: parallelism, default_threads: before, threads, tfjs_wasm_threads: tfThreads,
    loadavg_before: loadBefore, loadavg_after: loadAfter, sizes, crossover_speedup_all_threaded: crossover,
  };
}
