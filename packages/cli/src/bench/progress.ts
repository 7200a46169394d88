/**
 * The benchmark's progress display: runs done / total and the ETA, as a bar on a terminal or a
 * line every tenth of the runs elsewhere. The ETA counts only runs executed now (cached runs
 * finish at once) and assumes the remaining ones take as long on average. Lines come every tenth
 * of the runs, and at least every 20 seconds.
 * @module
 */
import { Presets, SingleBar } from 'cli-progress';
import type { ProgressMode } from '../progress.js';

/** A progress display for a fixed number of runs.
 * @example
 * ```ts
 * const p = createRunProgress('lines', 120, (l) => console.error(l));
 * p.tick(false);
 * p.stop();
 * ```
 */
export interface RunProgress {
  /** One run finished (`cached`: it came from the cache). */
  tick(cached: boolean): void;
  /** Finish the display. */
  stop(): void;
}

/** Seconds as `1m 05s` or `42s`.
 * @example
 * ```ts
 * formatDuration(65); // '1m 05s'
 * ```
 */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds));
  return s >= 60 ? `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/**
 * Create the display.
 * @example
 * ```ts
 * const progress = createRunProgress(process.stderr.isTTY ? 'bar' : 'lines', totalRuns(plan), (l) => process.stderr.write(`${l}\n`));
 * ```
 */
export function createRunProgress(mode: ProgressMode, total: number, line: (text: string) => void): RunProgress {
  const t0 = performance.now();
  let done = 0, cached = 0, fresh = 0, nextLine = 0, lastLineAt = t0;
  const eta = () => {
    if (fresh === 0) return NaN;
    const perRun = (performance.now() - t0) / 1000 / fresh;
    return perRun * (total - done);
  };
  const bar = mode === 'bar'
    ? new SingleBar({ format: 'runs {value}/{total} |{bar}| {percentage}% | {cached} cached | elapsed {elapsed} | ETA {myEta}', stream: process.stderr, hideCursor: true, barsize: 30 }, Presets.shades_classic)
    : null;
  bar?.start(total, 0, { cached: 0, elapsed: '0s', myEta: '?' });
  return {
    tick(fromCache) {
      done++;
      if (fromCache) cached++;
      else fresh++;
      const elapsed = formatDuration((performance.now() - t0) / 1000);
      if (bar) bar.update(done, { cached, elapsed, myEta: formatDuration(eta()) });
      else if (mode === 'lines' && (done >= nextLine || done === total || performance.now() - lastLineAt > 20_000)) {
        lastLineAt = performance.now();
        line(`runs ${done}/${total} (${cached} from the cache), elapsed ${elapsed}, ETA ${done === total ? '0s' : formatDuration(eta())}`);
        nextLine = done + Math.max(1, Math.ceil(total / 10));
      }
    },
    stop() {
      bar?.stop();
    },
  };
}
