// A small pool of worker threads that run calls into WebAssembly modules over shared
// WebAssembly.Memory objects, for kernels whose API is synchronous (the CPU backend's matmul and its
// large elementwise ops). The calling thread publishes a list of calls ("chunks") in a
// SharedArrayBuffer, wakes the workers, takes chunks itself, then blocks in Atomics.wait (allowed on
// Node's main thread) until every chunk is done. Chunks are claimed one at a time from a shared
// counter, so a worker that has not started yet, or that the OS has descheduled, simply takes fewer
// of them; which thread runs a chunk never changes what the chunk computes. Modules are added at any
// time (each kernel adds its own on first use) and reach the workers through their message ports; a
// worker that has not received one yet sits that job out. Workers are unref'd (they never keep the
// process alive) and are started from source text (`eval`), so they need no loader and no file on disk.
import type { MessagePort, Worker } from 'node:worker_threads';
import { BackendError, WorkerThreadError } from '../../../errors.js';

type WorkerThreads = typeof import('node:worker_threads');

/** Node's `worker_threads`, or null where there is none (a browser, a runtime without `process.getBuiltinModule`). */
export function workerThreadsModule(): WorkerThreads | null {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  try {
    return (proc?.getBuiltinModule?.('node:worker_threads') as WorkerThreads | undefined) ?? null;
  } catch {
    return null;
  }
}

// Control block (Int32Array over a SharedArrayBuffer). These names are also declared in the
// workers' source (see workerSource), so drainChunks reads the same words on both sides.
const SEQ = 0;      // the current job's tag; -1: shut down. Workers sleep on it.
const CLAIM = 1;    // (tag << 13) | next chunk to hand out; next = CLOSED once the job is over
const TOTAL = 2;    // chunks in the current job
const DONE = 3;     // chunks finished (the caller sleeps on it)
const FAILED = 4;   // chunks that threw
const READY = 5;    // workers that have instantiated the module
const BY_WORKERS = 6; // chunks the workers have run, all jobs together
const NEED = 7;     // functions added to the pool when the job was published: a worker with fewer fetches the new modules first
const SLEEPING = 8; // workers asleep in Atomics.wait (waking one costs the caller a futex call)
const ARGS = 9;     // chunk i: ARGS + i·STRIDE = [function index, up to 11 i32 arguments]
const STRIDE = 12;
const CLOSED = 8191;
/** At most this many chunks per job (must stay below CLOSED). */
export const MAX_CHUNKS = 1024;
const TAG_MASK = 0x3ffff; // 18 bits: tag << 13 stays a positive int32
// After a job a worker watches for the next one this long (ms) before it sleeps: a futex wake-up
// takes tens of microseconds in a VM, as long as an elementwise op on 1e6 floats takes on one core,
// and the ops of a training step follow each other closely (OpenMP's workers spin the same way).
const SPIN_MS = 0.1;

/** Chunks of C run so far by the matmul worker threads and by the calling thread (see {@link MatmulThreadStats}).
 * @example
 * ```ts
 * const c: MatmulThreadChunks = { workers: 40, caller: 56 };
 * ```
 */
export interface MatmulThreadChunks {
  /** By the worker threads together. */
  workers: number;
  /** By the thread that called matmul. */
  caller: number;
}

/** One exported function of the module, as JS sees it. */
type WasmCall = (...args: number[]) => unknown;

/**
 * Claim chunks of job `tag` until none is left, run each, and count it done (waking the caller after
 * the last); returns how many this thread ran. Shared verbatim by the calling thread and the workers (its source text is part of the
 * workers' program), so it must not close over anything but its parameters and the layout names
 * above, and must not contain named inner functions (tsx would wrap them in a helper).
 * A claim is a compare-and-swap on CLAIM, which also carries the tag: a late worker can never take a
 * chunk of a job that is over, because the caller rewrites CLAIM (closing it) before it reuses the
 * argument words for the next job.
 */
