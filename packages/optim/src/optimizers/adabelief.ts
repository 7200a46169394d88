/**
 * AdaBelief (Zhuang et al., "AdaBelief Optimizer: Adapting Stepsizes by the Belief in Observed
 * Gradients", NeurIPS 2020, https://arxiv.org/abs/2010.07468): Adam whose second moment is the
 * variance of g around its running mean, "the belief".
 *
 * Update rule (t = 1 at the first step; defaults: decoupled decay, rectified):
 * ```
 * θ ← θ (1 − ηλ)                          (weightDecouple; fixedDecay: θ(1 − λ); else g ← g + λθ)
 * m ← β₁ m + (1 − β₁) g
 * s ← β₂ s + (1 − β₂)(g − m)² + ε          (ε is added to the stored s at every step)
 * amsgrad: ŝ ← max(ŝ, s) replaces s below
 * rectify false:  θ ← θ − η/(1 − β₁ᵗ) · m / (√s/√(1 − β₂ᵗ) + ε)
 * rectify true (RAdam's): ρ_t = ρ∞ − 2tβ₂ᵗ/(1 − β₂ᵗ);
 *   ρ_t ≥ 5: θ ← θ − η r_t/(1 − β₁ᵗ) · m / (√s + ε),  r_t = √((1−β₂ᵗ)(ρ_t−4)(ρ_t−2)ρ∞ / ((ρ∞−4)(ρ∞−2)ρ_t))
 *   else (degeneratedToSgd): θ ← θ − η/(1 − β₁ᵗ) · m
 * ```
 * PyTorch has no AdaBelief. This ports the authors' `adabelief_pytorch` 0.2.1 (defaults included)
 * and keeps its quirks: ε is added into the stored s every step, and the rectified branch divides by
 * √s without the √(1 − β₂ᵗ) correction (absorbed into r_t). Optax `adabelief` differs (ε inside the
 * root, no rectification, no decay).
 *
 * Defaults (adabelief_pytorch 0.2.1): lr 1e-3, betas [0.9, 0.999], eps 1e-16, weightDecay 0,
 * amsgrad false, weightDecouple true, fixedDecay false, rectify true, degeneratedToSgd true.
 *
 * @module
 */
import type { TypedArray } from '@descent/tensor';
import { optimizerRules } from './define.js';
import { updatesFromNewParams } from './numeric.js';
import { zeroBuffer } from './transforms.js';
import type { OptimizerOptions, OptimizerPlugin } from './types.js';

/** Options of {@link adabelief}.
 * @example
 * ```ts
 * const o: Partial<AdaBeliefOptions> = { lr: 1e-3, eps: 1e-16, rectify: true };
 * ```
 */
export interface AdaBeliefOptions extends OptimizerOptions {
  /** [β₁, β₂], each in [0, 1); default [0.9, 0.999]. */
  betas: [number, number];
  /** ε, added to s and to the denominator; default 1e-16. */
  eps: number;
  /** Weight decay λ; default 0. */
  weightDecay: number;
  /** Use the running maximum of s; default false. */
  amsgrad: boolean;
  /** Decoupled decay θ(1 − ηλ) (true, default) or L2 in the gradient (false). */
  weightDecouple: boolean;
  /** With weightDecouple: θ(1 − λ), not scaled by η; default false. */
  fixedDecay: boolean;
  /** RAdam's rectification; default true. */
  rectify: boolean;
  /** While rectification is off (ρ_t < 5), take an SGD-with-momentum step (true, default) or none. */
  degeneratedToSgd: boolean;
}

/** State of {@link adabelief}.
 * @example
 * ```ts
 * const s: AdaBeliefState = { m: [new Float64Array(2)], s: [new Float64Array(2)], sMax: null };
 * ```
 */
export interface AdaBeliefState {
  /** m: first moment, one per parameter. */ m: TypedArray[];
  /** s: the "belief", EMA of (g − m)² (plus ε per step), one per parameter. */ s: TypedArray[];
  /** Running maximum of s (amsgrad only; null otherwise). */ sMax: TypedArray[] | null;
}

/** AdaBelief, registered as `adabelief`.
 * @example
 * ```ts
 * createOptimizer('adabelief', params, { lr: 1e-3, weightDecay: 1e-2 });
 * ```
 */
export const adabelief: OptimizerPlugin<AdaBeliefOptions, AdaBeliefState> = {
  name: 'adabelief',
  description: 'AdaBelief: Adam with the variance of g around its mean as second moment (rectified, decoupled decay)',
  defaults: {
    lr: 1e-3, betas: [0.9, 0.999], eps: 1e-16, weightDecay: 0, amsgrad: false,
    weightDecouple: true, fixedDecay: false, rectify: true, degeneratedToSgd: true,
  },
  rules: { lr: optimizerRules.lr, betas: optimizerRules.betas, eps: optimizerRules.eps, weightDecay: optimizerRules.weightDecay },
  init: (params, o) => ({ m: params.map(zeroBuffer), s: params.map(zeroBuffer), sMax: o.amsgrad ? params.map(zeroBuffer) : null }),
  update(grads, state, params, ctx) {
    const o = ctx.options, lr = ctx.lr, t = ctx.step;
    const [beta1, beta2] = o.betas, eps = o.eps;
    const bc1 = 1 - beta1 ** t, bc2 = 1 - beta2 ** t;
    // RAdam's rectification term, once per step.
    const beta2t = beta2 ** t;
    const rhoInf = 2 / (1 - beta2) - 1;
    const rhoT = rhoInf - (2 * t * beta2t) / (1 - beta2t);
    const rectified = rhoT >= 5;
    const stepSize = rectified
      ? Math.sqrt((1 - beta2t) * (rhoT - 4) / (rhoInf - 4) * (rhoT - 2) / rhoT * rhoInf / (rhoInf - 2)) / (1 - beta1 ** t)
      : o.degeneratedToSgd ? 1 / (1 - beta1 ** t) : -1;
    const updates = updatesFromNewParams(params, (j, th) => {
      const g0 = grads[j]!, m = state.m[j]!, s = state.s[j]!, sMax = state.sMax?.[j];
      const keep = o.weightDecouple ? (o.fixedDecay ? 1 - o.weightDecay : 1 - lr * o.weightDecay) : 1;
      for (let i = 0; i < th.length; i++) {
        if (o.weightDecouple) th[i] = th[i]! * keep;
        const g = !o.weightDecouple && o.weightDecay !== 0 ? g0[i]! + o.weightDecay * th[i]! : g0[i]!;
        m[i] = m[i]! * beta1 + (1 - beta1) * g;
        const r = g - m[i]!;
        s[i] = s[i]! * beta2 + (1 - beta2) * r * r;
        s[i] = s[i]! + eps;
        let sUsed = s[i]!;
        if (sMax) { sMax[i] = Math.max(sMax[i]!, s[i]!); sUsed = sMax[i]!; }
        if (!o.rectify) {
          th[i] = th[i]! + -(lr / bc1) * (m[i]! / (Math.sqrt(sUsed) / Math.sqrt(bc2) + eps));
        } else if (rectified) {
          th[i] = th[i]! + (-stepSize * lr) * (m[i]! / (Math.sqrt(s[i]!) + eps));
        } else if (stepSize > 0) {
          th[i] = th[i]! + (-stepSize * lr) * m[i]!;
        }
      }
    });
    return { updates, state };
  },
};
