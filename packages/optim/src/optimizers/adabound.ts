/**
 * AdaBound and AMSBound (Luo, Xiong, Liu & Sun, "Adaptive Gradient Methods with Dynamic Bound of
 * Learning Rate", ICLR 2019, https://arxiv.org/abs/1902.09843), following the authors' code
 * (Luolc/AdaBound `adabound/adabound.py`).
 *
 * Update rule (t = 1 at the first step):
 * ```
 * g ← g + λθ
 * m ← β₁ m + (1 − β₁) g ;  v ← β₂ v + (1 − β₂) g²
 * s = √v + ε            (AMSBound: v̂ ← max(v̂, v), s = √v̂ + ε)
 * η̃ = η √(1 − β₂ᵗ) / (1 − β₁ᵗ)
 * η* = finalLr · η / η₀                       (η₀ = the lr option at creation)
 * lower = η* (1 − 1/(γ t + 1)) ;  upper = η* (1 + 1/(γ t))
 * θ ← θ − clip(η̃ / s, lower, upper) ⊙ m
 * ```
 * Notes: the clip applies to the bias-corrected step divided by √v + ε (ε on the *uncorrected*
 * v, unlike Adam). `finalLr` is rescaled by η/η₀, so a scheduler moves the bounds — by design
 * (Luolc/AdaBound#9); η₀ is the group's `lr` option, so it must be > 0. The paper writes the
 * bounds with (1 − β₂) where the code's `gamma` (default 1e-3) stands.
 *
 * Defaults (the authors' code; PyTorch has no AdaBound): lr 1e-3, betas [0.9, 0.999],
 * finalLr 0.1, gamma 1e-3, eps 1e-8, weightDecay 0, amsbound false.
 *
 * @module
 */
import type { TypedArray } from '@descent/tensor';
import { rules } from '../options.js';
import { optimizerRules } from './define.js';
import { addL2ToGrad, chain, chainPlugin, zeroBuffer, type ChainState, type Transform } from './transforms.js';
import type { OptimizerOptions, OptimizerPlugin } from './types.js';

/** Options of {@link adabound}.
 * @example
 * ```ts
 * const o: AdaBoundOptions = { lr: 1e-3, betas: [0.9, 0.999], finalLr: 0.1, gamma: 1e-3, eps: 1e-8, weightDecay: 0, amsbound: false };
 * ```
 */
export interface AdaBoundOptions extends OptimizerOptions {
  /** Decay rates [β₁, β₂] of the first and second moments, each in [0, 1); default [0.9, 0.999]. */
  betas: [number, number];
  /** The SGD learning rate both bounds converge to (rescaled by η/η₀); default 0.1. */
  finalLr: number;
  /** Convergence speed γ of the bounds, in [0, 1); default 1e-3. */
  gamma: number;
  /** ε added to √v (uncorrected) in the denominator; default 1e-8. */
  eps: number;
  /** L2 penalty λ added to the gradient (`g ← g + λθ`); default 0. */
  weightDecay: number;
  /** Use AMSBound (the running max of v); default false. */
  amsbound: boolean;
}

/** State of {@link scaleByAdaBound}.
 * @example
 * ```ts
 * const s: AdaBoundState = { m: [new Float64Array(2)], v: [new Float64Array(2)] };
 * ```
 */
export interface AdaBoundState {
  /** First moment m (EMA of g), one per parameter. */ m: TypedArray[];
  /** Second moment v (EMA of g²), one per parameter. */ v: TypedArray[];
  /** Running max of v (AMSBound only; absent otherwise). */ vmax?: TypedArray[] }

/**
 * AdaBound's bounded step as a transform. Its output is already the delta (it includes −η),
 * because the clip does not commute with scaling by η.
 * @example
 * ```ts
 * chain(addL2ToGrad(0), scaleByAdaBound({ beta1: 0.9, beta2: 0.999, eps: 1e-8, finalLr: 0.1, gamma: 1e-3, baseLr: 1e-3 }));
 * ```
 */
export function scaleByAdaBound(o: { beta1: number; beta2: number; eps: number; finalLr: number; gamma: number; baseLr: number; amsbound?: boolean }): Transform<AdaBoundState> {
  const { beta1, beta2, eps, finalLr, gamma, baseLr } = o;
  const amsbound = o.amsbound ?? false;
  return {
    key: 'adabound',
    init: (params) => ({ m: params.map(zeroBuffer), v: params.map(zeroBuffer), ...(amsbound ? { vmax: params.map(zeroBuffer) } : {}) }),
    apply(src, dst, state, _params, ctx) {
      const t = ctx.step;
      const stepSize = (ctx.lr * Math.sqrt(1 - beta2 ** t)) / (1 - beta1 ** t);
      const final = (finalLr * ctx.lr) / baseLr;
      const lower = final * (1 - 1 / (gamma * t + 1));
      const upper = final * (1 + 1 / (gamma * t));
      const a1 = 1 - beta1, a2 = 1 - beta2;
      for (let j = 0; j < dst.length; j++) {
        const s = src[j]!, d = dst[j]!, m = state.m[j]!, v = state.v[j]!;
        const vmax = amsbound ? state.vmax![j]! : null;
        for (let i = 0; i < d.length; i++) {
          const g = s[i]!;
          m[i] = beta1 * m[i]! + a1 * g;
          v[i] = beta2 * v[i]! + a2 * g * g;
          let vi = v[i]!;
          if (vmax !== null) { if (vi > vmax[i]!) vmax[i] = vi; else vi = vmax[i]!; }
          let step = stepSize / (Math.sqrt(vi) + eps);
          if (step < lower) step = lower;
          if (step > upper) step = upper;
          d[i] = -(step * m[i]!);
        }
      }
      return state;
    },
  };
}

/** AdaBound / AMSBound, registered as `adabound`.
 * @example
 * ```ts
 * createOptimizer('adabound', params, { lr: 1e-3, finalLr: 0.1 });
 * ```
 */
export const adabound: OptimizerPlugin<AdaBoundOptions, ChainState> = {
  name: 'adabound',
  description: 'AdaBound: Adam with step sizes clipped to bounds that converge to finalLr (amsbound: AMSBound)',
  momentum: { option: 'betas', index: 0 },
  defaults: { lr: 1e-3, betas: [0.9, 0.999], finalLr: 0.1, gamma: 1e-3, eps: 1e-8, weightDecay: 0, amsbound: false },
  rules: {
    // NOTE: the lr at creation is the base lr η₀ that rescales finalLr, so it must be > 0 (mgrankin/over9000#4).
    lr: rules.positive,
    betas: optimizerRules.betas,
    finalLr: rules.nonNegative,
    gamma: rules.inRange(0, 1),
    eps: optimizerRules.eps,
    weightDecay: optimizerRules.weightDecay,
  },
  ...chainPlugin((o: AdaBoundOptions) =>
    chain(
      addL2ToGrad(o.weightDecay),
      scaleByAdaBound({ beta1: o.betas[0], beta2: o.betas[1], eps: o.eps, finalLr: o.finalLr, gamma: o.gamma, baseLr: o.lr, amsbound: o.amsbound }),
    )),
};
