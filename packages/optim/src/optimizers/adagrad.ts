/**
 * Adagrad (Duchi, Hazan & Singer, JMLR 2011), `torch.optim.Adagrad`.
 *
 * Update rule (t = 1 at the first step):
 * ```
 * g ← g + λθ
 * η_t = η / (1 + (t − 1)·lrDecay)
 * G ← G + g²                        (G₀ = initialAccumulatorValue)
 * θ ← θ − η_t · g / (√G + ε)
 * ```
 * PyTorch convention: ε outside the square root and 1e-10 by default; G₀ = 0. TF.js uses
 * `√(G + ε)` and G₀ = 0.1, so its iterates differ.
 *
 * Defaults: lr 1e-2, lrDecay 0, weightDecay 0, initialAccumulatorValue 0, eps 1e-10.
 *
 * @module
 */
import { rules } from '../options.js';
import { optimizerRules } from './define.js';
import { addL2ToGrad, chain, chainPlugin, scaleByAdagrad, scaleByLr, type ChainState } from './transforms.js';
import type { OptimizerOptions, OptimizerPlugin } from './types.js';

/** Options of {@link adagrad}.
 * @example
 * ```ts
 * const o: AdagradOptions = { lr: 0.01, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10 };
 * ```
 */
export interface AdagradOptions extends OptimizerOptions {
  /** Learning-rate decay: η_t = η / (1 + (t − 1)·lrDecay); default 0. */
  lrDecay: number;
  /** L2 penalty λ added to the gradient (`g ← g + λθ`); default 0. */
  weightDecay: number;
  /** Starting value G₀ of the sum of squared gradients; default 0. */
  initialAccumulatorValue: number;
  /** ε added to √G in the denominator (outside the root); default 1e-10. */
  eps: number;
}

/** Adagrad, registered as `adagrad`.
 * @example
 * ```ts
 * createOptimizer('adagrad', params, { lr: 0.1 });
 * ```
 */
export const adagrad: OptimizerPlugin<AdagradOptions, ChainState> = {
  name: 'adagrad',
  description: 'Adagrad: per-coordinate step η/(√ΣG² + ε)',
  defaults: { lr: 1e-2, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10 },
  rules: {
    lr: optimizerRules.lr,
    lrDecay: rules.nonNegative,
    weightDecay: optimizerRules.weightDecay,
    initialAccumulatorValue: rules.nonNegative,
    eps: optimizerRules.eps,
  },
  ...chainPlugin((o: AdagradOptions) =>
    chain(
      addL2ToGrad(o.weightDecay),
      scaleByAdagrad({ eps: o.eps, initialAccumulatorValue: o.initialAccumulatorValue }),
      scaleByLr(o.lrDecay === 0 ? undefined : (lr, t) => lr / (1 + (t - 1) * o.lrDecay)),
    )),
};
