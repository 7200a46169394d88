/**
 * Prodigy (Mishchenko & Defazio, "Prodigy: An Expeditiously Adaptive Parameter-Free Learner",
 * ICML 2024, https://arxiv.org/abs/2306.06101): Adam whose step size d is estimated on the fly
 * (learning-rate free; keep lr = 1).
 *
 * Update rule (k = 0 at the first step; η = lr; β₃ = √β₂ unless given; ĉ the bias correction
 * √(1 − β₂ᵏ⁺¹)/(1 − β₁ᵏ⁺¹) when useBiasCorrection, else 1):
 * ```
 * dη = d · η · ĉ
 * g ← g + λθ                                             (decouple false)
 * r ← β₃ r + (d/d₀) dη ⟨g, θ₀ − θ⟩
 * m ← β₁ m + d(1 − β₁) g ;  v ← β₂ v + d²(1 − β₂) g²
 * s ← β₃ s + (d/d₀) dη g                                  (safeguardWarmup: (d/d₀) d g)
 * d̂ = d_coef · r / ‖s‖₁ ;  d ← max(d, d̂) at the first estimate ;  d_max ← max(d_max, d̂) ;  d ← min(d_max, d·growthRate)
 * θ ← θ − λ dη θ                                          (decouple true)
 * θ ← θ − dη · m / (√v + d ε)        (β₁ = 0: θ ← θ − dη d · g / (√v + d ε))
 * ```
 * While ‖s‖₁ = 0 (all gradients zero so far) the step is skipped, as in the reference.
 * PyTorch has no Prodigy; this ports konstmish/prodigy@a1b4f0e `prodigyopt/prodigy.py`
 * (slice_p = 1). Convention: the reference shares one d across all parameter groups; here each
 * parameter group estimates its own d (identical for a single group).
 *
 * Defaults (the reference): lr 1, betas [0.9, 0.999], beta3 null (√β₂), eps 1e-8, weightDecay 0,
 * decouple true, useBiasCorrection false, safeguardWarmup false, d0 1e-6, dCoef 1, growthRate ∞.
 *
 * @module
 */
import type { TypedArray } from '@descent/tensor';
import { rules } from '../options.js';
import { optimizerRules } from './define.js';
import { sumOfAbs, updatesFromNewParams } from './numeric.js';
import { zeroBuffer } from './transforms.js';
import type { OptimizerOptions, OptimizerPlugin } from './types.js';

/** Options of {@link prodigy}.
 * @example
 * ```ts
 * const o: Partial<ProdigyOptions> = { lr: 1, weightDecay: 0.01, safeguardWarmup: true };
 * ```
 */
export interface ProdigyOptions extends OptimizerOptions {
  /** [β₁, β₂], β₁ in [0, 1) (0: no first moment), β₂ in [0, 1); default [0.9, 0.999]. */
  betas: [number, number];
  /** β₃ for r and s, in [0, 1); null: √β₂ (default). */
  beta3: number | null;
  /** ε, scaled by d in the denominator; default 1e-8. */
  eps: number;
  /** Weight decay λ; default 0. */
  weightDecay: number;
  /** Decoupled (AdamW-style) decay (default true) or L2 in the gradient. */
  decouple: boolean;
  /** Adam's bias correction in dη; default false. */
  useBiasCorrection: boolean;
  /** Leave η out of s's increment (helps during lr warm-up); default false. */
  safeguardWarmup: boolean;
  /** Initial estimate d₀ > 0; default 1e-6. */
  d0: number;
  /** Coefficient of the estimate d̂; default 1. */
  dCoef: number;
  /** Largest factor d may grow by per step (≥ 1; Infinity: unbounded, default). */
  growthRate: number;
}

/** State of {@link prodigy}.
 * @example
 * ```ts
 * const s: ProdigyState = { d: 1e-6, dMax: 1e-6, dNumerator: 0, k: 0, p0: [], m: [], v: [], s: [] };
 * ```
 */
export interface ProdigyState {
  /** Current step-size estimate d. */ d: number;
  /** Largest estimate d̂ so far. */ dMax: number;
  /** r: the weighted numerator of d̂. */ dNumerator: number;
  /** Steps taken (skipped steps do not count). */ k: number;
  /** θ₀: the parameters at the start. */ p0: TypedArray[];
  /** m: first moment. */ m: TypedArray[];
  /** v: second moment. */ v: TypedArray[];
  /** s: weighted sum of gradients. */ s: TypedArray[];
}

/** Prodigy, registered as `prodigy`.
 * @example
 * ```ts
 * createOptimizer('prodigy', params, { lr: 1, weightDecay: 0.01 });
 * ```
 */
