/**
 * The learning-rate range test (Smith, "Cyclical Learning Rates for Training Neural Networks",
 * WACV 2017, https://arxiv.org/abs/1506.01186; fastai's `lr_find`).
 *
 * Train for a few mini-batches while the learning rate grows from `minLr` to `maxLr`
 * (exponentially by default), record the loss of each batch and its exponentially smoothed,
 * bias-corrected version, stop when the smoothed loss exceeds `divergeFactor` × its best, then put
 * the model and optimizer back exactly as they were. Suggestions:
 * - `steepest`: the lr where the smoothed loss falls fastest per unit of log lr (fastai's `steep`);
 * - `minimumDiv10`: the lr of the lowest smoothed loss, divided by 10 (fastai's `minimum`).
 *
 * It runs through the {@link Trainer}, so the step is the same as in training (same order of
 * calls, regularizers and gradient transforms included).
 *
 * @module
 */
import { writeFileSync } from 'node:fs';
import { ConfigError, NonFiniteError, ValueError } from '@descent/tensor';
import type { Callback } from '../callbacks/types.js';
import type { DataOrder } from '../data/types.js';
import type { GradientTransform } from '../gradients/types.js';
import type { Optimizer } from '../optimizer.js';
import { lineChart } from '../plot/index.js';
import type { Regularizer } from '../regularizers/types.js';
import type { Scheduler } from '../schedulers/types.js';
import { restoreModel, snapshotModel } from '../model.js';
import { Trainer, type OptimizerPluginSpec } from '../trainer/trainer.js';
import type { AnyOptimizerPlugin } from '../optimizers/types.js';
import type { Dataset, LossSpec, PluginInput, PluginSpec, StepRecord, TrainableModel } from '../plugin_types.js';
import { formatValue } from '../options.js';

/** Options of {@link lrRangeTest}.
 * @example
 * ```ts
 * const o: LrRangeTestOptions = {
 *   model, loss: 'crossEntropy', optimizer: { name: 'sgd', options: { momentum: 0.9 } },
 *   data: { x, y }, batchSize: 32, minLr: 1e-6, maxLr: 1, steps: 100,
 * };
 * ```
 */
export interface LrRangeTestOptions {
  /** The model to probe (trained during the test, restored exactly afterwards). */
  model: TrainableModel;
  /** The loss, as the trainer accepts it (`'crossEntropy'`, `'mse'`, a function or module). */
  loss: LossSpec;
  /** An Optimizer (its state is restored afterwards), or a name, a plugin object or `{ name, options }`
   * whose name may be a plugin object (its lr is ignored). */
  optimizer: Optimizer | PluginSpec | string | AnyOptimizerPlugin | OptimizerPluginSpec;
  /** The training data the mini-batches are drawn from. */
  data: Dataset;
  /** Samples per mini-batch (required; at most the data size). */
  batchSize: number;
  /** First learning rate (default 1e-7). */
  minLr?: number;
  /** Last learning rate (default 10). */
  maxLr?: number;
  /** Number of mini-batches (default 100). */
  steps?: number;
  /** How the lr grows: `exponential` (default, evenly in log lr) or `linear`. */
  mode?: 'exponential' | 'linear';
  /** β of the exponential smoothing of the loss (default 0.98, fastai's). */
  smoothing?: number;
  /** Stop when the smoothed loss exceeds this multiple of its best (default 4). */
  divergeFactor?: number;
  /** Seed of the data order (default 0). */
  seed?: number;
  /** Data order (default `shuffle`). */
  order?: PluginInput<DataOrder>;
  /** Penalties added to the loss, as in the trainer config (default none). */
  regularizers?: ReadonlyArray<PluginInput<Regularizer>>;
  /** Gradient transforms (clipping, noise), as in the trainer config (default none). */
  gradients?: ReadonlyArray<PluginInput<GradientTransform>>;
  /** Show a progress bar (default: as the trainer). */
  progressBar?: boolean;
}

/** What {@link lrRangeTest} returns.
 * @example
 * ```ts
 * const r: LrRangeResult = lrRangeTest(options);
 * console.log(r.suggestion.steepest, r.suggestion.minimumDiv10, r.stopReason);
 * ```
 */
export interface LrRangeResult {
  /** The lr of each recorded step. */
  lrs: number[];
  /** The mini-batch loss of each step (before its update at that lr). */
  losses: number[];
  /** The smoothed, bias-corrected losses. */
  smoothedLosses: number[];
  /** Suggested learning rates read off the smoothed loss curve (see {@link suggestLr}). */
  suggestion: LrSuggestions;
  /** Why the test stopped: all `steps` done, divergence, or a non-finite loss or gradient. */
  stopReason: 'steps' | 'diverged' | 'nonFinite';
}

