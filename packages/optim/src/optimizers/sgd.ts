/**
 * SGD, with heavy-ball or Nesterov momentum and L2 weight decay (`torch.optim.SGD`).
 *
 * Update rule (lecture notation; t = 1 at the first step):
 * ```
 * g ← g + λθ                                   (weightDecay λ, L2 in the gradient)
 * plain:     θ ← θ − η g
 * momentum:  m₁ = g₁ ;  m ← μ m + (1 − τ) g     (momentum μ, dampening τ)
 *            θ ← θ − η m                        (heavy ball)
 *            θ ← θ − η (g + μ m)                (Nesterov)
 * ```
 * PyTorch convention: η stays outside the buffer and the first buffer is `g` (no dampening).
 * The lecture's SGDM `v ← μ v − η g, θ ← θ + v` gives the same iterates as PyTorch's buffer
 * (v = −η m) only while η is constant; after an lr change PyTorch's step scales the whole
 * buffer by the new η at once. Nesterov follows Sutskever et al. in PyTorch's reformulation
 * (the gradient is taken at θ, not at the look-ahead point).
 *
 * Defaults: lr 1e-3, momentum 0, dampening 0, nesterov false, weightDecay 0 (PyTorch ≥ 2.0).
 * Aliases: `sgdm` (momentum 0.9) and `nag` (momentum 0.9, nesterov).
 *
 * @module
 */
import { ValueError } from '@descent/tensor';
import { optimizerRules } from './define.js';
import { addL2ToGrad, chain, chainPlugin, scaleByLr, trace, type ChainState } from './transforms.js';
import type { OptimizerOptions, OptimizerPlugin } from './types.js';

/** Options of {@link sgd}.
 * @example
 * ```ts
 * const o: SgdOptions = { lr: 0.1, momentum: 0.9, dampening: 0, nesterov: true, weightDecay: 1e-4 };
 * ```
 */
export interface SgdOptions extends OptimizerOptions {
  /** Momentum factor μ in [0, 1); 0 (default) is plain SGD. */
  momentum: number;
  /** Dampening τ of the gradient added to the momentum buffer; default 0. */
  dampening: number;
  /** Use Nesterov momentum (needs momentum > 0 and dampening 0); default false. */
  nesterov: boolean;
  /** L2 penalty λ added to the gradient (`g ← g + λθ`); default 0. */
  weightDecay: number;
}

/** The `resolve` hook shared by SGD and SGDW: Nesterov needs momentum > 0 and no dampening.
 * @example
 * ```ts
 * nesterovCheck('sgd')({ ...sgd.defaults, nesterov: true }); // ValueError: sgd: option 'nesterov' requires momentum > 0 …
 * ```
 */
export function nesterovCheck(name: string): (o: SgdOptions) => SgdOptions {
  return (o) => {
    if (o.nesterov && (o.momentum <= 0 || o.dampening !== 0)) {
      throw new ValueError(`${name}: option 'nesterov' requires momentum > 0 and dampening = 0, but got momentum ${o.momentum} and dampening ${o.dampening}`);
    }
    return o;
  };
}

const sgdRules = {
  lr: optimizerRules.lr,
  momentum: optimizerRules.momentum,
  dampening: optimizerRules.dampening,
  weightDecay: optimizerRules.weightDecay,
};

const sgdChain = chainPlugin((o: SgdOptions) =>
  chain(addL2ToGrad(o.weightDecay), trace({ momentum: o.momentum, dampening: o.dampening, nesterov: o.nesterov }), scaleByLr()));

/** Stochastic gradient descent (`torch.optim.SGD`), registered as `sgd`.
 * @example
 * ```ts
 * const opt = createOptimizer('sgd', model.parameters(), { lr: 0.1, momentum: 0.9 });
 * ```
 */
export const sgd: OptimizerPlugin<SgdOptions, ChainState> = {
  name: 'sgd',
  description: 'SGD with optional momentum (heavy ball or Nesterov), dampening and L2 weight decay',
  momentum: { option: 'momentum' },
  defaults: { lr: 1e-3, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0 },
  rules: sgdRules,
  resolve: nesterovCheck('sgd'),
  ...sgdChain,
};

/** SGD with momentum 0.9 by default, registered as `sgdm`.
 * @example
 * ```ts
 * createOptimizer('sgdm', params, { lr: 0.01 });
 * ```
 */
export const sgdm: OptimizerPlugin<SgdOptions, ChainState> = {
  ...sgd,
  name: 'sgdm',
  description: 'SGD with momentum (default 0.9)',
  defaults: { ...sgd.defaults, momentum: 0.9 },
  resolve: nesterovCheck('sgdm'),
};

/** Nesterov accelerated gradient: SGD with momentum 0.9 and `nesterov: true`, registered as `nag`.
 * @example
 * ```ts
 * createOptimizer('nag', params, { lr: 0.01 });
 * ```
 */
export const nag: OptimizerPlugin<SgdOptions, ChainState> = {
  ...sgd,
  name: 'nag',
  description: 'Nesterov accelerated gradient (SGD, momentum 0.9, nesterov)',
  defaults: { ...sgd.defaults, momentum: 0.9, nesterov: true },
  resolve: nesterovCheck('nag'),
};