export const prodigy: OptimizerPlugin<ProdigyOptions, ProdigyState> = {
  name: 'prodigy',
  description: 'Prodigy: learning-rate-free Adam with a D-adaptation step-size estimate (keep lr 1)',
  defaults: {
    lr: 1, betas: [0.9, 0.999], beta3: null, eps: 1e-8, weightDecay: 0, decouple: true,
    useBiasCorrection: false, safeguardWarmup: false, d0: 1e-6, dCoef: 1, growthRate: Infinity,
  },
  rules: {
    lr: optimizerRules.lr,
    betas: optimizerRules.betas,
    beta3: (v) => (v === null || (typeof v === 'number' && v >= 0 && v < 1) ? null : 'must be null (√β₂) or a number in [0, 1)'),
    eps: optimizerRules.eps,
    weightDecay: optimizerRules.weightDecay,
    d0: rules.positive,
    dCoef: rules.positive,
    growthRate: (v) => (typeof v === 'number' && v >= 1 ? null : 'must be a number ≥ 1 (Infinity: unbounded)'),
  },
  init: (params, o) => ({
    d: o.d0, dMax: o.d0, dNumerator: 0, k: 0,
    p0: params.map((p) => p.buffer().slice()), m: params.map(zeroBuffer), v: params.map(zeroBuffer), s: params.map(zeroBuffer),
  }),
  update(grads, state, params, ctx) {
    const o = ctx.options, lr = ctx.lr;
    const [beta1, beta2] = o.betas;
    const beta3 = o.beta3 ?? Math.sqrt(beta2);
    const { k, d0 } = { k: state.k, d0: o.d0 };
    let d = state.d, dMax = state.dMax;
    const biasCorrection = o.useBiasCorrection ? (1 - beta2 ** (k + 1)) ** 0.5 / (1 - beta1 ** (k + 1)) : 1;
    const dlr = d * lr * biasCorrection;
    const dNumerator = state.dNumerator * beta3;
    let deltaNumerator = 0, dDenom = 0;
    const coupled = o.weightDecay !== 0 && !o.decouple;
    const gs = grads.map((g, j) => {
      if (!coupled) return g;
      const th = params[j]!.buffer(), out = new Float64Array(g.length);
      for (let i = 0; i < g.length; i++) out[i] = g[i]! + o.weightDecay * th[i]!;
      return out;
    });
    if (lr > 0) {
      gs.forEach((g, j) => {
        const th = params[j]!.buffer(), p0 = state.p0[j]!, m = state.m[j]!, v = state.v[j]!, s = state.s[j]!;
        let gp = 0;
        for (let i = 0; i < g.length; i++) gp += g[i]! * (p0[i]! - th[i]!);
        deltaNumerator += (d / d0) * dlr * gp;
        const sScale = o.safeguardWarmup ? (d / d0) * d : (d / d0) * dlr;
        for (let i = 0; i < g.length; i++) {
          if (beta1 > 0) m[i] = m[i]! * beta1 + d * (1 - beta1) * g[i]!;
          v[i] = v[i]! * beta2 + d * d * (1 - beta2) * g[i]! * g[i]!;
          s[i] = s[i]! * beta3 + sScale * g[i]!;
        }
        dDenom += sumOfAbs(s);
      });
    }
    if (dDenom === 0) return { updates: params.map((p) => (p.dtype === 'float64' ? new Float64Array(p.size) : new Float32Array(p.size))), state };
    let globalNumerator = state.dNumerator;
    if (lr > 0) {
      globalNumerator = dNumerator + deltaNumerator;
      const dHat = (o.dCoef * globalNumerator) / dDenom;
      if (d === d0) d = Math.max(d, dHat);
      dMax = Math.max(dMax, dHat);
      d = Math.min(dMax, d * o.growthRate);
    }
    const updates = updatesFromNewParams(params, (j, th) => {
      const m = state.m[j]!, v = state.v[j]!, g = gs[j]!;
      for (let i = 0; i < th.length; i++) {
        const denom = Math.sqrt(v[i]!) + d * o.eps;
        if (o.weightDecay !== 0 && o.decouple) th[i] = th[i]! + (-o.weightDecay * dlr) * th[i]!;
        th[i] = beta1 > 0 ? th[i]! + -dlr * (m[i]! / denom) : th[i]! + (-dlr * d) * (g[i]! / denom);
      }
    });
    return { updates, state: { ...state, d, dMax, dNumerator: globalNumerator, k: k + 1 } };
  },
};

