// The CPU backend's thread count and its one pool of worker threads, shared by every kernel that
// splits its work over threads (large matmul products, large elementwise ops on tensors in the
// tensor heap). Each kernel adds its own WebAssembly module to the pool on first use.
import { ConfigError } from '../../../errors.js';
import { WasmThreadPool, workerThreadsModule } from './thread_pool.js';

/** The default thread count is capped here (each worker holds an instance of the kernels). */
const MAX_DEFAULT_THREADS = 16;
let threadCount: number | null = null; // null: not decided yet (see cpuThreadCount)
let pool: WasmThreadPool | null = null;
let poolFailed = false;

/** The thread count when none was set: `DESCENT_THREADS`, else `os.availableParallelism()` (at most 16). */
function defaultThreads(): number {
  const proc = (globalThis as { process?: { env?: Record<string, string | undefined>; getBuiltinModule?: (id: string) => unknown } }).process;
  const env = proc?.env?.DESCENT_THREADS;
  if (env !== undefined && env !== '') {
    const n = Number(env);
    if (!Number.isInteger(n) || n < 1) throw new ConfigError(`DESCENT_THREADS must be an integer ≥ 1 (1: the calling thread only), but got '${env}'`);
    return n;
  }
  const os = proc?.getBuiltinModule?.('node:os') as { availableParallelism?: () => number; cpus?: () => unknown[] } | undefined;
  const cores = os?.availableParallelism?.() ?? os?.cpus?.().length ?? 1;
  return Math.max(1, Math.min(MAX_DEFAULT_THREADS, cores));
}

/**
 * The threads the CPU backend may use (the calling thread included): set by {@link setCpuThreadCount},
 * else `DESCENT_THREADS`, else `os.availableParallelism()` (at most 16).
 * @example
 * ```ts
 * cpuThreadCount(); // 2 on a two-core machine
 * ```
 */
export function cpuThreadCount(): number {
  threadCount ??= defaultThreads();
  return threadCount;
}

/**
 * Set the thread count (validated by the caller); 1 stops the workers. Returns the previous count.
 * @example
 * ```ts
 * const previous = setCpuThreadCount(1);
 * ```
 */
export function setCpuThreadCount(threads: number): number {
  const previous = cpuThreadCount();
  threadCount = threads;
  if (threads === 1) void closeCpuThreadPool();
  return previous;
}

/**
 * The pool of `cpuThreadCount() − 1` workers, started on first call (and again after the count
 * changed); null with one thread, where worker threads or shared WebAssembly memory are missing, or
 * after a pool failed to start (threading then stays off for the process).
 * @example
 * ```ts
 * const pool = cpuThreadPool();
 * ```
 */
export function cpuThreadPool(): WasmThreadPool | null {
  const threads = cpuThreadCount();
  if (pool && pool.size === threads - 1) return pool;
  if (pool) void pool.close();
  pool = null;
  if (threads < 2 || poolFailed || !threadsSupported()) return null;
  try {
    pool = new WasmThreadPool(threads - 1, 'cpu threads');
  } catch {
    poolFailed = true;
  }
  return pool;
}

/** The pool if it is running now (starts nothing).
 * @example
 * ```ts
 * cpuThreadPoolIfStarted()?.chunksRun;
 * ```
 */
export function cpuThreadPoolIfStarted(): WasmThreadPool | null {
  return pool;
}

/** Whether this runtime can run the pool at all: worker threads and shared WebAssembly memory.
 * @example
 * ```ts
 * threadsSupported(); // true on Node.js
 * ```
 */
export function threadsSupported(): boolean {
  return !poolFailed && typeof SharedArrayBuffer === 'function' && workerThreadsModule() !== null;
}

/** Stop the workers now (the next threaded op starts them again); resolves when they have exited.
 * @example
 * ```ts
 * await closeCpuThreadPool();
 * ```
 */
export function closeCpuThreadPool(): Promise<void> {
  const p = pool;
  pool = null;
  return p ? p.close() : Promise.resolve();
}
