/**
 * The `earlyStopping` callback (Keras `EarlyStopping`; Prechelt, "Early Stopping — But When?", 1998).
 * @module
 */
import { ConfigError, StateError } from '@descent/tensor';
import { formatValue, resolveOptions, rules } from '../options.js';
import { decodeSnapshot, encodeSnapshot, restoreModel, snapshotModel, type ModelSnapshot } from '../model.js';
import type { EpochRecord, PluginState } from '../plugin_types.js';
import { callbacks, type Callback, type TrainContext } from './types.js';

/** The epoch metrics early stopping can watch.
 * @example
 * ```ts
 * const m: MonitoredMetric = 'valAccuracy';
 * ```
 */
export type MonitoredMetric = 'valLoss' | 'loss' | 'valAccuracy' | 'accuracy';

/** Options of {@link earlyStopping}.
 * @example
 * ```ts
 * const o: EarlyStoppingOptions = { monitor: 'valLoss', mode: 'auto', patience: 3, minDelta: 1e-4, restoreBestWeights: true };
 * ```
 */
export interface EarlyStoppingOptions {
  /** The metric watched; `'auto'` (default) = `valLoss` with validation data, else the training `loss`. */
  monitor: MonitoredMetric | 'auto';
  /** Whether lower (`min`) or higher (`max`) is better; `auto` (default): max for accuracies. */
  mode: 'auto' | 'min' | 'max';
  /** Epochs without improvement before stopping (default 5). */
  patience: number;
  /** The smallest change that counts as an improvement (default 0). */
  minDelta: number;
  /** At the end of training, put back the weights of the best epoch (default true). */
  restoreBestWeights: boolean;
}

/** Defaults of `earlyStopping`.
 * @example
 * ```ts
 * earlyStoppingDefaults.patience; // 5
 * ```
 */
export const earlyStoppingDefaults: EarlyStoppingOptions = { monitor: 'auto', mode: 'auto', patience: 5, minDelta: 0, restoreBestWeights: true };

/**
 * Stop when the monitored epoch metric has not improved by more than `minDelta` for `patience`
 * epochs, and (with `restoreBestWeights`) put back the parameters and buffers of the best epoch
 * when training ends — whether it stopped early or ran all its epochs. Its state (best value,
 * epochs waited, best weights) is saved in checkpoints.
 *
 * @throws ConfigError / ValueError for bad options; at train begin, ConfigError when a validation
 * metric is monitored but `fit` got no validation data.
 * @example
 * ```ts
 * const stopper = earlyStopping({ patience: 3 });
 * const history = new Trainer({ ...config, callbacks: [stopper] }).fit(train, { validation });
 * history.stopReason;  // 'earlyStopping' when it fired
 * stopper.bestEpoch;   // the epoch whose weights the model now holds
 * ```
 */
export function earlyStopping(options: Partial<EarlyStoppingOptions> = {}): EarlyStopping {
  return new EarlyStopping(options);
}

/** The callback returned by {@link earlyStopping}.
 * @example
 * ```ts
 * const es = new EarlyStopping({ patience: 2, monitor: 'valAccuracy' });
 * ```
 */
export class EarlyStopping implements Callback {
  readonly name = 'earlyStopping';
  /** The resolved options (defaults merged with the caller's, validated). */
  readonly options: Readonly<EarlyStoppingOptions>;
  /** The best value seen (Infinity / −Infinity before the first epoch). */
  best = NaN;
  /** The epoch of the best value (−1 before the first epoch). */
  bestEpoch = -1;
  /** Epochs since the last improvement. */
  wait = 0;
  private monitor: MonitoredMetric = 'loss';
  private sign = 1;
  private weights: ModelSnapshot | null = null;
  private lastEpoch = -1;

  constructor(options: Partial<EarlyStoppingOptions> = {}) {
    this.options = resolveOptions('earlyStopping', earlyStoppingDefaults, options, {
      monitor: rules.oneOf('auto', 'valLoss', 'loss', 'valAccuracy', 'accuracy'),
      mode: rules.oneOf('auto', 'min', 'max'),
      patience: (v) => (Number.isInteger(v) && (v as number) >= 0 ? null : 'must be an integer ≥ 0'),
      minDelta: rules.nonNegative,
    });
  }