function drainChunks(ctl: Int32Array, tag: number, fns: WasmCall[], onError: (error: unknown, chunk: number) => void): number {
  let ran = 0;
  for (;;) {
    const word = Atomics.load(ctl, CLAIM);
    if (word >>> 13 !== tag) return ran;
    const chunk = word & CLOSED;
    const total = Atomics.load(ctl, TOTAL);
    if (chunk >= total) return ran;
    if (Atomics.compareExchange(ctl, CLAIM, word, word + 1) !== word) continue;
    ran++;
    const at = ARGS + chunk * STRIDE;
    try {
      fns[ctl[at]!]!(ctl[at + 1]!, ctl[at + 2]!, ctl[at + 3]!, ctl[at + 4]!, ctl[at + 5]!, ctl[at + 6]!,
        ctl[at + 7]!, ctl[at + 8]!, ctl[at + 9]!, ctl[at + 10]!, ctl[at + 11]!);
    } catch (error) {
      Atomics.add(ctl, FAILED, 1);
      onError(error, chunk);
    }
    if (Atomics.add(ctl, DONE, 1) + 1 === total) Atomics.notify(ctl, DONE);
  }
}

/** What a worker is given at start. */
interface WorkerData { control: SharedArrayBuffer; port: MessagePort }

/** A module added to the pool, as posted to each worker. */
interface ModuleMessage { module: WebAssembly.Module; memory: WebAssembly.Memory; names: string[] }

/** A worker's program: serve jobs until SEQ is -1, first instantiating (over its shared memory) each
 * module the job may call that it has not got yet. Runs in the worker (its source text is what the
 * worker evaluates). */
function workerMain(wt: WorkerThreads): void {
  const data = wt.workerData as WorkerData;
  const ctl = new Int32Array(data.control);
  const fns: WasmCall[] = [];
  Atomics.add(ctl, READY, 1);
  for (;;) {
    const seq = Atomics.load(ctl, SEQ);
    if (seq < 0) return;
    for (let m = fns.length < Atomics.load(ctl, NEED) ? wt.receiveMessageOnPort(data.port) : undefined; m; m = wt.receiveMessageOnPort(data.port)) {
      const { module, memory, names } = m.message as ModuleMessage;
      try {
        const exports = new WebAssembly.Instance(module, { env: { memory } }).exports as Record<string, WasmCall>;
        for (const name of names) fns.push(exports[name]!);
      } catch (error) {
        data.port.postMessage({ chunk: -1, message: String((error as Error)?.stack ?? error) });
        return; // never claims a chunk again, so no job waits for it
      }
    }
    // a module still on its way: this job runs without this worker
    const ran = fns.length >= Atomics.load(ctl, NEED)
      ? drainChunks(ctl, seq, fns, (error, chunk) => data.port.postMessage({ chunk, message: String(error) })) : 0;
    if (ran > 0) Atomics.add(ctl, BY_WORKERS, ran);
    const until = performance.now() + SPIN_MS;
    while (Atomics.load(ctl, SEQ) === seq && performance.now() < until);
    Atomics.add(ctl, SLEEPING, 1);
    Atomics.wait(ctl, SEQ, seq);
    Atomics.sub(ctl, SLEEPING, 1);
  }
}

/** The workers' program text: the layout names, drainChunks and workerMain, run on `worker_threads`.
 * `__name` is the helper tsx's transform adds to named functions; defined so the same text runs
 * whether the library was compiled by tsc or is run from source. */
function workerSource(): string {
  const layout = { SEQ, CLAIM, TOTAL, DONE, FAILED, READY, BY_WORKERS, NEED, SLEEPING, ARGS, STRIDE, CLOSED, SPIN_MS };
  return `'use strict';\nconst __name = (f) => f;\n${Object.entries(layout).map(([k, v]) => `const ${k} = ${v};`).join('\n')}\n`
    + `${drainChunks.toString()}\n${workerMain.toString()}\nworkerMain(require('node:worker_threads'));\n`;
}

/**
 * A pool of `size` worker threads (plus the calling thread) running calls into the modules added to
 * it ({@link WasmThreadPool.addModule}). Workers start at construction, in the background: until they
 * are up the calling thread runs every chunk itself.
 * @example
 * ```ts
 * const pool = new WasmThreadPool(1, 'matmul');
 * const { base } = pool.addModule(module, memory, ['tiles32']);
 * pool.run([[base, pA, pB, pC, 8, 16, 64, 0, 1, 0, 2], [base, pA, pB, pC, 8, 16, 64, 1, 2, 0, 2]]);
 * pool.close();
 * ```
 */
