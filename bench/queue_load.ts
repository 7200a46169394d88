// Load test of the BullMQ sweep queue, on loopback only: starts redis-server on a free port and
// `descent worker` processes (one thread each: --workers 0), sends a grid of ≥ 200 tiny runs
// (2-D functions, smoke settings, a few steps) through `QueueExecutor`, and compares with the same
// runs executed in this thread (each side warmed up first). Prints runs/s and the queue overhead per run; stops everything.
// Usage: npm run bench:queue [-- --workers=4 --steps=10 --timeout=180]
import { spawn, type ChildProcess } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { InlineExecutor, QueueExecutor, expandGrid, parseQueueUrl, runSweep, type RunSpec } from '../packages/cli/src/sweep/index.js';
import { loadWorkloads } from '../packages/cli/src/workloads/index.js';
import { startRedis, type RedisServer } from '../test/helpers/redis.js';

const arg = (name: string, fallback: number): number => {
  const a = process.argv.find((s) => s.startsWith(`--${name}=`));
  return a ? Number(a.slice(name.length + 3)) : fallback;
};
const WORKERS = arg('workers', 4);
const STEPS = arg('steps', 10);
const TIMEOUT_S = arg('timeout', 180);
const ENTRY = fileURLToPath(new URL('../packages/cli/src/descent.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('..', import.meta.url));

const children: ChildProcess[] = [];
let redis: RedisServer | undefined;
const stopAll = async (): Promise<void> => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await redis?.stop();
};
process.once('exit', () => { for (const c of children) if (c.exitCode === null) c.kill('SIGKILL'); });
const deadline = setTimeout(() => {
  console.error(`queue_load: over the ${TIMEOUT_S} s limit; stopping`);
  void stopAll().then(() => { process.exitCode = 1; setImmediate(process.exit); });
}, TIMEOUT_S * 1000);

function startWorkers(url: string, n: number): Promise<void[]> {
  return Promise.all(Array.from({ length: n }, () => new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=source', ENTRY, 'worker', '--queue', url, '--workers', '0', '--quiet'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(child);
    child.stdout!.on('data', (d: Buffer) => { if (d.toString().includes('descent worker: taking runs')) resolve(); });
    child.once('exit', (code, signal) => reject(new Error(`descent worker exited (${code ?? signal}) before it was ready`)));
  })));
}

async function throughQueue(specs: readonly RunSpec[], name: string, workers: number): Promise<number> {
  const url = `${redis!.url}/${name}`;
  await startWorkers(url, workers);
  const executor = new QueueExecutor(parseQueueUrl(url));
  // warm-up: other seeds of the same runs, so the workers' code is compiled before the timed runs
  await runSweep(specs.slice(0, 10 * workers).map((s) => ({ ...s, seed: s.seed + 1000 })), { executor });
  const t0 = performance.now();
  try {
    await runSweep(specs, { executor });
  } finally {
    await executor.close();
  }
  const seconds = (performance.now() - t0) / 1000;
  for (const c of children.splice(0)) c.kill('SIGTERM');
  return seconds;
}

try {
  await loadWorkloads();
  const started = await startRedis();
  if ('skip' in started) throw new Error(`queue_load: ${started.skip}`);
  redis = started;
  const specs = expandGrid({
    workloads: ['fn-rosenbrock', 'fn-saddle', 'fn-beale'], optimizers: ['adam', 'sgd', 'rmsprop', 'nadam'],
    lrs: [1e-3, 3e-3, 1e-2, 3e-2, 1e-1], seeds: 4, preset: 'smoke', budget: { steps: STEPS },
  }, () => 'builtin');
  const load0 = loadavg()[0]!;
  // in this thread: a warm-up pass, then the timed one
  await runSweep(specs.slice(0, 20), { executor: new InlineExecutor() });
  const t0 = performance.now();
  await runSweep(specs, { executor: new InlineExecutor() });
  const inline = (performance.now() - t0) / 1000;
  const one = await throughQueue(specs, 'load-1', 1);
  const many = await throughQueue(specs, `load-${WORKERS}`, WORKERS);
  const load1 = loadavg()[0]!;
  const ms = (s: number) => ((s / specs.length) * 1000).toFixed(2);
  console.log(`queue load test: ${specs.length} runs of ${STEPS} steps (2-D functions), redis-server on 127.0.0.1:${redis.port}; load average ${load0.toFixed(2)} → ${load1.toFixed(2)}`);
  console.log(`| where | wall s | runs/s | wall ms per run | overhead ms per run (wall per run − in-thread per run) |`);
  console.log(`|---|---|---|---|---|`);
  console.log(`| this thread (InlineExecutor) | ${inline.toFixed(2)} | ${(specs.length / inline).toFixed(1)} | ${ms(inline)} | — |`);
  console.log(`| queue, 1 worker process | ${one.toFixed(2)} | ${(specs.length / one).toFixed(1)} | ${ms(one)} | ${((one - inline) / specs.length * 1000).toFixed(2)} |`);
  console.log(`| queue, ${WORKERS} worker processes | ${many.toFixed(2)} | ${(specs.length / many).toFixed(1)} | ${ms(many)} | ${((many - inline) / specs.length * 1000).toFixed(2)} |`);
  console.log(`${WORKERS} workers: ${((many * WORKERS - inline) / specs.length * 1000).toFixed(2)} ms of worker time per run beyond its in-thread time (wall × workers / runs − in-thread per run)`);
  console.log(JSON.stringify({ runs: specs.length, steps: STEPS, workers: WORKERS, inlineSeconds: inline, oneWorkerSeconds: one, manyWorkersSeconds: many, loadAverage: [load0, load1] }));
} finally {
  clearTimeout(deadline);
  await stopAll();
}
