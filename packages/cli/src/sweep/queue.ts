/**
 * The distributed executor: runs go into a BullMQ queue on Redis, and `descent worker` processes
 * on any number of machines take them. BullMQ does the hard parts — retries with back-off, and
 * stalled-job recovery (a run whose worker died is handed to another worker once its lock
 * expires). descent adds one rule: a run's job id is the hash of its full configuration, so the
 * same run is queued once however often a sweep is submitted, and a finished run's result is read
 * back instead of being computed again.
 * @module
 */
import { Queue, QueueEvents, Worker as BullWorker, type ConnectionOptions, type Job } from 'bullmq';
import { RunFailedError, ValueError } from '@descent/tensor';
import type { Executor } from './executor.js';
import { fromResultJson, toResultJson } from './json.js';
import type { RunOutcome } from './result.js';
import { specHash, type RunSpec } from './spec.js';

/** Where a queue lives: a Redis server, database and queue name.
 * @example
 * ```ts
 * parseQueueUrl('redis://10.0.0.5:6379/2/sweep-a'); // { host: '10.0.0.5', port: 6379, db: 2, name: 'sweep-a' }
 * ```
 */
export interface QueueAddress {
  /** Redis host. */
  readonly host: string;
  /** Redis port. */
  readonly port: number;
  /** Redis database number. */
  readonly db: number;
  /** Queue name (every queue's keys start with `bull:<name>:`). */
  readonly name: string;
  /** Password (`redis://:secret@host:port/…`), if any. */
  readonly password?: string;
}

/** The queue name used when a URL names none.
 * @example
 * ```ts
 * parseQueueUrl('redis://127.0.0.1:6379').name === DEFAULT_QUEUE_NAME; // true
 * ```
 */
export const DEFAULT_QUEUE_NAME = 'descent-runs';

/**
 * Parse `redis://[:password@]host[:port][/db][/name]` (port 6379, database 0 and queue
 * {@link DEFAULT_QUEUE_NAME} by default).
 * @throws ValueError for anything else, naming what was expected.
 * @example
 * ```ts
 * parseQueueUrl('redis://127.0.0.1:6380/sweeps'); // { host: '127.0.0.1', port: 6380, db: 0, name: 'sweeps' }
 * ```
 */
export function parseQueueUrl(url: string): QueueAddress {
  const expected = "a queue URL such as 'redis://HOST:PORT/NAME' (or redis://[:PASSWORD@]HOST[:PORT][/DB][/NAME])";
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new ValueError(`--queue: expected ${expected}, but got ${JSON.stringify(url)}`);
  }
  if (u.protocol !== 'redis:' || !u.hostname) throw new ValueError(`--queue: expected ${expected}, but got ${JSON.stringify(url)}`);
  const port = u.port === '' ? 6379 : Number(u.port);
  const parts = u.pathname.split('/').filter((p) => p !== '').map(decodeURIComponent);
  let db = 0;
  if (parts.length > 0 && /^\d+$/.test(parts[0]!)) db = Number(parts.shift());
  if (parts.length > 1) throw new ValueError(`--queue: expected at most a database number and a queue name after the host, but got ${JSON.stringify(u.pathname)}`);
  const name = parts[0] ?? DEFAULT_QUEUE_NAME;
  if (!/^[A-Za-z0-9_.-]+$/.test(name)) throw new ValueError(`--queue: the queue name may hold letters, digits, '_', '.' and '-', but got ${JSON.stringify(name)}`);
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
  return { host, port, db, name, ...(u.password ? { password: decodeURIComponent(u.password) } : {}) };
}

function connectionOf(a: QueueAddress): ConnectionOptions {
  // BullMQ's blocking commands need ioredis to retry forever rather than fail a request.
  return { host: a.host, port: a.port, db: a.db, maxRetriesPerRequest: null, ...(a.password ? { password: a.password } : {}) };
}

/** The data of one queued run.
 * @example
 * ```ts
 * const data: QueuedRun = { spec };
 * ```
 */
export interface QueuedRun {
  /** The run. */
  readonly spec: RunSpec;
}

/** How many runs of a queue are in each state.
 * @example
 * ```ts
 * const c: QueueCounts = await executor.counts(); // { waiting: 12, active: 4, completed: 40, failed: 0 }
 * ```
 */
export interface QueueCounts {
  /** Queued, delayed (a retry's back-off) or prioritized. */
  readonly waiting: number;
  /** Held by a worker now. */
  readonly active: number;
  /** Finished, result kept. */
  readonly completed: number;
  /** Failed after all attempts. */
  readonly failed: number;
}

/** Options of {@link QueueExecutor}.
 * @example
 * ```ts
 * const o: QueueExecutorOptions = { attempts: 3 };
 * ```
 */
export interface QueueExecutorOptions {
  /** How often a run is tried before its error is final (default 3). A worker that dies mid-run
   * does not use up an attempt: BullMQ moves the stalled run back to the queue. */
  readonly attempts?: number;
}

/**
 * Runs specs on `descent worker` processes through a BullMQ queue. Every run is a job whose id is
 * its configuration hash: submitting the same run again (another sweep, a resubmitted sweep)
 * finds the job that exists — waiting for it if it is queued or running, reading its result if it
 * finished — and a failed job is retried with its attempts counted afresh.
 * @example
 * ```ts
 * const executor = new QueueExecutor(parseQueueUrl('redis://127.0.0.1:6379/sweeps'));
 * const records = await runSweep(specs, { executor, cache });
 * await executor.close();
 * ```
 */
export class QueueExecutor implements Executor {
  readonly name: string;
  /** How many runs this side keeps in flight: every one (the workers decide how many run at once). */
  readonly concurrency = Number.POSITIVE_INFINITY;
  private readonly queue: Queue<QueuedRun>;
  private readonly events: QueueEvents;
  private readonly attempts: number;

