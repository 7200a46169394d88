/**
 * Lion: EvoLved Sign Momentum (Chen et al., "Symbolic Discovery of Optimization Algorithms",
 * NeurIPS 2023, https://arxiv.org/abs/2302.06675, Algorithm 2).
 *
 * Update rule:
 * ```
 * c = β₁ m + (1 − β₁) g
 * θ ← θ − η (sign(c) + λ θ)                  (decoupled weight decay, scaled by η)
 * m ← β₂ m + (1 − β₂) g
 * ```
 * PyTorch has no Lion; this matches the paper and lucidrains/lion-pytorch (sign(0) = 0).
 * Every coordinate moves by ±η, so Lion wants an lr 3–10× smaller than AdamW's and a
 * correspondingly larger λ.
 *
 * Defaults (the paper and lion-pytorch): lr 1e-4, betas [0.9, 0.99], weightDecay 0.
 *
 * @module
 */
import type { TypedArray } from '@descent/tensor';
import { adamRules } from './adam.js';
import { chain, chainPlugin, decoupledWeightDecay, scaleByLr, zeroBuffer, type ChainState, type Transform } from './transforms.js';
import type { OptimizerOptions, OptimizerPlugin } from './types.js';

/** Options of {@link lion}.
 * @example
 * ```ts
 * const o: LionOptions = { lr: 1e-4, betas: [0.9, 0.99], weightDecay: 0 };
 * ```
 */
export interface LionOptions extends OptimizerOptions {
  /** Coefficients [β₁, β₂]: interpolation for the sign direction and momentum decay, each in [0, 1); default [0.9, 0.99]. */
  betas: [number, number];
  /** Decoupled weight decay λ, scaled by η (θ ← θ − ηλθ); default 0. */
  weightDecay: number;
}

/** State of {@link scaleByLion}: the momentum m.
 * @example
 * ```ts
 * const s: LionState = { m: [new Float32Array(3)] };
 * ```
 */
export interface LionState {
  /** Momentum m (EMA of g with β₂), one per parameter. */ m: TypedArray[] }

/** Lion's sign direction (before −η).
 * @example
 * ```ts
 * chain(scaleByLion({ beta1: 0.9, beta2: 0.99 }), scaleByLr(), decoupledWeightDecay(0.1));
 * ```
 */
export function scaleByLion(o: { beta1: number; beta2: number }): Transform<LionState> {
  const { beta1, beta2 } = o;
  return {
    key: 'lion',
    fusable: true,
    init: (params) => ({ m: params.map(zeroBuffer) }),
    apply(src, dst, state, params, ctx, epilogue) {
      const scale = epilogue?.scale ?? 1, decay = epilogue?.decay ?? 0;
      const a1 = 1 - beta1, a2 = 1 - beta2;
      for (let j = 0; j < dst.length; j++) {
        const s = src[j]!, d = dst[j]!, m = state.m[j]!;
        const pd = decay !== 0 ? params[j]!.buffer() : null;
        for (let i = 0; i < d.length; i++) {
          const g = s[i]!;
          const c = beta1 * m[i]! + a1 * g;
          const out = c > 0 ? 1 : c < 0 ? -1 : 0;
          d[i] = pd === null ? scale * out : scale * out + decay * pd[i]!;
          m[i] = beta2 * m[i]! + a2 * g;
        }
      }
      return state;
    },
  };
}

/** Lion, registered as `lion`.
 * @example
 * ```ts
 * createOptimizer('lion', params, { lr: 1e-4, weightDecay: 1.0 });
 * ```
 */
export const lion: OptimizerPlugin<LionOptions, ChainState> = {
  name: 'lion',
  description: 'Lion: sign of an interpolated momentum, with decoupled weight decay',
  momentum: { option: 'betas', index: 0 },
  defaults: { lr: 1e-4, betas: [0.9, 0.99], weightDecay: 0 },
  rules: { lr: adamRules.lr, betas: adamRules.betas, weightDecay: adamRules.weightDecay },
  ...chainPlugin((o: LionOptions) =>
    chain(scaleByLion({ beta1: o.betas[0], beta2: o.betas[1] }), scaleByLr(), decoupledWeightDecay(o.weightDecay))),
};
