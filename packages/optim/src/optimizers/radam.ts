/**
 * RAdam: rectified Adam (Liu et al., "On the Variance of the Adaptive Learning Rate and Beyond",
 * ICLR 2020, https://arxiv.org/abs/1908.03265), `torch.optim.RAdam`.
 *
 * Update rule (t = 1 at the first step):
 * ```
 * g ← g + λθ                                  (decoupledWeightDecay: θ ← θ(1 − ηλ) instead)
 * m ← β₁ m + (1 − β₁) g ;  v ← β₂ v + (1 − β₂) g² ;  m̂ = m / (1 − β₁ᵗ)
 * ρ∞ = 2/(1 − β₂) − 1 ;  ρ_t = ρ∞ − 2t β₂ᵗ / (1 − β₂ᵗ)
 * ρ_t > 5:  r = √((ρ_t − 4)(ρ_t − 2) ρ∞ / ((ρ∞ − 4)(ρ∞ − 2) ρ_t)) ;  l = √(1 − β₂ᵗ) / (√v + ε)
 *           θ ← θ − η m̂ r l
 * else:     θ ← θ − η m̂                       (SGD with bias-corrected momentum)
 * ```
 * PyTorch convention: ε is added to the uncorrected √v inside l (as above), threshold 5.
 *
 * Defaults: lr 1e-3, betas [0.9, 0.999], eps 1e-8, weightDecay 0, decoupledWeightDecay false.
 *
 * @module
 */
import type { TypedArray } from '@descent/tensor';
import { adamRules } from './adam.js';
import { addL2ToGrad, chain, chainPlugin, decoupledWeightDecay, scaleByLr, zeroBuffer, type ChainState, type Transform } from './transforms.js';
import type { OptimizerOptions, OptimizerPlugin } from './types.js';

/** Options of {@link radam}.
 * @example
 * ```ts
 * const o: RadamOptions = { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, decoupledWeightDecay: false };
 * ```
 */
export interface RadamOptions extends OptimizerOptions {
  /** Decay rates [β₁, β₂] of the first and second moments, each in [0, 1); default [0.9, 0.999]. */
  betas: [number, number];
  /** ε added to the uncorrected √v in the adaptive term; default 1e-8. */
  eps: number;
  /** Weight decay λ (L2 in the gradient unless `decoupledWeightDecay`); default 0. */
  weightDecay: number;
  /** Apply weight decay AdamW-style, θ ← θ(1 − ηλ), instead of adding λθ to g; default false. */
  decoupledWeightDecay: boolean;
}

/** State of {@link scaleByRadam}.
 * @example
 * ```ts
 * const s: RadamState = { m: [new Float64Array(2)], v: [new Float64Array(2)] };
 * ```
 */
export interface RadamState {
  /** First moment m (EMA of g), one per parameter. */ m: TypedArray[];
  /** Second moment v (EMA of g²), one per parameter. */ v: TypedArray[] }

/** RAdam's rectified direction (before −η).
 * @example
 * ```ts
 * chain(scaleByRadam({ beta1: 0.9, beta2: 0.999, eps: 1e-8 }), scaleByLr());
 * ```
 */
export function scaleByRadam(o: { beta1: number; beta2: number; eps: number }): Transform<RadamState> {
  const { beta1, beta2, eps } = o;
  return {
    key: 'radam',
    fusable: true,
    init: (params) => ({ m: params.map(zeroBuffer), v: params.map(zeroBuffer) }),
    apply(src, dst, state, params, ctx, epilogue) {
      const scale = epilogue?.scale ?? 1, decay = epilogue?.decay ?? 0;
      const t = ctx.step;
      const bc1 = 1 - beta1 ** t;
      const bc2 = 1 - beta2 ** t;
      const rhoInf = 2 / (1 - beta2) - 1;
      const rhoT = rhoInf - (2 * t * beta2 ** t) / bc2;
      const rectified = rhoT > 5;
      const rect = rectified ? Math.sqrt(((rhoT - 4) * (rhoT - 2) * rhoInf) / ((rhoInf - 4) * (rhoInf - 2) * rhoT)) : 1;
      const bc2sqrt = Math.sqrt(bc2);
      const a1 = 1 - beta1, a2 = 1 - beta2;
      for (let j = 0; j < dst.length; j++) {
        const s = src[j]!, d = dst[j]!, m = state.m[j]!, v = state.v[j]!;
        const pd = decay !== 0 ? params[j]!.buffer() : null;
        for (let i = 0; i < d.length; i++) {
          const g = s[i]!;
          m[i] = beta1 * m[i]! + a1 * g;
          v[i] = beta2 * v[i]! + a2 * g * g;
          const mHat = m[i]! / bc1;
          const out = rectified ? mHat * (bc2sqrt / (Math.sqrt(v[i]!) + eps)) * rect : mHat;
          d[i] = pd === null ? scale * out : scale * out + decay * pd[i]!;
        }
      }
      return state;
    },
  };
}

/** RAdam, registered as `radam`.
 * @example
 * ```ts
 * createOptimizer('radam', params, { lr: 1e-3 });
 * ```
 */
export const radam: OptimizerPlugin<RadamOptions, ChainState> = {
  name: 'radam',
  description: 'RAdam: Adam with a rectified adaptive step (SGD with momentum while the variance estimate is unreliable)',
  momentum: { option: 'betas', index: 0 },
  defaults: { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, decoupledWeightDecay: false },
  rules: adamRules,
  ...chainPlugin((o: RadamOptions) =>
    chain(
      addL2ToGrad(o.decoupledWeightDecay ? 0 : o.weightDecay),
      scaleByRadam({ beta1: o.betas[0], beta2: o.betas[1], eps: o.eps }),
      scaleByLr(),
      decoupledWeightDecay(o.decoupledWeightDecay ? o.weightDecay : 0),
    )),
};
