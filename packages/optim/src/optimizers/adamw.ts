/**
 * AdamW: Adam with decoupled weight decay (Loshchilov & Hutter, ICLR 2019,
 * https://arxiv.org/abs/1711.05101), `torch.optim.AdamW`.
 *
 * Update rule (t = 1 at the first step):
 * ```
 * θ ← θ (1 − η λ)                       (first, with the current lr η)
 * m ← β₁ m + (1 − β₁) g ;  v ← β₂ v + (1 − β₂) g²       (no λθ in g)
 * θ ← θ − (η / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)  (AMSGrad as in adam)
 * ```
 * PyTorch convention: the decay is multiplied by the current lr η (so a scheduler scales it too),
 * as in Keras and fastai; the paper multiplies λ by the schedule multiplier, not by η.
 *
 * Defaults: lr 1e-3, betas [0.9, 0.999], eps 1e-8, weightDecay 0.01, amsgrad false.
 *
 * @module
 */
import { adamRules, type AdamOptions } from './adam.js';
import { chain, chainPlugin, decoupledWeightDecay, scaleByAdam, scaleByLr, type ChainState } from './transforms.js';
import type { OptimizerPlugin } from './types.js';

/** AdamW, registered as `adamw`.
 * @example
 * ```ts
 * createOptimizer('adamw', params, { lr: 1e-3, weightDecay: 0.05 });
 * ```
 */
export const adamw: OptimizerPlugin<AdamOptions, ChainState> = {
  name: 'adamw',
  description: 'AdamW: Adam with decoupled weight decay θ ← θ(1 − ηλ)',
  momentum: { option: 'betas', index: 0 },
  defaults: { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0.01, amsgrad: false },
  rules: adamRules,
  ...chainPlugin((o: AdamOptions) =>
    chain(
      scaleByAdam({ beta1: o.betas[0], beta2: o.betas[1], eps: o.eps, amsgrad: o.amsgrad }),
      scaleByLr(),
      decoupledWeightDecay(o.weightDecay),
    )),
};
