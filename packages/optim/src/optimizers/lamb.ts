/**
 * LAMB: layer-wise adaptive moments (You et al., "Large Batch Optimization for Deep Learning:
 * Training BERT in 76 minutes", ICLR 2020, https://arxiv.org/abs/1904.00962, Algorithm 2).
 *
 * Update rule (t = 1 at the first step; per parameter tensor θ, i.e. per layer):
 * ```
 * m ← β₁ m + (1 − β₁) g ;  v ← β₂ v + (1 − β₂) g²
 * m̂ = m / (1 − β₁ᵗ) ;  v̂ = v / (1 − β₂ᵗ)
 * r = m̂ / (√v̂ + ε) + λ θ
 * θ ← θ − η · (‖θ‖ / ‖r‖) · r                 (ratio 1 when ‖θ‖ or ‖r‖ is 0; φ = identity)
 * ```
 * PyTorch has no LAMB. This is the paper's Algorithm 2 with φ(z) = z, as in Optax `lamb`;
 * torch-optimizer's `Lamb` differs: no bias correction by default and ‖θ‖ clamped to 10.
 *
 * Defaults (the paper / Optax): lr 1e-3, betas [0.9, 0.999], eps 1e-6, weightDecay 0.
 *
 * @module
 */
import { adamRules } from './adam.js';
import { addDecayedWeights, chain, chainPlugin, scaleByAdam, scaleByLr, scaleByTrustRatio, type ChainState } from './transforms.js';
import type { OptimizerOptions, OptimizerPlugin } from './types.js';

/** Options of {@link lamb}.
 * @example
 * ```ts
 * const o: LambOptions = { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-6, weightDecay: 0.01 };
 * ```
 */
export interface LambOptions extends OptimizerOptions {
  /** Decay rates [β₁, β₂] of the first and second moments, each in [0, 1); default [0.9, 0.999]. */
  betas: [number, number];
  /** ε added to √v̂ in the denominator; default 1e-6. */
  eps: number;
  /** Weight decay λ added to the direction before the trust ratio (r = m̂/(√v̂ + ε) + λθ); default 0. */
  weightDecay: number;
}

/** LAMB, registered as `lamb`.
 * @example
 * ```ts
 * createOptimizer('lamb', params, { lr: 1e-3, weightDecay: 0.01 });
 * ```
 */
export const lamb: OptimizerPlugin<LambOptions, ChainState> = {
  name: 'lamb',
  description: 'LAMB: Adam direction plus weight decay, scaled per layer by the trust ratio ‖θ‖/‖r‖',
  momentum: { option: 'betas', index: 0 },
  defaults: { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-6, weightDecay: 0 },
  rules: adamRules,
  ...chainPlugin((o: LambOptions) =>
    chain(
      scaleByAdam({ beta1: o.betas[0], beta2: o.betas[1], eps: o.eps }),
      addDecayedWeights(o.weightDecay),
      scaleByTrustRatio(),
      scaleByLr(),
    )),
};
