/**
 * Adam (Kingma & Ba, ICLR 2015, https://arxiv.org/abs/1412.6980) and AMSGrad (Reddi, Kale &
 * Kumar, ICLR 2018), `torch.optim.Adam`.
 *
 * Update rule (t = 1 at the first step):
 * ```
 * g ← g + λθ                                  (L2 in the gradient; for decoupled decay use adamw)
 * m ← β₁ m + (1 − β₁) g
 * v ← β₂ v + (1 − β₂) g²
 * AMSGrad: v̂ ← max(v̂, v)   (on the raw v, as PyTorch and Keras do), and v̂ replaces v below
 * θ ← θ − (η / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)
 * ```
 * PyTorch convention: the bias corrections are folded into the step and ε is added to
 * √v̂ = √v/√(1−β₂ᵗ) (Keras/TF add ε to the uncorrected √v: "epsilon hat"). ε = 1e-8 explicitly,
 * not a backend epsilon as in TF.js.
 *
 * Defaults: lr 1e-3, betas [0.9, 0.999], eps 1e-8, weightDecay 0, amsgrad false.
 * Alias: `amsgrad` (amsgrad true).
 *
 * @module
 */
import { optimizerRules } from './define.js';
import { addL2ToGrad, chain, chainPlugin, scaleByAdam, scaleByLr, type ChainState } from './transforms.js';
import type { OptimizerOptions, OptimizerPlugin } from './types.js';

/** Options of {@link adam} and {@link adamw}.
 * @example
 * ```ts
 * const o: AdamOptions = { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false };
 * ```
 */
export interface AdamOptions extends OptimizerOptions {
  /** Decay rates [β₁, β₂] of the first and second moments, each in [0, 1); default [0.9, 0.999]. */
  betas: [number, number];
  /** ε added to the bias-corrected √v̂ in the denominator; default 1e-8. */
  eps: number;
  /** Weight decay λ: L2 in the gradient for `adam`, decoupled for `adamw`; default 0 (adamw: 1e-2). */
  weightDecay: number;
  /** Use AMSGrad (the running max of v in the denominator); default false. */
  amsgrad: boolean;
}

/** Option rules shared by the Adam family.
 * @example
 * ```ts
 * adamRules.betas([0.9, 1], {}); // 'must be a pair [beta1, beta2] with each in [0, 1)'
 * ```
 */
export const adamRules = {
  /** The learning rate must be a finite number ≥ 0. */
  lr: optimizerRules.lr,
  /** A pair [β₁, β₂] with each in [0, 1). */
  betas: optimizerRules.betas,
  /** ε must be a finite number > 0. */
  eps: optimizerRules.eps,
  /** Weight decay must be a finite number ≥ 0. */
  weightDecay: optimizerRules.weightDecay,
};

/** Adam, registered as `adam` (`amsgrad: true` is AMSGrad).
 * @example
 * ```ts
 * const opt = createOptimizer('adam', model.parameters(), { lr: 3e-4 });
 * ```
 */
export const adam: OptimizerPlugin<AdamOptions, ChainState> = {
  name: 'adam',
  description: 'Adam: bias-corrected first and second moments (amsgrad: running max of v)',
  momentum: { option: 'betas', index: 0 },
  defaults: { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false },
  rules: adamRules,
  ...chainPlugin((o: AdamOptions) =>
    chain(
      addL2ToGrad(o.weightDecay),
      scaleByAdam({ beta1: o.betas[0], beta2: o.betas[1], eps: o.eps, amsgrad: o.amsgrad }),
      scaleByLr(),
    )),
};

/** AMSGrad: Adam with `amsgrad: true` by default, registered as `amsgrad`.
 * @example
 * ```ts
 * createOptimizer('amsgrad', params, { lr: 0.01 });
 * ```
 */
export const amsgrad: OptimizerPlugin<AdamOptions, ChainState> = {
  ...adam,
  name: 'amsgrad',
  description: 'AMSGrad: Adam with the running maximum of v',
  defaults: { ...adam.defaults, amsgrad: true },
};
