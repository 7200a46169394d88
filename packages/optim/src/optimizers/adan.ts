/**
 * Adan (Xie, Zhou, Li, Lin & Yan, "Adan: Adaptive Nesterov Momentum Algorithm for Faster
 * Optimizing Deep Models", TPAMI 2024, https://arxiv.org/abs/2208.06677).
 *
 * Update rule (t = 1 at the first step, g₀ = g₁ so the first difference is 0):
 * ```
 * m ← β₁ m + (1 − β₁) g
 * v ← β₂ v + (1 − β₂)(g − g₋₁)
 * n ← β₃ n + (1 − β₃)(g + β₂(g − g₋₁))²
 * D = √n / √(1 − β₃ᵗ) + ε
 * θ ← θ − η/(1 − β₁ᵗ) · m/D − η β₂/(1 − β₂ᵗ) · v/D
 * θ ← θ / (1 + ηλ)                        (proximal decay; noProx: θ(1 − ηλ) before the step)
 * ```
 * PyTorch has no Adan. This ports the authors' sail-sg/Adan `adan.py` (single-tensor path); its
 * β names follow the code (β₁ for m, β₂ for the difference, β₃ for n; the paper writes 1 − β).
 * The code's `max_grad_norm` clipping is left to the trainer's gradient transforms
 * (`{ name: 'clipGradNorm' }`).
 *
 * Defaults (the authors' code): lr 1e-3, betas [0.98, 0.92, 0.99], eps 1e-8, weightDecay 0, noProx false.
 *
 * @module
 */
import type { TypedArray } from '@descent/tensor';
import { optimizerRules } from './define.js';
import { updatesFromNewParams } from './numeric.js';
import { zeroBuffer } from './transforms.js';
import type { OptimizerOptions, OptimizerPlugin } from './types.js';

/** Options of {@link adan}.
 * @example
 * ```ts
 * const o: AdanOptions = { lr: 1e-3, betas: [0.98, 0.92, 0.99], eps: 1e-8, weightDecay: 0.02, noProx: false };
 * ```
 */
export interface AdanOptions extends OptimizerOptions {
  /** [β₁, β₂, β₃] for m, the gradient difference and n, each in [0, 1); default [0.98, 0.92, 0.99]. */
  betas: [number, number, number];
  /** ε added to the denominator; default 1e-8. */
  eps: number;
  /** Weight decay λ; default 0. */
  weightDecay: number;
  /** Decay as θ(1 − ηλ) before the step instead of the proximal θ/(1 + ηλ) after it; default false. */
  noProx: boolean;
}

/** State of {@link adan}.
 * @example
 * ```ts
 * const s: AdanState = { m: [new Float64Array(2)], v: [new Float64Array(2)], n: [new Float64Array(2)], prevGrad: [new Float64Array(2)] };
 * ```
 */
export interface AdanState {
  /** m: EMA of g. */ m: TypedArray[];
  /** v: EMA of the gradient difference g − g₋₁. */ v: TypedArray[];
  /** n: EMA of (g + β₂(g − g₋₁))². */ n: TypedArray[];
  /** g₋₁: the previous step's gradient. */ prevGrad: TypedArray[];
}

const betas3 = (v: unknown) =>
  Array.isArray(v) && v.length === 3 && v.every((b) => typeof b === 'number' && b >= 0 && b < 1) ? null : 'must be [beta1, beta2, beta3] with each in [0, 1)';

/** Adan, registered as `adan`.
 * @example
 * ```ts
 * createOptimizer('adan', params, { lr: 1e-3, weightDecay: 0.02 });
 * ```
 */
export const adan: OptimizerPlugin<AdanOptions, AdanState> = {
  name: 'adan',
  description: 'Adan: adaptive Nesterov momentum with a gradient-difference moment',
  defaults: { lr: 1e-3, betas: [0.98, 0.92, 0.99], eps: 1e-8, weightDecay: 0, noProx: false },
  rules: { lr: optimizerRules.lr, betas: betas3, eps: optimizerRules.eps, weightDecay: optimizerRules.weightDecay },
  init: (params) => ({ m: params.map(zeroBuffer), v: params.map(zeroBuffer), n: params.map(zeroBuffer), prevGrad: params.map(zeroBuffer) }),
  update(grads, state, params, ctx) {
    const { betas: [beta1, beta2, beta3], eps, weightDecay, noProx } = ctx.options;
    const lr = ctx.lr, t = ctx.step;
    const bc1 = 1 - beta1 ** t, bc2 = 1 - beta2 ** t, bc3Sqrt = Math.sqrt(1 - beta3 ** t);
    const stepSize = lr / bc1, stepSizeDiff = (lr * beta2) / bc2;
    const updates = updatesFromNewParams(params, (j, th) => {
      const g = grads[j]!, m = state.m[j]!, v = state.v[j]!, n = state.n[j]!, prev = state.prevGrad[j]!;
      for (let i = 0; i < th.length; i++) {
        const gi = g[i]!;
        const diff = gi + -(t === 1 ? gi : prev[i]!);
        m[i] = m[i]! * beta1 + (1 - beta1) * gi;
        v[i] = v[i]! * beta2 + (1 - beta2) * diff;
        const c = diff * beta2 + gi;
        n[i] = n[i]! * beta3 + (1 - beta3) * c * c;
        const denom = Math.sqrt(n[i]!) / bc3Sqrt + eps;
        if (noProx) th[i] = th[i]! * (1 - lr * weightDecay);
        th[i] = th[i]! + -stepSize * (m[i]! / denom);
        th[i] = th[i]! + -stepSizeDiff * (v[i]! / denom);
        if (!noProx) th[i] = th[i]! / (1 + lr * weightDecay);
        prev[i] = gi;
      }
    });
    return { updates, state };
  },
};
