/**
 * The executor interface and the sweep driver. An executor runs run specifications somewhere —
 * this thread ({@link InlineExecutor}), a pool of worker threads (`LocalPool`), or (next) a queue
 * of remote workers — and resolves each with its outcome. {@link runSweep} puts the cache in front
 * of any executor: cached runs are not executed again.
 * @module
 */
import { executeRun } from './execute.js';
import type { RunCache } from './cache.js';
import type { RunOutcome, RunRecord } from './result.js';
import { specHash, type RunSpec } from './spec.js';

/**
 * Something that executes runs. `execute` may be called many times before any resolves; the
 * executor queues and runs up to `concurrency` at once. Outcomes must not depend on where a run
 * executes (each run is a pure function of its spec).
 * @example
 * ```ts
 * const executor: Executor = new LocalPool({ workers: 2 });
 * const outcome = await executor.execute(spec);
 * await executor.close();
 * ```
 */
export interface Executor {
  /** Short name for logs (`local pool, 2 workers`). */
  readonly name: string;
  /** Runs executed at once. */
  readonly concurrency: number;
  /** Execute one run; rejects with the run's error. */
  execute(spec: RunSpec): Promise<RunOutcome>;
  /** Release workers and connections (pending runs are rejected). */
  close(): Promise<void>;
}

/** Runs in the calling thread, one at a time (debugging, tests, `--workers 0`).
 * @example
 * ```ts
 * const outcome = await new InlineExecutor().execute(spec);
 * ```
 */
export class InlineExecutor implements Executor {
  readonly name = 'inline (this thread)';
  readonly concurrency = 1;
  private last: Promise<unknown> = Promise.resolve();

  execute(spec: RunSpec): Promise<RunOutcome> {
    const next = this.last.then(() => executeRun(spec));
    this.last = next.catch(() => undefined);
    return next;
  }

  async close(): Promise<void> {
    await this.last;
  }
}

/** A finished run as {@link runSweep} reports it.
 * @example
 * ```ts
 * const e: SweepEvent = { record, cached: true, index: 3 };
 * ```
 */
export interface SweepEvent {
  /** The run. */
  readonly record: RunRecord;
  /** Whether it came from the cache (not executed now). */
  readonly cached: boolean;
  /** Its place in the specs given to {@link runSweep}. */
  readonly index: number;
}

/**
 * Run every spec through `executor`, except those the cache already holds; store each new run in
 * the cache as soon as it finishes (so an interruption loses only the runs in flight). Duplicate
 * specs are executed once. Resolves with the records in the order of `specs`.
 * @throws the first run's error (naming the workload, optimizer, lr and seed).
 * @example
 * ```ts
 * const records = await runSweep(specs, { executor: new LocalPool(), cache: new RunCache('report/runs'), onRun: (e) => bar.increment() });
 * ```
 */
export async function runSweep(specs: readonly RunSpec[], options: { executor: Executor; cache?: RunCache; onRun?: (event: SweepEvent) => void }): Promise<RunRecord[]> {
  const { executor, cache, onRun } = options;
  const pending = new Map<string, Promise<RunRecord>>();
  return Promise.all(specs.map((spec, index) => {
    const hash = specHash(spec);
    const stored = cache?.get(hash);
    if (stored) {
      onRun?.({ record: stored, cached: true, index });
      return Promise.resolve(stored);
    }
    const running = pending.get(hash);
    if (running) return running.then((record) => (onRun?.({ record, cached: true, index }), record));
    const p = executor.execute(spec).then(
      (outcome) => {
        const record: RunRecord = { hash, spec, outcome };
        cache?.put(record);
        onRun?.({ record, cached: false, index });
        return record;
      },
      (e: unknown) => {
        const err = e instanceof Error ? e : new Error(String(e));
        err.message = `run ${spec.workload} / ${spec.optimizer.name} / lr ${spec.lr} / seed ${spec.seed} failed: ${err.message}`;
        throw err;
      },
    );
    pending.set(hash, p);
    return p;
  }));
}