export class WasmThreadPool {
  private readonly control = new SharedArrayBuffer((ARGS + MAX_CHUNKS * STRIDE) * 4);
  private readonly ctl = new Int32Array(this.control);
  private readonly fns: WasmCall[] = [];
  private readonly modules = new Map<WebAssembly.Module, { base: number; exports: Record<string, WasmCall> }>();
  private readonly threads: Array<{ worker: Worker; port: MessagePort; alive: boolean }> = [];
  private tag = 0;
  private byCaller = 0;
  private futileWakes = 0;
  private skippedWakes = 0;
  private closed = false;

  constructor(readonly size: number, private readonly what: string) {
    const wt = workerThreadsModule();
    if (!wt) throw new BackendError(`${what}: worker threads are not available in this runtime (no node:worker_threads)`);
    const source = workerSource();
    for (let i = 0; i < size; i++) {
      const { port1, port2 } = new wt.MessageChannel();
      const data: WorkerData = { control: this.control, port: port2 };
      // execArgv []: the workers run plain JS, without the parent's loaders (tsx) and their start-up cost
      const worker = new wt.Worker(source, { eval: true, workerData: data, transferList: [port2], execArgv: [] });
      const thread = { worker, port: port1, alive: true };
      worker.on('error', () => { thread.alive = false; });
      worker.on('exit', () => { thread.alive = false; });
      worker.unref();
      port1.unref();
      this.threads.push(thread);
    }
  }

  /**
   * Add `module` (instantiated over `memory`, a shared memory, as `{ env: { memory } }`) once: the
   * calling thread's instance, and `base`, the function index of `names[0]` in {@link run}'s calls
   * (`names[k]` is `base + k`). Adding the same module again returns the same.
   * @example
   * ```ts
   * const { base, exports } = pool.addModule(module, memory, ['add']);
   * ```
   */
  addModule(module: WebAssembly.Module, memory: WebAssembly.Memory, names: string[]): { base: number; exports: Readonly<Record<string, WasmCall>> } {
    const known = this.modules.get(module);
    if (known) return known;
    const exports = new WebAssembly.Instance(module, { env: { memory } }).exports as Record<string, WasmCall>;
    const entry = { base: this.fns.length, exports };
    for (const name of names) this.fns.push(exports[name]!);
    this.modules.set(module, entry);
    const message: ModuleMessage = { module, memory, names };
    for (const t of this.threads) t.port.postMessage(message);
    return entry;
  }

  /** Worker threads not known to have stopped. */
  get workers(): number { return this.threads.filter((t) => t.alive).length; }

  /** Worker threads that have started (they take chunks from then on). */
  get started(): number { return Atomics.load(this.ctl, READY); }

  /** Whether every worker is asleep (none has started, or each has waited past its watch for a job):
   * then a job pays for a wake-up, about 16 µs of the calling thread in a VM, and the workers join it
   * tens of microseconds later. */
  get asleep(): boolean { return Atomics.load(this.ctl, SLEEPING) >= this.size || Atomics.load(this.ctl, READY) === 0; }

  /** Whether a small job should leave the sleeping workers asleep (asked once per job): every worker
   * sleeps, and the last three jobs that woke them were each run by the calling thread alone, with no
   * job since in which a worker took a chunk (the workers' CPUs were busy: in a VM shared with other
   * work they may not run for milliseconds), so a wake-up would cost the calling thread and bring no
   * help. One such job in 16 wakes them anyway, to notice when the CPUs are free again. */
  wakeIsFutile(): boolean {
    if (this.futileWakes < 3 || !this.asleep) return false;
    return ++this.skippedWakes % 16 !== 0; // counts the job it answers for
  }

  /** Chunks run so far by the workers and by the calling thread (how much the workers took on:
   * under CPU contention, or before they have started, the calling thread runs most). */
  get chunksRun(): MatmulThreadChunks { return { workers: Atomics.load(this.ctl, BY_WORKERS), caller: this.byCaller }; }

