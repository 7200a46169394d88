/**
 * Lookahead (Zhang, Lucas, Hinton & Ba, "Lookahead Optimizer: k steps forward, 1 step back",
 * NeurIPS 2019, https://arxiv.org/abs/1907.08610, Algorithm 1): wraps any optimizer A.
 *
 * Update rule (slow weights φ, fast weights θ):
 * ```
 * φ ← θ₀
 * every step:      θ ← θ + A(g)              (the inner optimizer, driven by this step's η)
 * every k-th step: φ ← φ + α (θ − φ) ;  θ ← φ
 * ```
 * Conventions: the slow weights are copied at `init` and the first sync is after step k (the
 * paper, fastai, Optax). torch-optimizer copies them lazily after the first fast step and
 * syncs at steps 1, k+1, 2k+1, … (off by one). The inner optimizer's state carries on across
 * syncs (no momentum reset or pullback). The slow weights and the counter are part of the
 * saved state, so a resumed run is identical (the authors' code loses them: lonePatient/lookahead_pytorch#3).
 * The lr passed at each step (a scheduler's) drives the inner optimizer; `lr` defaults to the
 * inner optimizer's lr.
 *
 * Defaults (the paper; PyTorch has no Lookahead): k 5, alpha 0.5, inner `{ name: 'sgd' }`.
 *
 * @module
 */
import type { TypedArray } from '@descent/tensor';
import { rules } from '../options.js';
import { resolveNestedOptimizer, type ResolvedOptimizer } from './nested.js';
import type { AnyOptimizerPlugin, OptimizerOptions, OptimizerPlugin } from './types.js';

/** How the inner optimizer is given: a registered name (or a plugin object in its place) with
 * options, or a plugin object.
 * @example
 * ```ts
 * const a: LookaheadInner = { name: 'adam', options: { lr: 0.05 } };
 * const b: LookaheadInner = adam;
 * const c: LookaheadInner = { name: adaBelief, options: { lr: 0.05 } };
 * ```
 */
export type LookaheadInner = {
  /** Registered name of the inner optimizer (e.g. `'adam'`), or the plugin object itself. */ name: string | AnyOptimizerPlugin;
  /** Options for the inner optimizer; its defaults fill the rest. */ options?: Record<string, unknown> } | AnyOptimizerPlugin | ResolvedInner;

/** The inner optimizer after resolution: its plugin and its resolved options.
 * @example
 * ```ts
 * (resolveOptimizerOptions(lookahead, { inner: { name: 'adam' } }).inner as ResolvedInner).options.betas; // [0.9, 0.999]
 * ```
 */
export type ResolvedInner = ResolvedOptimizer;

/** Options of {@link lookahead}.
 * @example
 * ```ts
 * const o: Partial<LookaheadOptions> = { inner: { name: 'adam', options: { lr: 1e-3 } }, k: 5, alpha: 0.5 };
 * ```
 */
export interface LookaheadOptions extends OptimizerOptions {
  /** The wrapped (fast) optimizer A; default `{ name: 'sgd' }`. */
  inner: LookaheadInner;
  /** Sync period: fast steps between slow-weight updates, a positive integer; default 5. */
  k: number;
  /** Slow-weight step size α in (0, 1]: φ ← φ + α(θ − φ); default 0.5. */
  alpha: number;
}

/** State of {@link lookahead}: the inner optimizer's state, the slow weights, steps since the last sync.
 * @example
 * ```ts
 * const s: LookaheadState = { inner: {}, slow: [new Float64Array(3)], count: 0 };
 * ```
 */
export interface LookaheadState {
  /** The inner optimizer's own state (carried across syncs). */
  inner: unknown;
  /** Slow weights φ, one per parameter (copied from θ at `init`). */
  slow: TypedArray[];
  /** Steps since the last sync with the slow weights (Lookahead's k counter; reset to 0 at k). */
  count: number;
}

const resolveInner = (spec: unknown): ResolvedInner => resolveNestedOptimizer(spec, { owner: 'lookahead', option: 'inner' });

const innerOf = (o: LookaheadOptions): ResolvedInner => o.inner as ResolvedInner;

/** Lookahead, registered as `lookahead`.
 * @example
 * ```ts
 * createOptimizer('lookahead', params, { inner: { name: 'adam', options: { lr: 1e-3 } }, k: 5, alpha: 0.5 });
 * ```
 */
export const lookahead: OptimizerPlugin<LookaheadOptions, LookaheadState> = {
  name: 'lookahead',
  description: 'Lookahead: every k steps, move slow weights a fraction alpha towards the inner optimizer\'s fast weights',
  momentum: { option: 'inner', wraps: true },
  // NOTE: lr undefined = the inner optimizer's lr (filled in by resolve).
  defaults: { lr: undefined as unknown as number, inner: { name: 'sgd', options: {} }, k: 5, alpha: 0.5 },
  rules: {
    lr: (v) => (v === undefined || (typeof v === 'number' && Number.isFinite(v) && v >= 0) ? null : 'must be a finite number ≥ 0 (or absent: the inner optimizer\'s lr)'),
    k: rules.positiveInt,
    alpha: rules.inOpenClosed(0, 1),
  },
  resolve(o) {
    const inner = resolveInner(o.inner);
    return { ...o, inner, lr: o.lr === undefined ? inner.options.lr : o.lr };
  },
  init(params, o) {
    const inner = innerOf(o);
    return { inner: inner.plugin.init(params, inner.options), slow: params.map((p) => p.buffer().slice()), count: 0 };
  },
  update(grads, state, params, ctx) {
    const inner = innerOf(ctx.options);
    const { k, alpha } = ctx.options;
    const r = inner.plugin.update(grads, state.inner, params, { lr: ctx.lr, step: ctx.step, options: inner.options });
    const updates = r.updates;
    const count = state.count + 1;
    if (count >= k) {
      for (let j = 0; j < params.length; j++) {
        const p = params[j]!.buffer(), u = updates[j]!, slow = state.slow[j]!;
        for (let i = 0; i < u.length; i++) {
          const fast = p[i]! + u[i]!;
          slow[i] = slow[i]! + alpha * (fast - slow[i]!);
          u[i] = slow[i]! - p[i]!;
        }
      }
    }
    return { updates, state: { inner: r.state, slow: state.slow, count: count >= k ? 0 : count } };
  },
};
