/**
 * RMSprop (Hinton, Coursera lecture 6e, 2012), `torch.optim.RMSprop`.
 *
 * Update rule (t = 1 at the first step):
 * ```
 * g ← g + λθ
 * v ← β v + (1 − β) g²                  (β = alpha; v₀ = 0)
 * centered:  ḡ ← β ḡ + (1 − β) g ;  s = √(v − ḡ²) + ε      else  s = √v + ε
 * momentum:  b ← μ b + g / s ;  θ ← θ − η b                 else  θ ← θ − η g / s
 * ```
 * PyTorch convention: ε outside the square root (TF/TF.js put it inside), no bias correction,
 * all buffers start at 0. The lecture starts `v₁ = g₀²` instead; `initFromGrad: true` does that
 * (and starts ḡ at g₀ when centered).
 *
 * Defaults: lr 1e-2, alpha 0.99, eps 1e-8, weightDecay 0, momentum 0, centered false,
 * initFromGrad false.
 *
 * @module
 */
import { rules } from '../options.js';
import { optimizerRules } from './define.js';
import { addL2ToGrad, chain, chainPlugin, scaleByLr, scaleByRms, trace, type ChainState } from './transforms.js';
import type { OptimizerOptions, OptimizerPlugin } from './types.js';

/** Options of {@link rmsprop}.
 * @example
 * ```ts
 * const o: RmspropOptions = { lr: 0.01, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false, initFromGrad: false };
 * ```
 */
export interface RmspropOptions extends OptimizerOptions {
  /** Decay β of the running mean of g², in [0, 1]; default 0.99. */
  alpha: number;
  /** ε added to √v in the denominator (outside the root); default 1e-8. */
  eps: number;
  /** L2 penalty λ added to the gradient (`g ← g + λθ`); default 0. */
  weightDecay: number;
  /** Momentum μ applied to the scaled step; default 0 (none). */
  momentum: number;
  /** Divide by √(v − ḡ²), an estimate of the gradient's variance, instead of √v; default false. */
  centered: boolean;
  /** Start v at g₀² (the lecture's convention) instead of 0 (PyTorch's). */
  initFromGrad: boolean;
}

/** RMSprop, registered as `rmsprop`.
 * @example
 * ```ts
 * createOptimizer('rmsprop', params, { lr: 1e-3, centered: true });
 * ```
 */
export const rmsprop: OptimizerPlugin<RmspropOptions, ChainState> = {
  name: 'rmsprop',
  description: 'RMSprop: divide by a running RMS of the gradient (optionally centered, with momentum)',
  momentum: { option: 'momentum' },
  defaults: { lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false, initFromGrad: false },
  rules: {
    lr: optimizerRules.lr,
    alpha: rules.inRange(0, 1, true),
    eps: optimizerRules.eps,
    weightDecay: optimizerRules.weightDecay,
    momentum: optimizerRules.momentum,
  },
  ...chainPlugin((o: RmspropOptions) =>
    chain(
      addL2ToGrad(o.weightDecay),
      scaleByRms({ alpha: o.alpha, eps: o.eps, centered: o.centered, initFromGrad: o.initFromGrad }),
      // NOTE: PyTorch's buffer starts at 0, so b₁ = μ·0 + g/s = g/s, which is what trace() stores at t = 1.
      trace({ momentum: o.momentum }),
      scaleByLr(),
    )),
};
