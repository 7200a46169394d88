/**
 * The `history` callback: records every step and epoch into the history `fit` returns.
 * @module
 */
import { resolveOptions } from '../options.js';
import type { EpochRecord, StepRecord } from '../plugin_types.js';
import { callbacks, type Callback, type TrainContext } from './types.js';

/** Options of {@link historyCallback}.
 * @example
 * ```ts
 * const o: HistoryOptions = { steps: false }; // keep only the per-epoch records
 * ```
 */
export interface HistoryOptions {
  /** Keep a record of every step (default true); false keeps memory flat on long runs. */
  steps: boolean;
}

/**
 * Record each step (`onBatchEnd`) and each epoch (`onEpochEnd`) into `ctx.history`. The trainer
 * installs one first in the callback list (so later callbacks see the current records), unless
 * the config already has a `history` callback.
 * @throws ConfigError for unknown options.
 * @example
 * ```ts
 * new Trainer({ ...config, callbacks: [{ name: 'history', options: { steps: false } }] });
 * ```
 */
export function historyCallback(options: Partial<HistoryOptions> = {}): Callback {
  const o = resolveOptions('history', { steps: true }, options);
  return {
    name: 'history',
    onBatchEnd(record: StepRecord, ctx: TrainContext) {
      if (o.steps) ctx.history.steps.push(record);
    },
    onEpochEnd(record: EpochRecord, ctx: TrainContext) {
      ctx.history.epochs.push(record);
    },
  };
}

callbacks.register<HistoryOptions>({
  name: 'history',
  description: 'record every step and epoch in the history fit() returns',
  defaults: { steps: true },
  create: (options) => historyCallback(options),
});
