/**
 * Adamax: Adam with the infinity norm (Kingma & Ba, ICLR 2015, section 7.1,
 * https://arxiv.org/abs/1412.6980), `torch.optim.Adamax`.
 *
 * Update rule (t = 1 at the first step):
 * ```
 * g ← g + λθ
 * m ← β₁ m + (1 − β₁) g
 * u ← max(β₂ u, |g| + ε)
 * θ ← θ − (η / (1 − β₁ᵗ)) · m / u
 * ```
 * PyTorch convention: ε is added to |g| inside the max (the paper has no ε).
 *
 * Defaults: lr 2e-3, betas [0.9, 0.999], eps 1e-8, weightDecay 0.
 *
 * @module
 */
import type { TypedArray } from '@descent/tensor';
import { adamRules } from './adam.js';
import { addL2ToGrad, chain, chainPlugin, scaleByLr, zeroBuffer, type ChainState, type Transform } from './transforms.js';
import type { OptimizerOptions, OptimizerPlugin } from './types.js';

/** Options of {@link adamax}.
 * @example
 * ```ts
 * const o: AdamaxOptions = { lr: 2e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0 };
 * ```
 */
export interface AdamaxOptions extends OptimizerOptions {
  /** Decay rates [β₁, β₂] of the first moment and of the infinity norm, each in [0, 1); default [0.9, 0.999]. */
  betas: [number, number];
  /** ε added to |g| inside the max; default 1e-8. */
  eps: number;
  /** L2 penalty λ added to the gradient (`g ← g + λθ`); default 0. */
  weightDecay: number;
}

/** State of {@link scaleByAdamax}: first moment and exponentially weighted infinity norm.
 * @example
 * ```ts
 * const s: AdamaxState = { m: [new Float64Array(2)], u: [new Float64Array(2)] };
 * ```
 */
export interface AdamaxState {
  /** First moment m (EMA of g), one per parameter. */ m: TypedArray[];
  /** Exponentially weighted infinity norm u = max(β₂u, |g| + ε), one per parameter. */ u: TypedArray[] }

/** Adamax's direction (before −η).
 * @example
 * ```ts
 * chain(scaleByAdamax({ beta1: 0.9, beta2: 0.999, eps: 1e-8 }), scaleByLr());
 * ```
 */
export function scaleByAdamax(o: { beta1: number; beta2: number; eps: number }): Transform<AdamaxState> {
  const { beta1, beta2, eps } = o;
  return {
    key: 'adamax',
    fusable: true,
    init: (params) => ({ m: params.map(zeroBuffer), u: params.map(zeroBuffer) }),
    apply(src, dst, state, params, ctx, epilogue) {
      const scale = epilogue?.scale ?? 1, decay = epilogue?.decay ?? 0;
      const bc1 = 1 - beta1 ** ctx.step;
      const a1 = 1 - beta1;
      for (let j = 0; j < dst.length; j++) {
        const s = src[j]!, d = dst[j]!, m = state.m[j]!, u = state.u[j]!;
        const pd = decay !== 0 ? params[j]!.buffer() : null;
        for (let i = 0; i < d.length; i++) {
          const g = s[i]!;
          m[i] = beta1 * m[i]! + a1 * g;
          const a = beta2 * u[i]!, b = Math.abs(g) + eps;
          u[i] = a > b ? a : b;
          const out = m[i]! / u[i]! / bc1;
          d[i] = pd === null ? scale * out : scale * out + decay * pd[i]!;
        }
      }
      return state;
    },
  };
}

/** Adamax, registered as `adamax`.
 * @example
 * ```ts
 * createOptimizer('adamax', params, { lr: 2e-3 });
 * ```
 */
export const adamax: OptimizerPlugin<AdamaxOptions, ChainState> = {
  name: 'adamax',
  description: 'Adamax: Adam with an infinity-norm second moment',
  momentum: { option: 'betas', index: 0 },
  defaults: { lr: 2e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0 },
  rules: adamRules,
  ...chainPlugin((o: AdamaxOptions) =>
    chain(addL2ToGrad(o.weightDecay), scaleByAdamax({ beta1: o.betas[0], beta2: o.betas[1], eps: o.eps }), scaleByLr())),
};
