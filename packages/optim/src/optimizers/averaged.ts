/**
 * Weight averaging around any optimizer, as `torch.optim.swa_utils.AveragedModel`: SWA
 * (Izmailov et al., "Averaging Weights Leads to Wider Optima and Better Generalization", UAI 2018,
 * https://arxiv.org/abs/1803.05407) and EMA of the weights.
 *
 * Every step runs the inner optimizer; from step `start + 1` on, every `every` steps, the average
 * is updated with the new parameters θ:
 * ```
 * first update:  θ̄ ← θ
 * 'swa':         θ̄ ← θ̄ + (θ − θ̄)/(n + 1)          (n updates so far: the running mean)
 * 'ema':         θ̄ ← decay·θ̄ + (1 − decay)·θ       (torch.optim.swa_utils.get_ema_avg_fn)
 * ```
 * The average is the model to evaluate: it is exposed through the evaluation-parameter hooks, so
 * `Optimizer.evalMode()` puts θ̄ into the parameters and `trainMode()` restores θ exactly, and the
 * Trainer evaluates and checkpoints with the averaged weights. BatchNorm statistics are not
 * averaged (PyTorch's `use_buffers=False`): recompute them for θ̄ with `updateBatchNorm`.
 * Matches PyTorch 1.13's AveragedModel (swa) and ≥ 2.1's get_ema_avg_fn (ema) in float64
 * (packages/optim/test/fixtures/averaged-model.json).
 *
 * Defaults: inner `{ name: 'sgd' }`, averaging 'swa', decay 0.999, start 0, every 1, lr = the
 * inner optimizer's lr.
 *
 * @module
 */
import { StateError, type TypedArray } from '@descent/tensor';
import { rules } from '../options.js';
import { resolveNestedOptimizer, type ResolvedOptimizer } from './nested.js';
import type { AnyOptimizerPlugin, ModeSwitch, OptimizerOptions, OptimizerPlugin } from './types.js';

/** The inner optimizer after resolution.
 * @example
 * ```ts
 * const i: ResolvedAveragedInner = { name: 'sgd', plugin: sgd, options: { ...sgd.defaults, lr: 0.1 } };
 * ```
 */
export type ResolvedAveragedInner = ResolvedOptimizer;

/** Options of {@link averaged}.
 * @example
 * ```ts
 * const o: Partial<AveragedOptions> = { inner: { name: 'sgd', options: { lr: 0.05, momentum: 0.9 } }, averaging: 'swa', start: 750 };
 * ```
 */
export interface AveragedOptions extends OptimizerOptions {
  /** The optimizer that trains θ: `{ name, options }` or a plugin; default `{ name: 'sgd' }`. */
  inner: {
    /** Registered name of the inner optimizer (e.g. `'sgd'`). */ name: string;
    /** Its options. */ options?: Record<string, unknown> } | AnyOptimizerPlugin | ResolvedAveragedInner;
  /** 'swa' (equal weights, the running mean) or 'ema'; default 'swa'. */
  averaging: 'swa' | 'ema';
  /** EMA decay in [0, 1]; default 0.999. */
  decay: number;
  /** Steps before averaging starts (integer ≥ 0; default 0). */
  start: number;
  /** Average every this many steps (positive integer; default 1). */
  every: number;
}

/** State of {@link averaged}.
 * @example
 * ```ts
 * const s: AveragedState = { inner: {}, average: [new Float64Array(2)], n: 0, trainValues: null };
 * ```
 */
export interface AveragedState {
  /** The inner optimizer's state. */ inner: unknown;
  /** θ̄, one per parameter (meaningful once n > 0). */ average: TypedArray[];
  /** Number of averaging updates so far. */ n: number;
  /** In evaluation mode: θ to restore; null in training mode. */ trainValues: TypedArray[] | null;
}

const resolveInner = (spec: unknown): ResolvedAveragedInner => resolveNestedOptimizer(spec, {
  owner: 'averaged', option: 'inner',
  reject: (p) => (p.needsClosure || p.evalParams ? 'an optimizer without a closure or its own evaluation parameters' : undefined),
});

const innerOf = (o: AveragedOptions) => o.inner as ResolvedAveragedInner;

/** SWA / EMA weight averaging around an inner optimizer, registered as `averaged`.
 * @example
 * ```ts
 * createOptimizer('averaged', params, { inner: { name: 'adamw', options: { lr: 1e-3 } }, averaging: 'ema', decay: 0.999 });
 * ```
 */
export const averaged: OptimizerPlugin<AveragedOptions, AveragedState> = {
  name: 'averaged',
  description: 'SWA or EMA of the weights around an inner optimizer; evaluation and checkpoints use the average',
  // a momentum-cycling schedule (onecycle, cyclic) cycles the inner optimizer's momentum, as
  // PyTorch's OneCycleLR does on the optimizer an AveragedModel sits beside
  momentum: { option: 'inner', wraps: true },
  // NOTE: lr undefined = the inner optimizer's lr (filled in by resolve).
  defaults: { lr: undefined as unknown as number, inner: { name: 'sgd' }, averaging: 'swa', decay: 0.999, start: 0, every: 1 },
  rules: {
    lr: (v) => (v === undefined || (typeof v === 'number' && Number.isFinite(v) && v >= 0) ? null : "must be a finite number ≥ 0 (or absent: the inner optimizer's lr)"),
    averaging: rules.oneOf('swa', 'ema'),
    decay: rules.inRange(0, 1, true),
    start: (v) => (Number.isInteger(v) && (v as number) >= 0 ? null : 'must be an integer ≥ 0'),
    every: rules.positiveInt,
  },
  resolve(o) {
    const inner = resolveInner(o.inner);
    return { ...o, inner, lr: o.lr === undefined ? inner.options.lr : o.lr };
  },
  init: (params, o) => ({
    inner: innerOf(o).plugin.init(params, innerOf(o).options),
    average: params.map((p) => p.buffer().slice()), n: 0, trainValues: null,
  }),
  update(grads, state, params, ctx) {
    if (state.trainValues !== null) throw new StateError('averaged: step() in evaluation mode (the parameters hold the average); call trainMode() first');
    const o = ctx.options, inner = innerOf(o);
    const r = inner.plugin.update(grads, state.inner, params, { lr: ctx.lr, step: ctx.step, options: inner.options });
    let n = state.n;
    if (ctx.step > o.start && (ctx.step - o.start - 1) % o.every === 0) {
      params.forEach((p, j) => {
        const th = p.buffer(), u = r.updates[j]!, avg = state.average[j]!;
        const f32 = avg instanceof Float32Array;
        for (let i = 0; i < avg.length; i++) {
          const now = f32 ? Math.fround(th[i]! + u[i]!) : th[i]! + u[i]!; // θ after this step, as applyUpdates leaves it
          avg[i] = n === 0 ? now : o.averaging === 'swa' ? avg[i]! + (now - avg[i]!) / (n + 1) : o.decay * avg[i]! + (1 - o.decay) * now;
        }
      });
      n++;
    }
    return { updates: r.updates, state: { ...state, inner: r.state, n } };
  },
  evalParams(state, params): ModeSwitch<AveragedState> | null {
    if (state.trainValues !== null || state.n === 0) return null;
    return { values: state.average.map((a) => a.slice()), state: { ...state, trainValues: params.map((p) => p.buffer().slice()) } };
  },
  trainParams(state): ModeSwitch<AveragedState> | null {
    if (state.trainValues === null) return null;
    return { values: state.trainValues, state: { ...state, trainValues: null } };
  },
};
