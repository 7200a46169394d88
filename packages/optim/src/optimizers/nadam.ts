/**
 * NAdam: Adam with Nesterov momentum (Dozat, "Incorporating Nesterov Momentum into Adam",
 * ICLR 2016 workshop), `torch.optim.NAdam` with the corrected μ-product of pytorch#92699.
 *
 * Update rule (t = 1 at the first step; ψ = momentumDecay):
 * ```
 * g ← g + λθ                                  (decoupledWeightDecay: θ ← θ(1 − ηλ) instead)
 * μ_t = β₁ (1 − ½·0.96^(tψ)) ;  μ_{t+1} = β₁ (1 − ½·0.96^((t+1)ψ))
 * Π_t = Π_{t−1} · μ_t                         (Π₀ = 1)
 * m ← β₁ m + (1 − β₁) g ;  v ← β₂ v + (1 − β₂) g²
 * s = √(v / (1 − β₂ᵗ)) + ε
 * θ ← θ − η (1 − μ_t)/(1 − Π_t) · g/s − η μ_{t+1}/(1 − Π_t μ_{t+1}) · m/s
 * ```
 * PyTorch ≤ 1.13 computed the second denominator as 1 − Π_t·μ_t·μ_{t+1}, counting μ_t twice
 * (fixed in pytorch/pytorch#92699; TorchSharp#1155 had the same bug). This follows the fix.
 *
 * Defaults: lr 2e-3, betas [0.9, 0.999], eps 1e-8, weightDecay 0, momentumDecay 4e-3,
 * decoupledWeightDecay false.
 *
 * @module
 */
import type { TypedArray } from '@descent/tensor';
import { rules } from '../options.js';
import { adamRules } from './adam.js';
import { addL2ToGrad, chain, chainPlugin, decoupledWeightDecay, zeroBuffer, type ChainState, type Transform } from './transforms.js';
import type { OptimizerOptions, OptimizerPlugin } from './types.js';

/** Options of {@link nadam}.
 * @example
 * ```ts
 * const o: NadamOptions = { lr: 2e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, momentumDecay: 4e-3, decoupledWeightDecay: false };
 * ```
 */
export interface NadamOptions extends OptimizerOptions {
  /** Decay rates [β₁, β₂] of the first and second moments, each in [0, 1); default [0.9, 0.999]. */
  betas: [number, number];
  /** ε added to the bias-corrected √v̂ in the denominator; default 1e-8. */
  eps: number;
  /** Weight decay λ (L2 in the gradient unless `decoupledWeightDecay`); default 0. */
  weightDecay: number;
  /** Momentum decay ψ of the μ_t schedule; default 4e-3. */
  momentumDecay: number;
  /** Apply weight decay AdamW-style, θ ← θ(1 − ηλ), instead of adding λθ to g; default false. */
  decoupledWeightDecay: boolean;
}

/** State of {@link scaleByNadam}: moments and the running product Π of the μ_t.
 * @example
 * ```ts
 * const s: NadamState = { m: [new Float64Array(2)], v: [new Float64Array(2)], muProduct: 1 };
 * ```
 */
export interface NadamState {
  /** First moment m (EMA of g), one per parameter. */ m: TypedArray[];
  /** Second moment v (EMA of g²), one per parameter. */ v: TypedArray[];
  /** Running product Π_t of the momentum coefficients μ_1…μ_t (starts at 1). */ muProduct: number }

/** NAdam's step with the corrected μ-product. Its output is the delta (it includes −η): the two
 * coefficients are formed with η first, as PyTorch does, which keeps the rounding close to
 * PyTorch's on this sensitive method.
 * @example
 * ```ts
 * chain(scaleByNadam({ beta1: 0.9, beta2: 0.999, eps: 1e-8, momentumDecay: 4e-3 }));
 * ```
 */
export function scaleByNadam(o: { beta1: number; beta2: number; eps: number; momentumDecay: number }): Transform<NadamState> {
  const { beta1, beta2, eps, momentumDecay } = o;
  return {
    key: 'nadam',
    init: (params) => ({ m: params.map(zeroBuffer), v: params.map(zeroBuffer), muProduct: 1 }),
    apply(src, dst, state, _params, ctx) {
      const t = ctx.step;
      const bc2 = 1 - beta2 ** t;
      const mu = beta1 * (1 - 0.5 * 0.96 ** (t * momentumDecay));
      const muNext = beta1 * (1 - 0.5 * 0.96 ** ((t + 1) * momentumDecay));
      const muProduct = state.muProduct * mu;
      const cg = (-ctx.lr * (1 - mu)) / (1 - muProduct);
      const cm = (-ctx.lr * muNext) / (1 - muProduct * muNext);
      const a1 = 1 - beta1, a2 = 1 - beta2;
      for (let j = 0; j < dst.length; j++) {
        const s = src[j]!, d = dst[j]!, m = state.m[j]!, v = state.v[j]!;
        for (let i = 0; i < d.length; i++) {
          const g = s[i]!;
          m[i] = beta1 * m[i]! + a1 * g;
          v[i] = beta2 * v[i]! + a2 * g * g;
          const denom = Math.sqrt(v[i]! / bc2) + eps;
          d[i] = (cg * g) / denom + (cm * m[i]!) / denom;
        }
      }
      state.muProduct = muProduct;
      return state;
    },
  };
}

/** NAdam, registered as `nadam`.
 * @example
 * ```ts
 * createOptimizer('nadam', params, { lr: 2e-3 });
 * ```
 */
export const nadam: OptimizerPlugin<NadamOptions, ChainState> = {
  name: 'nadam',
  description: 'NAdam: Adam with Nesterov momentum and a momentum-decay schedule (corrected μ-product)',
  momentum: { option: 'betas', index: 0 },
  defaults: { lr: 2e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, momentumDecay: 4e-3, decoupledWeightDecay: false },
  rules: { ...adamRules, momentumDecay: rules.nonNegative },
  ...chainPlugin((o: NadamOptions) =>
    chain(
      addL2ToGrad(o.decoupledWeightDecay ? 0 : o.weightDecay),
      scaleByNadam({ beta1: o.betas[0], beta2: o.betas[1], eps: o.eps, momentumDecay: o.momentumDecay }),
      decoupledWeightDecay(o.decoupledWeightDecay ? o.weightDecay : 0),
    )),
};
