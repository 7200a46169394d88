/**
 * SAM, Sharpness-Aware Minimization (Foret, Kleiner, Mobahi & Neyshabur, ICLR 2021,
 * https://arxiv.org/abs/2010.01412), and ASAM, its adaptive form (Kwon, Kim, Park & Choi,
 * ICML 2021, https://arxiv.org/abs/2102.11600): a two-pass step around a base optimizer.
 *
 * One step (g the gradient at θ; T = |θ| for ASAM, 1 for SAM):
 * ```
 * ε̂ = ρ · T² g / (‖T g‖ + 1e-12)          (‖·‖ over all the group's parameters)
 * g_SAM = ∇L(θ + ε̂)                         (second pass, through the closure)
 * θ ← θ + base(g_SAM)                        (the base optimizer's step at θ, at this step's lr)
 * ```
 * PyTorch has no SAM; this follows davda54/sam (`sam.py`, the implementation the paper's authors
 * point to for PyTorch): first_step / second_step, the norm as the norm of the per-tensor norms,
 * 1e-12 in the denominator. A closure optimizer (`needsClosure`): the Trainer and
 * `Optimizer.stepWithClosure` provide the second pass. Convention: ε̂ is computed per parameter
 * group (the reference takes the norm over all groups).
 *
 * Defaults: `sam`: rho 0.05, adaptive false (the reference); `asam`: rho 0.5, adaptive true (ASAM
 * needs a larger ρ, as its perturbation is scaled by |θ|; tune it). base `{ name: 'sgd' }`, lr = the
 * base optimizer's lr.
 *
 * @module
 */
import { ValueError } from '@descent/tensor';
import { rules } from '../options.js';
import { resolveNestedOptimizer, type ResolvedOptimizer } from './nested.js';
import type { AnyOptimizerPlugin, OptimizerOptions, OptimizerPlugin } from './types.js';

/** The base optimizer of SAM after resolution.
 * @example
 * ```ts
 * const b: ResolvedBase = { name: 'sgd', plugin: sgd, options: { ...sgd.defaults, lr: 0.1 } };
 * ```
 */
export type ResolvedBase = ResolvedOptimizer;

/** Options of {@link sam} and {@link asam}.
 * @example
 * ```ts
 * const o: Partial<SamOptions> = { rho: 0.05, base: { name: 'sgd', options: { lr: 0.1, momentum: 0.9 } } };
 * ```
 */
export interface SamOptions extends OptimizerOptions {
  /** Neighbourhood radius ρ > 0; default 0.05 (asam: 0.5). */ rho: number;
  /** ASAM's scale-invariant perturbation T = |θ|; default false (asam: true). */ adaptive: boolean;
  /** The base optimizer: `{ name, options }` or a plugin; default `{ name: 'sgd' }`. */
  base: {
    /** Registered name of the base optimizer (e.g. `'sgd'`). */ name: string;
    /** Its options. */ options?: Record<string, unknown> } | AnyOptimizerPlugin | ResolvedBase;
}

/** State of {@link sam}: the base optimizer's state.
 * @example
 * ```ts
 * const s: SamState = { base: {} };
 * ```
 */
export interface SamState {
  /** The base optimizer's own state. */ base: unknown;
}

const resolveBase = (spec: unknown, name: string): ResolvedBase =>
  resolveNestedOptimizer(spec, { owner: name, option: 'base', reject: (p) => (p.needsClosure ? 'an optimizer without a closure' : undefined) });

const baseOf = (o: SamOptions) => o.base as ResolvedBase;

function samPlugin(name: string, description: string, rho: number, adaptive: boolean): OptimizerPlugin<SamOptions, SamState> {
  return {
    name,
    description,
    needsClosure: true,
    // NOTE: lr undefined = the base optimizer's lr (filled in by resolve).
    defaults: { lr: undefined as unknown as number, rho, adaptive, base: { name: 'sgd' } },
    rules: {
      lr: (v) => (v === undefined || (typeof v === 'number' && Number.isFinite(v) && v >= 0) ? null : "must be a finite number ≥ 0 (or absent: the base optimizer's lr)"),
      rho: rules.positive,
    },
    resolve(o) {
      const base = resolveBase(o.base, name);
      return { ...o, base, lr: o.lr === undefined ? base.options.lr : o.lr };
    },
    init: (params, o) => ({ base: baseOf(o).plugin.init(params, baseOf(o).options) }),
    update(grads, state, params, ctx) {
      const o = ctx.options, base = baseOf(o);
      if (!ctx.evaluate) throw new ValueError(`${name}: needs a closure for its second pass; call Optimizer.stepWithClosure(closure) (the Trainer passes one)`);
      let sq = 0;
      params.forEach((p, j) => {
        const th = p.buffer(), g = grads[j]!;
        let s = 0;
        for (let i = 0; i < g.length; i++) { const v = (o.adaptive ? Math.abs(th[i]!) : 1) * g[i]!; s += v * v; }
        const norm = Math.sqrt(s);
        sq += norm * norm;
      });
      const scale = o.rho / (Math.sqrt(sq) + 1e-12);
      const perturbed = params.map((p, j) => {
        const th = p.buffer(), g = grads[j]!, out = th.slice();
        for (let i = 0; i < out.length; i++) out[i] = th[i]! + ((o.adaptive ? th[i]! ** 2 : 1) * g[i]!) * scale;
        return out;
      });
      const second = ctx.evaluate(perturbed).grads;
      const r = base.plugin.update(second, state.base, params, { lr: ctx.lr, step: ctx.step, options: base.options });
      return { updates: r.updates, state: { base: r.state } };
    },
  };
}

/** SAM, registered as `sam` (a closure optimizer).
 * @example
 * ```ts
 * createOptimizer('sam', params, { rho: 0.05, base: { name: 'sgd', options: { lr: 0.1, momentum: 0.9 } } });
 * ```
 */
export const sam: OptimizerPlugin<SamOptions, SamState> = samPlugin('sam', 'SAM: step with the gradient at the worst point within radius rho (two passes; needs a closure)', 0.05, false);

/** ASAM (adaptive SAM), registered as `asam`: `sam` with `adaptive: true` and ρ 0.5.
 * @example
 * ```ts
 * createOptimizer('asam', params, { rho: 1.0, base: { name: 'sgd', options: { lr: 0.1 } } });
 * ```
 */
export const asam: OptimizerPlugin<SamOptions, SamState> = samPlugin('asam', 'ASAM: SAM with a scale-invariant, |θ|-weighted neighbourhood (needs a closure)', 0.5, true);