/**
 * Run the LR range test and return the series and suggestions; the model and the optimizer are
 * left exactly as they were (parameters, buffers and optimizer state, bit for bit).
 *
 * @throws ConfigError / ValueError for bad options (minLr ≥ maxLr, minLr ≤ 0, steps < 2, …),
 * and whatever the trainer throws for bad data — the model and optimizer are restored in every case.
 * @example
 * ```ts
 * const result = lrRangeTest({ model, loss: 'crossEntropy', optimizer: { name: 'sgd', options: { momentum: 0.9 } },
 *                              data: train, batchSize: 32, minLr: 1e-5, maxLr: 10 });
 * writeFileSync('lr_find.svg', await lrRangeSvg(result));
 * const maxLr = result.suggestion.steepest * 10; // e.g. for one-cycle
 * ```
 */
export function lrRangeTest(options: LrRangeTestOptions): LrRangeResult {
  const o = checkOptions(options);
  const lrAt = (t: number): number => {
    const p = Math.min(1, t / (o.steps - 1));
    return o.mode === 'exponential' ? o.minLr * (o.maxLr / o.minLr) ** p : o.minLr + (o.maxLr - o.minLr) * p;
  };
  const ramp: Scheduler = {
    name: 'lrRange', baseLr: o.minLr, options: {}, stateful: false,
    lr: (t: number) => lrAt(t),
    state: () => ({}),
    loadState: () => undefined,
  };
  const result: LrRangeResult = { lrs: [], losses: [], smoothedLosses: [], suggestion: { steepest: NaN, minimumDiv10: NaN, valley: NaN, slide: NaN, minimum: NaN, steep: NaN }, stopReason: 'steps' };
  let avg = 0;
  let best = Infinity;
  const recorder: Callback = {
    name: 'lrRangeRecorder',
    onBatchEnd(record: StepRecord) {
      const i = result.losses.length;
      avg = o.smoothing * avg + (1 - o.smoothing) * record.loss;
      const smooth = avg / (1 - o.smoothing ** (i + 1));
      result.lrs.push(record.lr);
      result.losses.push(record.loss);
      result.smoothedLosses.push(smooth);
      if (smooth < best) best = smooth;
      if (!Number.isFinite(smooth) || smooth > o.divergeFactor * best) { result.stopReason = 'diverged'; return 'stop'; }
      if (i + 1 >= o.steps) return 'stop';
      return undefined;
    },
  };
  const n = o.data.x.shape[0] ?? 0;
  const perEpoch = Math.max(1, Math.floor(n / o.batchSize));
  const trainer = new Trainer({
    model: o.model, loss: o.loss, optimizer: o.optimizer, scheduler: ramp, order: o.order ?? 'shuffle',
    regularizers: o.regularizers ?? [], gradients: o.gradients ?? [], callbacks: [recorder],
    batchSize: o.batchSize, epochs: Math.ceil(o.steps / perEpoch), seed: o.seed, dropLast: true,
    ...(o.progressBar !== undefined ? { progressBar: o.progressBar } : {}),
  });
  const modelBefore = snapshotModel(o.model);
  const optimizerBefore = trainer.optimizer.state();
  try {
    trainer.fit(o.data);
  } catch (e) {
    if (!(e instanceof NonFiniteError)) throw e;
    result.stopReason = 'nonFinite';
  } finally {
    restoreModel(o.model, modelBefore);
    trainer.optimizer.loadState(optimizerBefore);
  }
  result.suggestion = suggestLr(result.lrs, result.smoothedLosses);
  return result;
}

/** The suggested learning rates of an LR range test (fastai's `valley`, `slide`, `minimum`,
 * `steep`; NaN where the series is too short for one).
 * @example
 * ```ts
 * const s: LrSuggestions = suggestLr(result.lrs, result.smoothedLosses);
 * s.valley; // fastai's default suggestion
 * ```
 */
export interface LrSuggestions {
  /** The lr where the smoothed loss falls fastest (per log lr): fastai's `steep`. */
  steepest: number;
  /** The lr of the lowest smoothed loss over the whole series, divided by 10. */
  minimumDiv10: number;
  /** fastai's `valley`: in the longest strictly decreasing run of the loss, the point at about
   * half of its first two thirds (fastai's default since 2.4). */
  valley: number;
  /** fastai's `slide`: walking left from the end, the first lr where the loss gradient (per point)
   * changes by at most 0.005 across 15 points. */
  slide: number;
  /** fastai's `minimum`: the lr of the lowest loss of the trimmed series, divided by 10. */
  minimum: number;
  /** fastai's `steep` (the same as `steepest`). */
  steep: number;
}

