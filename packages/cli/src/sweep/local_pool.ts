/**
 * The local executor: a pool of `worker_threads`, one per core by default. Each worker loads
 * the same plugin modules and executes whole runs; a run is a pure function of its spec, so its
 * outcome does not depend on which worker ran it.
 * @module
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { ValueError } from '@descent/tensor';
import type { Executor } from './executor.js';
import type { RunOutcome } from './result.js';
import type { RunSpec } from './spec.js';

/** What a worker is started with.
 * @example
 * ```ts
 * const init: WorkerInit = { plugins: ['/abs/path/my-optimizer.js'] };
 * ```
 */
export interface WorkerInit {
  /** Absolute paths of plugin modules to import before the first run. */
  readonly plugins: readonly string[];
}

/** A run sent to a worker.
 * @example
 * ```ts
 * const r: WorkerRequest = { id: 1, spec };
 * ```
 */
export interface WorkerRequest {
  /** Matches the reply. */
  readonly id: number;
  /** The run. */
  readonly spec: RunSpec;
}

/** A worker's answer: the outcome or the error.
 * @example
 * ```ts
 * const r: WorkerReply = { id: 1, error: { name: 'RegistryError', message: "unknown optimizer 'x'" } };
 * ```
 */
export interface WorkerReply {
  /** The request's id. */
  readonly id: number;
  /** The run's outcome. */
  readonly outcome?: RunOutcome;
  /** The run's error. */
  readonly error?: WorkerError;
}

/** An error as a worker reports it (error objects do not cross threads whole).
 * @example
 * ```ts
 * const e: WorkerError = { name: 'ValueError', message: 'bad settings' };
 * ```
 */
export interface WorkerError {
  /** The error class's name. */
  readonly name: string;
  /** Its message. */
  readonly message: string;
}

/** Options of {@link LocalPool}.
 * @example
 * ```ts
 * const o: LocalPoolOptions = { workers: 2, plugins: [] };
 * ```
 */
export interface LocalPoolOptions {
  /** Worker threads (default `os.availableParallelism()`). */
  readonly workers?: number;
  /** Plugin modules every worker imports (absolute paths). */
  readonly plugins?: readonly string[];
}

interface Job { readonly id: number; readonly spec: RunSpec; resolve(o: RunOutcome): void; reject(e: Error): void }
interface Slot { readonly worker: Worker; job: Job | null }

const FROM_SOURCE = import.meta.url.endsWith('.ts');
const WORKER_URL = new URL(FROM_SOURCE ? './worker.ts' : './worker.js', import.meta.url);

/** The pool runs one run per core, so each run computes on its own thread: `DESCENT_THREADS=1` in the
 * workers keeps the CPU backend from starting worker threads of its own in each of them (as
 * `OMP_NUM_THREADS=1` does for PyTorch processes run side by side). */
const RUN_ENV = { ...process.env, DESCENT_THREADS: '1' };

/** A worker running the TypeScript sources registers tsx's loader in its own thread first
 * (Node 20 does not hand the parent's `--import tsx` hooks to worker threads). */
function startWorker(init: WorkerInit): Worker {
  if (!FROM_SOURCE) return new Worker(WORKER_URL, { workerData: init, env: RUN_ENV });
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(WORKER_URL.href)}); })`;
  return new Worker(boot, { eval: true, workerData: init, env: RUN_ENV });
}

/**
 * Runs specs on worker threads, first come first served. Workers start on demand and stay until
 * {@link LocalPool.close}; a worker that crashes fails its run and is replaced.
 * @throws ValueError when `workers` is not an integer ≥ 1.
 * @example
 * ```ts
 * const pool = new LocalPool({ workers: 2 });
 * try {
 *   const outcomes = await Promise.all(specs.map((s) => pool.execute(s)));
 * } finally {
 *   await pool.close();
 * }
 * ```
 */
export class LocalPool implements Executor {
  readonly concurrency: number;
  readonly name: string;
  private readonly plugins: readonly string[];
  private readonly queue: Job[] = [];
  private readonly slots: Slot[] = [];
  private nextId = 1;
  private closed = false;

  constructor(options: LocalPoolOptions = {}) {
    const n = options.workers ?? availableParallelism();
    if (!Number.isInteger(n) || n < 1) throw new ValueError(`LocalPool: workers must be an integer ≥ 1, but got ${String(n)}`);
    this.concurrency = n;
    this.name = `local pool, ${n} worker thread${n > 1 ? 's' : ''}`;
    this.plugins = [...(options.plugins ?? [])];
  }

  execute(spec: RunSpec): Promise<RunOutcome> {
    if (this.closed) return Promise.reject(new ValueError('LocalPool: execute() after close()'));
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, spec, resolve, reject });
      this.pump();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new ValueError('LocalPool closed before the run started'));
    await Promise.all(this.slots.splice(0).map((s) => {
      s.job?.reject(new ValueError('LocalPool closed while the run was in progress'));
      return s.worker.terminate();
    }));
  }

  /** Give queued jobs to idle workers, starting workers up to the pool size. */
  private pump(): void {
    while (this.queue.length > 0) {
      let slot = this.slots.find((s) => s.job === null);
      if (!slot && this.slots.length < this.concurrency) slot = this.spawn();
      if (!slot) return;
      const job = this.queue.shift()!;
      slot.job = job;
      slot.worker.postMessage({ id: job.id, spec: job.spec } satisfies WorkerRequest);
    }
  }

  private spawn(): Slot {
    const worker = startWorker({ plugins: this.plugins });
    const slot: Slot = { worker, job: null };
    worker.on('message', (reply: WorkerReply) => {
      const job = slot.job;
      if (!job || job.id !== reply.id) return;
      slot.job = null;
      if (reply.error) {
        const e = new Error(reply.error.message);
        e.name = reply.error.name;
        job.reject(e);
      } else job.resolve(reply.outcome!);
      this.pump();
    });
    const fail = (e: Error) => {
      const i = this.slots.indexOf(slot);
      if (i < 0) return;
      this.slots.splice(i, 1);
      slot.job?.reject(e);
      slot.job = null;
      if (!this.closed) this.pump();
    };
    worker.on('error', (e) => fail(e));
    worker.on('exit', (code) => fail(new Error(`worker thread exited with code ${code}`)));
    this.slots.push(slot);
    return slot;
  }
}