  /**
   * Run every call (`[function index, ...i32 arguments]`, at most 11 arguments) once, spread over the
   * workers and the calling thread, and return when all have finished. Calls must write disjoint
   * memory. If any threw, throws {@link WorkerThreadError} naming the first failure, after all have
   * finished (no call of this job is still running then). `meanwhile`: work for the calling thread
   * to do before it takes chunks, while the workers have started on them.
   */
  run(calls: ReadonlyArray<ArrayLike<number>>, meanwhile?: () => void): void {
    if (this.closed) throw new BackendError(`${this.what}: the worker thread pool was closed`);
    if (calls.length > MAX_CHUNKS) throw new BackendError(`${this.what}: at most ${MAX_CHUNKS} chunks per job, but got ${calls.length}`);
    const ctl = this.ctl;
    this.tag = (this.tag % TAG_MASK) + 1;
    const tag = this.tag;
    for (let i = 0; i < calls.length; i++) {
      const call = calls[i]!, at = ARGS + i * STRIDE;
      for (let j = 0; j < STRIDE; j++) ctl[at + j] = j < call.length ? call[j]! : 0;
    }
    const total = calls.length;
    Atomics.store(ctl, TOTAL, total);
    Atomics.store(ctl, DONE, 0);
    Atomics.store(ctl, FAILED, 0);
    Atomics.store(ctl, NEED, this.fns.length);
    Atomics.store(ctl, CLAIM, tag << 13);
    Atomics.store(ctl, SEQ, tag);
    const woke = this.asleep;
    if (total > 1 || meanwhile) Atomics.notify(ctl, SEQ);
    const callerBefore = this.byCaller;
    if (meanwhile) {
      try { meanwhile(); } catch (error) { this.finish(tag, total); throw error; }
    }
    let mainError: { error: unknown; chunk: number } | null = null;
    this.byCaller += drainChunks(ctl, tag, this.fns, (error, chunk) => { mainError ??= { error, chunk }; });
    this.finish(tag, total);
    // a wake-up after which no worker took a chunk: their CPUs were busy (see wakeIsFutile); any job in
    // which a worker took one shows them running again
    if (this.byCaller - callerBefore < total) this.futileWakes = 0;
    else if (woke) this.futileWakes++;
    if (Atomics.load(ctl, FAILED) === 0) return;
    throw this.failure(mainError, total);
  }

  /** Run what is left of job `tag`, wait until all its chunks are done, then close it. */
  private finish(tag: number, total: number): void {
    const ctl = this.ctl;
    this.byCaller += drainChunks(ctl, tag, this.fns, () => undefined);
    for (let done = Atomics.load(ctl, DONE); done < total; done = Atomics.load(ctl, DONE)) Atomics.wait(ctl, DONE, done);
    Atomics.store(ctl, CLAIM, (tag << 13) | CLOSED);
  }

  /** The error of a job in which chunks threw: the calling thread's own first failure, else the first
   * a worker reported (read synchronously from its port). */
  private failure(mainError: { error: unknown; chunk: number } | null, total: number): WorkerThreadError {
    const wt = workerThreadsModule()!;
    let reported: { thread: number; chunk: number; message: string } | null = null;
    this.threads.forEach((t, thread) => {
      for (let m = wt.receiveMessageOnPort(t.port); m; m = wt.receiveMessageOnPort(t.port)) {
        const { chunk, message } = m.message as { chunk: number; message: string };
        if (chunk >= 0) reported ??= { thread: thread + 1, chunk, message };
      }
    });
    const e = mainError as { error: unknown; chunk: number } | null;
    const r = reported as { thread: number; chunk: number; message: string } | null;
    const where = e ? 'the calling thread' : r ? `worker thread ${r.thread}` : 'a worker thread';
    const chunk = e ? `chunk ${e.chunk + 1}` : r ? `chunk ${r.chunk + 1}` : 'a chunk';
    const message = e ? String(e.error) : r ? r.message : 'its report was not received';
    return new WorkerThreadError(`${this.what}: ${where} failed on ${chunk} of ${total}: ${message}; `
      + 'every other chunk of the job has finished and the pool takes the next job', e ? e.error : undefined);
  }

  /** Stop the workers (woken and terminated); later {@link run} calls throw. Resolves once every
   * worker has exited (nobody needs to wait for it: the workers never keep the process alive). */
  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    Atomics.store(this.ctl, SEQ, -1);
    Atomics.notify(this.ctl, SEQ);
    return Promise.all(this.threads.map((t) => {
      t.port.close();
      return t.worker.terminate().then(() => { t.alive = false; }, () => { t.alive = false; });
    })).then(() => undefined);
  }
}