/** fastai's `valley` on a series: the index of its suggestion. */
function valleyIndex(losses: readonly number[]): number {
  const n = losses.length;
  let maxStart = 0, maxEnd = 0;
  const lds = new Array<number>(n).fill(1);
  for (let i = 1; i < n; i++) {
    for (let j = 0; j < i; j++) {
      if (losses[i]! < losses[j]! && lds[i]! < lds[j]! + 1) lds[i] = lds[j]! + 1;
      if (lds[maxEnd]! < lds[i]!) { maxEnd = i; maxStart = maxEnd - lds[maxEnd]!; }
    }
  }
  const sections = (maxEnd - maxStart) / 3;
  // NOTE: as in fastai, the start may be −1 and the index then counts from the end (Python's lrs[-1]).
  return maxStart + Math.trunc(sections) + Math.trunc(sections / 2);
}

/** fastai's `slide` (lr_diff 15, thresh 0.005, adjust_value 1) on a series; NaN when it is shorter than 16. */
function slideLr(lrs: readonly number[], losses: readonly number[], lrDiff = 15, thresh = 0.005): number {
  const n = losses.length;
  if (n <= lrDiff) return NaN;
  // numpy.gradient: central differences inside, one-sided at the ends
  const grad = losses.map((_, i) => (i === 0 ? losses[1]! - losses[0]! : i === n - 1 ? losses[n - 1]! - losses[n - 2]! : (losses[i + 1]! - losses[i - 1]!) / 2));
  let r = n - 1, l = r - lrDiff;
  let local = lrs[l]!;
  while (l >= 0 && Math.abs(grad[r]! - grad[l]!) > thresh) {
    local = lrs[l]!;
    r--; l--;
  }
  return local;
}

/**
 * The suggestions from a (smoothed) loss-versus-lr series. As fastai, the first 10% and the last 5
 * points are skipped (for `steepest`/`steep`, `valley`, `slide` and `minimum`) when the series has
 * more than 20 points; `minimumDiv10` uses the whole series.
 * @throws ValueError when the series are shorter than 2 or of different lengths.
 * @example
 * ```ts
 * suggestLr([1e-3, 1e-2, 1e-1, 1], [1.0, 0.9, 0.5, 2.0]); // { steepest: 0.01, minimumDiv10: 0.01 }
 * ```
 */
export function suggestLr(lrs: readonly number[], losses: readonly number[]): LrSuggestions {
  if (!Array.isArray(lrs) || !Array.isArray(losses)) {
    throw new ValueError(`suggestLr: lrs and losses must be arrays of numbers, but got ${formatValue(lrs, 40)} and ${formatValue(losses, 40)}`);
  }
  if (lrs.length !== losses.length || lrs.length < 2) throw new ValueError(`suggestLr: needs two series of the same length ≥ 2, but got ${lrs.length} lrs and ${losses.length} losses`);
  let iMin = 0;
  for (let i = 1; i < losses.length; i++) if (losses[i]! < losses[iMin]!) iMin = i;
  const long = lrs.length > 20;
  const start = long ? Math.floor(lrs.length / 10) : 0;
  const end = long ? lrs.length - 5 : lrs.length;
  let iSteep = start;
  let steepest = Infinity;
  for (let i = start; i + 1 < end; i++) {
    const slope = (losses[i + 1]! - losses[i]!) / (Math.log(lrs[i + 1]!) - Math.log(lrs[i]!));
    if (slope < steepest) { steepest = slope; iSteep = i; }
  }
  const tl = lrs.slice(start, end), tLoss = losses.slice(start, end);
  let iTrimMin = 0;
  for (let i = 1; i < tLoss.length; i++) if (tLoss[i]! < tLoss[iTrimMin]!) iTrimMin = i;
  return {
    steepest: lrs[iSteep]!, minimumDiv10: lrs[iMin]! / 10,
    valley: tl.at(valleyIndex(tLoss))!, slide: slideLr(tl, tLoss), minimum: tl[iTrimMin]! / 10, steep: lrs[iSteep]!,
  };
}

/**
 * Plot the smoothed loss against the learning rate (log axis) as an SVG, with the suggestions
 * marked (a suggestion that is NaN is left out); with `path`, also write it there. Only `lrs`,
 * `smoothedLosses` and `suggestion` are read, so a series kept from a result plots the same.
 * @example
 * ```ts
 * const svg = await lrRangeSvg(result, { path: 'docs/img/lr_find.svg', title: 'LR range test' });
 * ```
 */
