/**
 * Progress display for comparisons: a `cli-progress` bar per run in a terminal, one line per
 * epoch otherwise (logs, CI, pipes), nothing when quiet.
 * @module
 */
import { Presets, SingleBar } from 'cli-progress';
import type { ProgressEvent } from './runner.js';
import { pct } from './summary.js';

/** How to show progress: a bar (terminal), lines (one per epoch), or nothing.
 * @example
 * ```ts
 * const mode: ProgressMode = process.stderr.isTTY ? 'bar' : 'lines';
 * ```
 */
export type ProgressMode = 'bar' | 'lines' | 'none';

/** Where progress output goes (stderr by default).
 * @example
 * ```ts
 * const sink: ProgressSink = { write: (s) => process.stderr.write(s), isTTY: process.stderr.isTTY === true };
 * ```
 */
export interface ProgressSink {
  /** Write text (lines end with a newline). */
  write(text: string): void;
  /** Whether the sink is a terminal. */
  readonly isTTY: boolean;
}

/** A progress display for a sequence of runs: `begin(label)` per run, `update(event)`, `end()`.
 * @example
 * ```ts
 * const p = createProgress('bar');
 * p.begin('adam', 1, 12);
 * p.update(event);
 * p.end();
 * ```
 */
export interface Progress {
  /** A run starts: its label and its place among `count` runs (1-based `index`). */
  begin(label: string, index: number, count: number): void;
  /** A step or an epoch of the current run finished. */
  update(event: ProgressEvent): void;
  /** The run ended; `summary` is printed after it (not when quiet). */
  end(summary?: string): void;
}

const fmt = (v: number) => (Number.isFinite(v) ? v.toFixed(4) : String(v));

/**
 * Create a progress display (at most about ten lines per run in `'lines'` mode). `'bar'` draws `[3/12] adam   epoch 2/4 |████░░| 250/500 | loss 0.31 | ETA 4s`
 * on stderr; `'lines'` prints one line per epoch (`[3/12] adam epoch 2/4: loss 0.3105, test acc 95.2%, 6.1 s`).
 * @example
 * ```ts
 * const progress = createProgress(process.stderr.isTTY ? 'bar' : 'lines');
 * ```
 */
export function createProgress(mode: ProgressMode, sink: ProgressSink = { write: (s) => void process.stderr.write(s), isTTY: process.stderr.isTTY === true }): Progress {
  let bar: SingleBar | null = null;
  let label = '', index = 0, count = 0, t0 = 0;
  const tag = () => `[${String(index).padStart(String(count).length)}/${count}] ${label.padEnd(10)}`;
  return {
    begin(l, i, c) {
      label = l; index = i; count = c; t0 = performance.now();
      if (mode === 'bar') {
        bar = new SingleBar({
          format: `${tag()} epoch {epoch}/{epochs} |{bar}| {value}/{total} | loss {loss} | {acc} | ETA {eta_formatted}`,
          stream: process.stderr, hideCursor: true, etaBuffer: 40, barsize: 24, clearOnComplete: false,
        }, Presets.shades_classic);
        bar.start(1, 0, { epoch: 1, epochs: '?', loss: '-', acc: 'test acc -' });
      }
    },
    update(e) {
      if (mode === 'bar' && bar) {
        if (e.kind === 'step') {
          bar.setTotal(e.totalSteps);
          bar.update(e.step, { epoch: e.epoch + 1, epochs: e.epochs, loss: fmt(e.loss) });
        } else {
          bar.update(e.step, { epoch: e.epoch + 1, epochs: e.epochs, acc: `test acc ${pct(e.testAccuracy ?? NaN)}` });
        }
      } else if (mode === 'lines' && e.kind === 'epoch' && ((e.epoch + 1) % Math.ceil(e.epochs / 10) === 0 || e.epoch + 1 === e.epochs)) {
        const s = ((performance.now() - t0) / 1000).toFixed(1);
        sink.write(`${tag()} epoch ${e.epoch + 1}/${e.epochs}: train loss ${fmt(e.loss)}, test loss ${fmt(e.testLoss ?? NaN)}, test acc ${pct(e.testAccuracy ?? NaN)} (${s} s)\n`);
      }
    },
    end(summary) {
      if (bar) { bar.stop(); bar = null; }
      if (summary && mode !== 'none') sink.write(`${tag()} ${summary}\n`);
    },
  };
}
