/**
 * AdaBelief (Zhuang et al., NeurIPS 2020, https://arxiv.org/abs/2010.07468) as a descent optimizer
 * plugin, in the form of the authors' reference code (adabelief-pytorch 0.2.0 with
 * `rectify=False`, `weight_decouple=False`, `weight_decay=0`):
 * ```
 * m ← β₁ m + (1 − β₁) g
 * s ← β₂ s + (1 − β₂) (g − m)² + ε
 * θ ← θ − (η / (1 − β₁ᵗ)) · m / (√s / √(1 − β₂ᵗ) + ε)
 * ```
 * Written with `elementwiseOptimizer`: the statements compile once to one fused loop per dtype
 * (WebAssembly SIMD for float32), as fast as the built-in Adam.
 * @module
 */
import { elementwiseOptimizer, optimizerRules, type OptimizerOptions } from '@descent/optim';

/** Options of {@link adaBelief}.
 * @example
 * ```ts
 * const o: AdaBeliefOptions = { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-16 };
 * ```
 */
export interface AdaBeliefOptions extends OptimizerOptions {
  /** [β₁, β₂], each in [0, 1); default [0.9, 0.999]. */
  betas: [number, number];
  /** ε, added inside s and to the denominator; default 1e-16 (the authors'). */
  eps: number;
}

/** AdaBelief, registry name `adabelief`.
 * @example
 * ```ts
 * registerOptimizer(adaBelief);
 * ```
 */
export const adaBelief = elementwiseOptimizer<AdaBeliefOptions>({
  name: 'adabelief',
  description: 'AdaBelief: Adam with the belief (g − m)² in place of g²',
  defaults: { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-16 },
  rules: { lr: optimizerRules.lr, betas: optimizerRules.betas, eps: optimizerRules.eps },
  momentum: { option: 'betas', index: 0 },
  state: { m: 0, s: 0 },
  scalars: ({ lr, step, options: { betas: [b1, b2], eps } }) => ({
    b1, a1: 1 - b1, b2, a2: 1 - b2, bc1: 1 - b1 ** step, bc2sqrt: Math.sqrt(1 - b2 ** step), eps, scale: -lr,
  }),
  step: `
    m = b1 * m + a1 * g
    d = g - m
    s = b2 * s + a2 * d * d + eps
    u = scale * (m / bc1 / (sqrt(s) / bc2sqrt + eps))
  `,
});