export async function lrRangeSvg(
  result: Pick<LrRangeResult, 'lrs' | 'smoothedLosses'> & { suggestion: Pick<LrSuggestions, 'steepest' | 'minimumDiv10'> & Partial<LrSuggestions> },
  options: { path?: string; title?: string } = {},
): Promise<string> {
  const keep = result.lrs.map((_, i) => i).filter((i) => Number.isFinite(result.smoothedLosses[i]!) && result.lrs[i]! > 0);
  const sg = result.suggestion;
  const marks = [
    { x: sg.steepest, label: `steepest ${sg.steepest.toExponential(1)}` },
    { x: sg.minimumDiv10, label: `min/10 ${sg.minimumDiv10.toExponential(1)}` },
    ...(['valley', 'slide'] as const).map((k) => ({ x: sg[k] ?? NaN, label: `${k} ${(sg[k] ?? NaN).toExponential(1)}` })),
    ...(sg.minimum !== undefined && sg.minimum !== sg.minimumDiv10 ? [{ x: sg.minimum, label: `minimum ${sg.minimum.toExponential(1)}` }] : []),
  ].filter((m) => Number.isFinite(m.x) && m.x > 0).sort((a, b) => a.x - b.x);
  // NOTE: the labels are drawn to the right of their line at the same height: lines within a decade
  // of the first of their run share one label on that first line (names left to right), so they do not overlap.
  const markers: { x: number; label: string }[] = [];
  for (let i = 0; i < marks.length;) {
    let j = i + 1;
    while (j < marks.length && Math.log10(marks[j]!.x / marks[i]!.x) < 1) j++;
    const run = marks.slice(i, j);
    markers.push(run.length === 1 ? run[0]! : { x: run[0]!.x, label: run.map((m) => m.label.split(' ')[0]).join(' | ') }, ...run.slice(1).map((m) => ({ x: m.x, label: '' })));
    i = j;
  }
  const svg = await lineChart(
    { 'smoothed loss': { x: keep.map((i) => result.lrs[i]!), y: keep.map((i) => result.smoothedLosses[i]!) } },
    { title: options.title ?? 'LR range test', xTitle: 'learning rate', yTitle: 'loss (smoothed)', logX: true, markers },
  );
  if (options.path) writeFileSync(options.path, svg);
  return svg;
}

function checkOptions(options: LrRangeTestOptions): Required<Omit<LrRangeTestOptions, 'order' | 'regularizers' | 'gradients' | 'progressBar'>> & LrRangeTestOptions {
  if (options === null || typeof options !== 'object') throw new ConfigError(`lrRangeTest: expected an options object, but got ${String(options)}`);
  const known = ['model', 'loss', 'optimizer', 'data', 'batchSize', 'minLr', 'maxLr', 'steps', 'mode', 'smoothing', 'divergeFactor', 'seed', 'order', 'regularizers', 'gradients', 'progressBar'];
  for (const k of Object.keys(options)) if (!known.includes(k)) throw new ConfigError(`lrRangeTest: unknown option '${k}'. Known options: ${known.join(', ')}`);
  const o = { minLr: 1e-7, maxLr: 10, steps: 100, mode: 'exponential' as const, smoothing: 0.98, divergeFactor: 4, seed: 0, ...options };
  const num = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
  if (!num(o.minLr) || o.minLr <= 0) throw new ValueError(`lrRangeTest: minLr must be a finite number > 0, but got ${String(o.minLr)}`);
  if (!num(o.maxLr) || o.maxLr <= o.minLr) throw new ValueError(`lrRangeTest: maxLr must be a finite number > minLr (${o.minLr}), but got ${String(o.maxLr)}`);
  if (!Number.isInteger(o.steps) || o.steps < 2) throw new ValueError(`lrRangeTest: steps must be an integer ≥ 2, but got ${String(o.steps)}`);
  if (o.mode !== 'exponential' && o.mode !== 'linear') throw new ValueError(`lrRangeTest: mode must be 'exponential' or 'linear', but got ${String(o.mode)}`);
  if (!num(o.smoothing) || o.smoothing < 0 || o.smoothing >= 1) throw new ValueError(`lrRangeTest: smoothing must be in [0, 1), but got ${String(o.smoothing)}`);
  if (!num(o.divergeFactor) || o.divergeFactor <= 1) throw new ValueError(`lrRangeTest: divergeFactor must be a number > 1, but got ${String(o.divergeFactor)}`);
  if (!num(o.seed)) throw new ValueError(`lrRangeTest: seed must be a finite number, but got ${String(o.seed)}`);
  if (!o.data || typeof o.data !== 'object' || !o.data.x) throw new ValueError('lrRangeTest: data must be { x, y }');
  return o;
}