  constructor(address: QueueAddress, options: QueueExecutorOptions = {}) {
    const attempts = options.attempts ?? 3;
    if (!Number.isInteger(attempts) || attempts < 1) throw new ValueError(`QueueExecutor: attempts must be an integer ≥ 1, but got ${String(attempts)}`);
    this.attempts = attempts;
    this.name = `queue '${address.name}' on redis://${address.host}:${address.port}/${address.db}`;
    const connection = connectionOf(address);
    this.queue = new Queue<QueuedRun>(address.name, { connection });
    this.events = new QueueEvents(address.name, { connection });
    // Every run in flight waits on these with a short-lived listener: hundreds at once are expected.
    this.queue.setMaxListeners(0);
    this.events.setMaxListeners(0);
  }

  async execute(spec: RunSpec): Promise<RunOutcome> {
    const hash = specHash(spec);
    await this.events.waitUntilReady();
    let job: Job<QueuedRun> | undefined = await this.queue.getJob(hash);
    if (job && (await job.isFailed())) await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
    job ??= await this.queue.add('run', { spec }, {
      jobId: hash,
      attempts: this.attempts,
      backoff: { type: 'exponential', delay: 500 },
      removeOnComplete: false,
      removeOnFail: false,
    });
    let result: unknown;
    try {
      result = await job.waitUntilFinished(this.events);
    } catch (e) {
      const attempts = (await this.queue.getJob(hash))?.attemptsMade ?? this.attempts;
      throw new RunFailedError(`queue job ${hash}: failed on the workers after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${(e as Error).message}`, hash, attempts);
    }
    if (typeof result !== 'string') throw new ValueError(`queue job ${hash}: a worker returned ${typeof result}, not a run outcome`);
    return fromResultJson<RunOutcome>(result);
  }

  /** How many runs are waiting, running, finished and failed in the queue.
   * @example
   * ```ts
   * await executor.counts(); // { waiting: 12, active: 4, completed: 40, failed: 0 }
   * ```
   */
  async counts(): Promise<QueueCounts> {
    const c = await this.queue.getJobCounts('waiting', 'active', 'completed', 'failed', 'delayed', 'prioritized');
    return { waiting: (c.waiting ?? 0) + (c.delayed ?? 0) + (c.prioritized ?? 0), active: c.active ?? 0, completed: c.completed ?? 0, failed: c.failed ?? 0 };
  }

  async close(): Promise<void> {
    await Promise.all([this.events.close(), this.queue.close()]);
  }
}

/** Options of {@link startQueueWorker}.
 * @example
 * ```ts
 * const o: QueueWorkerOptions = { executor: new LocalPool({ workers: 4 }), concurrency: 4 };
 * ```
 */
export interface QueueWorkerOptions {
  /** What executes the runs taken from the queue (a {@link LocalPool} of this machine's cores, say). */
  readonly executor: Executor;
  /** Runs taken at once (default: the executor's concurrency, at most 64). */
  readonly concurrency?: number;
  /** How long a run's lock lasts without renewal, in ms (default 30 000). A worker renews it while the
   * run goes on; when a worker dies, its run goes back to the queue once the lock expires. */
  readonly lockDuration?: number;
  /** How often this worker looks for stalled runs of dead workers, in ms (default 30 000). */
  readonly stalledInterval?: number;
  /** Called when this worker takes a run (for logs). */
  readonly onStart?: (spec: RunSpec) => void;
  /** Called when a run finishes here (for logs). */
  readonly onRun?: (spec: RunSpec, outcome: RunOutcome | null, error: Error | null) => void;
}

/** A running queue worker.
 * @example
 * ```ts
 * const worker = await startQueueWorker(address, { executor });
 * process.on('SIGTERM', () => void worker.close());
 * ```
 */
export interface QueueWorkerHandle {
  /** Finish the runs in progress, then disconnect. */
  close(): Promise<void>;
}

/**
 * Take runs from the queue at `address` and execute them until closed. A run's result is stored
 * in the queue as its {@link toResultJson} text, so non-finite numbers survive.
 * @example
 * ```ts
 * const worker = await startQueueWorker(parseQueueUrl('redis://10.0.0.5:6379/sweeps'), { executor: new LocalPool() });
 * ```
 */
export async function startQueueWorker(address: QueueAddress, options: QueueWorkerOptions): Promise<QueueWorkerHandle> {
  const { executor, onStart, onRun } = options;
  const concurrency = options.concurrency ?? Math.min(64, Number.isFinite(executor.concurrency) ? executor.concurrency : 1);
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new ValueError(`startQueueWorker: concurrency must be an integer ≥ 1, but got ${String(concurrency)}`);
  const worker = new BullWorker<QueuedRun, string>(address.name, async (job) => {
    const spec = job.data?.spec;
    if (spec === null || typeof spec !== 'object') throw new ValueError(`queue job ${job.id}: expected { spec }, but got ${JSON.stringify(job.data)}`);
    onStart?.(spec);
    try {
      const outcome = await executor.execute(spec);
      onRun?.(spec, outcome, null);
      return toResultJson(outcome);
    } catch (e) {
      onRun?.(spec, null, e as Error);
      throw e;
    }
  }, {
    connection: connectionOf(address),
    concurrency,
    lockDuration: options.lockDuration ?? 30_000,
    stalledInterval: options.stalledInterval ?? 30_000,
    // A run whose worker was killed goes back to the queue up to twice before it counts as failed.
    maxStalledCount: 2,
  });
  await worker.waitUntilReady();
  return {
    async close() {
      await worker.close();
      await executor.close();
    },
  };
}
