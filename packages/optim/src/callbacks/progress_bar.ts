/**
 * The `progressBar` callback: a terminal progress bar (cli-progress) with epoch, step, loss, lr and ETA.
 * @module
 */
import { Presets, SingleBar } from 'cli-progress';
import { resolveOptions } from '../options.js';
import type { EpochRecord, StepRecord } from '../plugin_types.js';
import { callbacks, type Callback, type TrainContext } from './types.js';

/** Options of {@link progressBar}.
 * @example
 * ```ts
 * const o: ProgressBarOptions = { stream: 'stdout' };
 * ```
 */
export interface ProgressBarOptions {
  /** Where to draw (default `stderr`). */
  stream: 'stderr' | 'stdout';
}

/** Whether the code runs under mocha (its globals or its command line).
 * @example
 * ```ts
 * underTestRunner(); // true inside `npm test`
 * ```
 */
export function underTestRunner(): boolean {
  const g = globalThis as Record<string, unknown>;
  if (typeof g.describe === 'function' && typeof g.it === 'function') return true;
  return process.argv.some((a) => /(^|[\\/])_?mocha(\.js)?$/.test(a)) || process.env.MOCHA_WORKER_ID !== undefined;
}

/** Whether a progress bar is wanted by default: stderr is a terminal and no test runner is active.
 * @example
 * ```ts
 * new Trainer({ ...config, progressBar: progressBarByDefault() });
 * ```
 */
export function progressBarByDefault(): boolean {
  return process.stderr.isTTY === true && !underTestRunner();
}

const fmt = (v: number) => (Number.isFinite(v) ? (Math.abs(v) >= 1e-3 && Math.abs(v) < 1e4 ? v.toFixed(4) : v.toExponential(2)) : String(v));

/**
 * A one-line progress bar over all steps of the run, showing the epoch, the step, the last
 * loss, the learning rate and the ETA (cli-progress). The trainer adds one by default when stderr
 * is a terminal and not under a test runner (`progressBar: true | false` in the config overrides).
 * @example
 * ```ts
 * new Trainer({ ...config, progressBar: true });
 * // epoch 2/10 |████████░░░░░░░░| step 150/600 | loss 0.4123 | lr 1.00e-3 | ETA 12s
 * ```
 */
export function progressBar(options: Partial<ProgressBarOptions> = {}): Callback {
  const o = resolveOptions('progressBar', { stream: 'stderr' as 'stderr' | 'stdout' }, options, {
    stream: (v) => (v === 'stderr' || v === 'stdout' ? null : "must be 'stderr' or 'stdout'"),
  });
  let bar: SingleBar | null = null;
  const stop = () => { bar?.stop(); bar = null; };
  return {
    name: 'progressBar',
    onTrainBegin(ctx: TrainContext) {
      bar = new SingleBar({
        format: 'epoch {epoch}/{epochs} |{bar}| step {value}/{total} | loss {loss} | lr {lr} | ETA {eta_formatted}',
        stream: o.stream === 'stdout' ? process.stdout : process.stderr,
        hideCursor: true,
        etaBuffer: 50,
      }, Presets.shades_classic);
      bar.start(ctx.totalSteps, ctx.step, { epoch: ctx.epoch + 1, epochs: ctx.epochs, loss: '-', lr: '-' });
    },
    onBatchEnd(record: StepRecord, ctx: TrainContext) {
      bar?.update(record.step + 1, { epoch: record.epoch + 1, epochs: ctx.epochs, loss: fmt(record.loss), lr: fmt(record.lr) });
    },
    onEpochEnd(record: EpochRecord, ctx: TrainContext) {
      bar?.update(ctx.step, { epoch: record.epoch + 1, epochs: ctx.epochs, loss: fmt(record.valLoss ?? record.loss), lr: fmt(record.lr) });
    },
    onTrainEnd: stop,
    dispose: stop,
  };
}

callbacks.register<ProgressBarOptions>({
  name: 'progressBar',
  description: 'terminal progress bar with epoch, step, loss, lr and ETA (cli-progress)',
  defaults: { stream: 'stderr' },
  create: (options) => progressBar(options),
});
