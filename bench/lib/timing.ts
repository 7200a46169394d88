// Timing helpers shared by the benchmark sections: warm-up, then the median of several repetitions.

/** Median of a list of numbers (NaN for an empty list). */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Options of {@link timeIt}. */
export interface TimeOptions {
  /** Untimed calls first (JIT, caches). Default 2. */
  warmup?: number;
  /** At least this many timed repetitions. Default 5. */
  minReps?: number;
  /** At most this many. Default 50. */
  maxReps?: number;
  /** Keep repeating (up to maxReps) until this much time was spent timing. Default 300 ms. */
  minTotalMs?: number;
}

/** Median wall time of `fn` in milliseconds, after warm-up. */
export function timeIt(fn: () => void, options: TimeOptions = {}): number {
  const { warmup = 2, minReps = 5, maxReps = 50, minTotalMs = 300 } = options;
  for (let i = 0; i < warmup; i++) fn();
  const times: number[] = [];
  let total = 0;
  while (times.length < minReps || (total < minTotalMs && times.length < maxReps)) {
    const t0 = performance.now();
    fn();
    const dt = performance.now() - t0;
    times.push(dt);
    total += dt;
  }
  return median(times);
}

/** Options of {@link timeSideBySide}. */
export interface SideBySideOptions {
  /** Untimed calls of each function first. Default 3. */
  warmup?: number;
  /** Rounds; each times every function for one block, in turn. Default 8. */
  rounds?: number;
  /** Each block lasts at least this long and this many calls. Defaults 25 ms, 3 calls. */
  minBlockMs?: number;
  minBlockReps?: number;
  /** At most this many calls in a block. Default 60. */
  maxBlockReps?: number;
  /** Untimed calls at the start of each block. Default 1. */
  blockWarmup?: number;
}

/**
 * Median wall time (ms) of each function, timed side by side: `rounds` rounds, each of which times
 * every function for a short block in turn (every block starting with an untimed call, so that each
 * finds its own data in the caches), the order alternating between rounds. Timed in one block each,
 * two functions compared by their medians are at the mercy of whatever else the machine did during
 * one of the blocks (on the shared 2-core development VM, 1.0× to 2.3× between runs of the same pair);
 * interleaved, a slow stretch falls on all of them alike.
 * @example
 * ```ts
 * const { ours, theirs } = timeSideBySide({ ours: () => f(), theirs: () => g() });
 * ```
 */
export function timeSideBySide<K extends string>(fns: Record<K, () => void>, options: SideBySideOptions = {}): Record<K, number> {
  const { warmup = 3, rounds = 8, minBlockMs = 25, minBlockReps = 3, maxBlockReps = 60, blockWarmup = 1 } = options;
  const names = Object.keys(fns) as K[];
  const times = Object.fromEntries(names.map((k) => [k, [] as number[]])) as Record<K, number[]>;
  for (const k of names) for (let i = 0; i < warmup; i++) fns[k]();
  for (let r = 0; r < rounds; r++) {
    for (const k of r % 2 === 0 ? names : [...names].reverse()) {
      const fn = fns[k];
      for (let i = 0; i < blockWarmup; i++) fn();
      let total = 0, reps = 0;
      while (reps < minBlockReps || (total < minBlockMs && reps < maxBlockReps)) {
        const t0 = performance.now();
        fn();
        const dt = performance.now() - t0;
        times[k].push(dt);
        total += dt;
        reps++;
      }
    }
  }
  return Object.fromEntries(names.map((k) => [k, median(times[k])])) as Record<K, number>;
}

/** Best CPU time (user + system, page faults included; time spent descheduled excluded) per call of
 * `fn` in milliseconds, over `batches` batches of `calls` calls after a warm-up: on a machine shared
 * with other jobs it says what a call costs when it runs. */
export function cpuTimeIt(fn: () => void, calls = 10, batches = 5): number {
  for (let i = 0; i < 3; i++) fn();
  let best = Infinity;
  for (let b = 0; b < batches; b++) {
    const start = process.cpuUsage();
    for (let i = 0; i < calls; i++) fn();
    const used = process.cpuUsage(start);
    best = Math.min(best, (used.user + used.system) / 1e3 / calls);
  }
  return best;
}

/** Run `fn` with console.warn/log silenced (tfjs prints a banner about tfjs-node). */
export async function quietly<T>(fn: () => Promise<T> | T): Promise<T> {
  const { warn, log, info } = console;
  console.warn = console.log = console.info = () => {};
  try {
    return await fn();
  } finally {
    Object.assign(console, { warn, log, info });
  }
}

/** Force a full garbage collection when node runs with --expose-gc. */
export function gc(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) { g(); g(); }
}
