/**
 * SGDW: SGD with momentum and decoupled weight decay (Loshchilov & Hutter, "Decoupled Weight
 * Decay Regularization", ICLR 2019, https://arxiv.org/abs/1711.05101).
 *
 * Update rule (t = 1 at the first step):
 * ```
 * m₁ = g ;  m ← μ m + (1 − τ) g          (Nesterov: direction g + μ m)
 * θ ← θ − η m − η λ θ                    (λθ uses θ before the step)
 * ```
 * PyTorch has no SGDW. This is the formula in golden/FORMAT.md: weight decay scaled by the
 * current lr (η_t λ, like AdamW), unlike torch-optimizer's SGDW, which subtracts the scalar
 * η λ from every weight (jettify/pytorch-optimizer#454).
 *
 * Defaults: lr 1e-3, momentum 0, dampening 0, nesterov false, weightDecay 0.
 *
 * @module
 */
import { optimizerRules } from './define.js';
import { nesterovCheck, type SgdOptions } from './sgd.js';
import { chain, chainPlugin, decoupledWeightDecay, scaleByLr, trace, type ChainState } from './transforms.js';
import type { OptimizerPlugin } from './types.js';

/** SGD with momentum and decoupled weight decay, registered as `sgdw`.
 * @example
 * ```ts
 * createOptimizer('sgdw', params, { lr: 0.02, momentum: 0.9, weightDecay: 0.05 });
 * ```
 */
export const sgdw: OptimizerPlugin<SgdOptions, ChainState> = {
  name: 'sgdw',
  description: 'SGD with momentum and decoupled weight decay θ ← θ − ηm − ηλθ',
  momentum: { option: 'momentum' },
  defaults: { lr: 1e-3, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0 },
  rules: {
    lr: optimizerRules.lr,
    momentum: optimizerRules.momentum,
    dampening: optimizerRules.dampening,
    weightDecay: optimizerRules.weightDecay,
  },
  resolve: nesterovCheck('sgdw'),
  ...chainPlugin((o: SgdOptions) =>
    chain(trace({ momentum: o.momentum, dampening: o.dampening, nesterov: o.nesterov }), scaleByLr(), decoupledWeightDecay(o.weightDecay))),
};
