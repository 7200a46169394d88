/**
 * D-Adaptation Adam (Defazio & Mishchenko, "Learning-Rate-Free Learning by D-Adaptation",
 * ICML 2023, https://arxiv.org/abs/2301.07733): Adam whose step size d is estimated from the
 * gradients (keep lr = 1).
 *
 * Update rule (k = 0 at the first step; ĉ = √(1 − β₂ᵏ⁺¹)/(1 − β₁ᵏ⁺¹) when useBiasCorrection, else 1):
 * ```
 * dη = d · η · ĉ ;  g ← g + λθ                              (decouple false)
 * r ← √β₂ r + (1 − √β₂) dη ⟨g, s / (√v + ε)⟩               (v before this step's update)
 * m ← β₁ m + dη (1 − β₁) g ;  v ← β₂ v + (1 − β₂) g² ;  s ← √β₂ s + dη (1 − √β₂) g
 * d̂ = r / ((1 − √β₂) ‖s‖₁) ;  d ← max(d, min(d̂, d · growthRate))
 * θ ← θ − λ dη θ                                            (decouple true)
 * θ ← θ − m / (√v + ε)                                      (m already carries dη)
 * ```
 * While ‖s‖₁ = 0 the step is skipped, as in the reference. PyTorch has no D-Adaptation; this ports
 * facebookresearch/dadaptation v3.2 `dadaptation/dadapt_adam.py` (layer_scale 1). Convention: the
 * reference shares one d across all parameter groups; here each parameter group estimates its own d.
 *
 * Defaults (the reference): lr 1, betas [0.9, 0.999], eps 1e-8, weightDecay 0, decouple false,
 * useBiasCorrection false, d0 1e-6, growthRate ∞.
 *
 * @module
 */
import type { TypedArray } from '@descent/tensor';
import { rules } from '../options.js';
import { optimizerRules } from './define.js';
import { sumOfAbs, updatesFromNewParams } from './numeric.js';
import { zeroBuffer } from './transforms.js';
import type { OptimizerOptions, OptimizerPlugin } from './types.js';

/** Options of {@link dadaptAdam}.
 * @example
 * ```ts
 * const o: Partial<DAdaptAdamOptions> = { lr: 1, decouple: true, weightDecay: 0.01 };
 * ```
 */
export interface DAdaptAdamOptions extends OptimizerOptions {
  /** [β₁, β₂], each in [0, 1); default [0.9, 0.999]. */
  betas: [number, number];
  /** ε added to √v; default 1e-8. */
  eps: number;
  /** Weight decay λ; default 0. */
  weightDecay: number;
  /** Decoupled (AdamW-style) decay, scaled by dη; default false (L2 in the gradient). */
  decouple: boolean;
  /** Adam's bias correction in dη; default false. */
  useBiasCorrection: boolean;
  /** Initial estimate d₀ > 0; default 1e-6. */
  d0: number;
  /** Largest factor d may grow by per step (≥ 1; Infinity: unbounded, default). */
  growthRate: number;
}

/** State of {@link dadaptAdam}.
 * @example
 * ```ts
 * const s: DAdaptAdamState = { d: 1e-6, numeratorWeighted: 0, k: 0, m: [], v: [], s: [] };
 * ```
 */
export interface DAdaptAdamState {
  /** Current step-size estimate d. */ d: number;
  /** r: the weighted numerator of d̂. */ numeratorWeighted: number;
  /** Steps taken (skipped steps do not count). */ k: number;
  /** m: first moment (scaled by dη). */ m: TypedArray[];
  /** v: second moment. */ v: TypedArray[];
  /** s: weighted sum of gradients. */ s: TypedArray[];
}

/** D-Adaptation Adam, registered as `dadaptadam`.
 * @example
 * ```ts
 * createOptimizer('dadaptadam', params, { lr: 1 });
 * ```
 */
export const dadaptAdam: OptimizerPlugin<DAdaptAdamOptions, DAdaptAdamState> = {
  name: 'dadaptadam',
  description: 'D-Adaptation Adam: learning-rate-free Adam with an estimated step size d (keep lr 1)',
  defaults: { lr: 1, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, decouple: false, useBiasCorrection: false, d0: 1e-6, growthRate: Infinity },
  rules: {
    lr: optimizerRules.lr,
    betas: optimizerRules.betas,
    eps: optimizerRules.eps,
    weightDecay: optimizerRules.weightDecay,
    d0: rules.positive,
    growthRate: (v) => (typeof v === 'number' && v >= 1 ? null : 'must be a number ≥ 1 (Infinity: unbounded)'),
  },
  init: (params, o) => ({ d: o.d0, numeratorWeighted: 0, k: 0, m: params.map(zeroBuffer), v: params.map(zeroBuffer), s: params.map(zeroBuffer) }),
  update(grads, state, params, ctx) {
    const o = ctx.options, lr = ctx.lr, k = state.k;
    const [beta1, beta2] = o.betas;
    let d = state.d;
    const biasCorrection = o.useBiasCorrection ? (1 - beta2 ** (k + 1)) ** 0.5 / (1 - beta1 ** (k + 1)) : 1;
    const dlr = d * lr * biasCorrection;
    const sqrtBeta2 = beta2 ** 0.5;
    let numeratorAcum = 0, skL1 = 0;
    if (lr > 0) {
      grads.forEach((g0, j) => {
        const th = params[j]!.buffer(), m = state.m[j]!, v = state.v[j]!, s = state.s[j]!;
        let gs = 0;
        for (let i = 0; i < g0.length; i++) {
          const g = o.weightDecay !== 0 && !o.decouple ? g0[i]! + o.weightDecay * th[i]! : g0[i]!;
          gs += g * (s[i]! / (Math.sqrt(v[i]!) + o.eps));
        }
        numeratorAcum += dlr * gs;
        for (let i = 0; i < g0.length; i++) {
          const g = o.weightDecay !== 0 && !o.decouple ? g0[i]! + o.weightDecay * th[i]! : g0[i]!;
          m[i] = m[i]! * beta1 + dlr * (1 - beta1) * g;
          v[i] = v[i]! * beta2 + (1 - beta2) * g * g;
          s[i] = s[i]! * sqrtBeta2 + dlr * (1 - sqrtBeta2) * g;
        }
        skL1 += sumOfAbs(s);
      });
    }
    if (skL1 === 0) return { updates: params.map((p) => (p.dtype === 'float64' ? new Float64Array(p.size) : new Float32Array(p.size))), state };
    const numeratorWeighted = sqrtBeta2 * state.numeratorWeighted + (1 - sqrtBeta2) * numeratorAcum;
    if (lr > 0) {
      const dHat = numeratorWeighted / ((1 - sqrtBeta2) * skL1);
      // NOTE: Python's max/min as in the reference: when (1 − √β₂)‖s‖₁ underflows to 0 (a tiny lr),
      // d̂ is NaN and d stays as it was, where Math.max would make it NaN.
      const capped = d * o.growthRate < dHat ? d * o.growthRate : dHat;
      d = capped > d ? capped : d;
    }
    const updates = updatesFromNewParams(params, (j, th) => {
      const m = state.m[j]!, v = state.v[j]!;
      for (let i = 0; i < th.length; i++) {
        const denom = Math.sqrt(v[i]!) + o.eps;
        if (o.weightDecay !== 0 && o.decouple) th[i] = th[i]! + (-o.weightDecay * dlr) * th[i]!;
        th[i] = th[i]! + -1 * (m[i]! / denom);
      }
    });
    return { updates, state: { ...state, d, numeratorWeighted, k: k + 1 } };
  },
};