  /** Resolve `auto` monitor and mode, and reset for a new run (not when resuming a checkpoint). */
  onTrainBegin(ctx: TrainContext): void {
    const m = this.options.monitor;
    const monitor = m === 'auto' ? (ctx.hasValidation ? 'valLoss' : 'loss') : m;
    if ((monitor === 'valLoss' || monitor === 'valAccuracy') && !ctx.hasValidation) {
      throw new ConfigError(`earlyStopping: monitor '${monitor}' needs validation data: call fit(train, { validation }) or monitor 'loss'`);
    }
    if (ctx.resumed) return; // NOTE: the checkpoint's state (best, wait, best weights) was loaded before this hook.
    this.monitor = monitor;
    const mode = this.options.mode === 'auto' ? (monitor.toLowerCase().includes('accuracy') ? 'max' : 'min') : this.options.mode;
    this.sign = mode === 'min' ? 1 : -1;
    this.best = this.sign * Infinity;
    this.bestEpoch = -1;
    this.wait = 0;
    this.weights = null;
    this.lastEpoch = -1;
  }

  /** Compare the epoch's metric with the best so far; stop after `patience` epochs without improvement. */
  onEpochEnd(record: EpochRecord, ctx: TrainContext): void {
    this.lastEpoch = record.epoch;
    const value = record[this.monitor];
    if (value === undefined) {
      throw new ConfigError(`earlyStopping: the epoch record has no '${this.monitor}' (accuracy is recorded for classification only); monitor another metric`);
    }
    if (this.sign * value < this.sign * this.best - this.options.minDelta) {
      this.best = value;
      this.bestEpoch = record.epoch;
      this.wait = 0;
      if (this.options.restoreBestWeights) this.weights = snapshotModel(ctx.model);
      return;
    }
    this.wait++;
    if (this.wait >= this.options.patience) {
      ctx.stop('earlyStopping', `${this.monitor} did not improve by more than ${this.options.minDelta} for ${this.wait} epoch(s); best ${this.best} at epoch ${this.bestEpoch}`);
    }
  }

  /** Put back the best epoch's weights (when enabled and the last epoch was not the best). */
  onTrainEnd(_history: unknown, ctx: TrainContext): void {
    if (this.options.restoreBestWeights && this.weights && this.bestEpoch !== this.lastEpoch) restoreModel(ctx.model, this.weights);
  }

  /** Best value, its epoch, epochs waited, and the best weights (exact). */
  state(): PluginState {
    return {
      best: encodeNumber(this.best),
      bestEpoch: this.bestEpoch,
      wait: this.wait,
      lastEpoch: this.lastEpoch,
      monitor: this.monitor,
      sign: this.sign,
      weights: this.weights ? (encodeSnapshot(this.weights) as unknown as PluginState) : null,
    };
  }

  /** Restore {@link EarlyStopping.state}. */
  loadState(state: PluginState): void {
    const s = state as Record<string, PluginState> | null;
    if (!s || typeof s !== 'object' || Array.isArray(s) || !Number.isInteger(s.bestEpoch) || !Number.isInteger(s.wait) || (s.wait as number) < 0 || !Number.isInteger(s.lastEpoch) || (s.sign !== 1 && s.sign !== -1) || typeof s.monitor !== 'string') {
      throw new StateError(`earlyStopping.loadState: malformed state ${JSON.stringify(state)?.slice(0, 120)}`);
    }
    const weights = s.weights === null ? null : decodeSnapshot(s.weights, 'earlyStopping.weights');
    this.best = decodeNumber(s.best);
    this.bestEpoch = s.bestEpoch as number;
    this.wait = s.wait as number;
    this.lastEpoch = s.lastEpoch as number;
    this.monitor = s.monitor as MonitoredMetric;
    this.sign = s.sign as number;
    this.weights = weights;
  }
}

/** JSON has no Infinity: store non-finite numbers as strings. */
function encodeNumber(v: number): PluginState {
  return Number.isFinite(v) ? v : String(v);
}

function decodeNumber(v: PluginState): number {
  if (typeof v === 'number') return v;
  if (v === 'Infinity' || v === '-Infinity' || v === 'NaN') return Number(v);
  throw new StateError(`earlyStopping.loadState: 'best' must be a number, but got ${formatValue(v)}`);
}

callbacks.register<EarlyStoppingOptions>({
  name: 'earlyStopping',
  description: 'stop when a metric stops improving (patience, minDelta) and restore the best weights',
  defaults: earlyStoppingDefaults,
  create: (options) => earlyStopping(options),
});
