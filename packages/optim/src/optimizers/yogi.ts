/**
 * Yogi (Zaheer, Reddi, Sachan, Kale & Kumar, "Adaptive Methods for Nonconvex Optimization",
 * NeurIPS 2018): Adam with an additive second-moment update that cannot grow v too fast.
 *
 * Update rule (t = 1 at the first step):
 * ```
 * m ← β₁ m + (1 − β₁) g
 * v ← v − (1 − β₂) sign(v − g²) g²
 * θ ← θ − η · (m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε)
 * ```
 * m and v start at `initialAccumulatorValue` (1e-6), not 0. PyTorch has no Yogi and the authors
 * published no code; this follows Optax `optax.yogi` (`scale_by_yogi`, eps_root 0), whose
 * defaults it takes (ε = 1e-3, much larger than Adam's). torch-optimizer's Yogi differs: it adds
 * ε inside a bias correction of its own and starts m at 0.
 *
 * Defaults: lr 1e-2 (the paper), betas [0.9, 0.999], eps 1e-3, initialAccumulatorValue 1e-6.
 *
 * @module
 */
import type { TypedArray } from '@descent/tensor';
import { rules } from '../options.js';
import { optimizerRules } from './define.js';
import { chain, chainPlugin, scaleByLr, zeroBuffer, type ChainState, type Transform } from './transforms.js';
import type { OptimizerOptions, OptimizerPlugin } from './types.js';

/** Options of {@link yogi}.
 * @example
 * ```ts
 * const o: YogiOptions = { lr: 1e-2, betas: [0.9, 0.999], eps: 1e-3, initialAccumulatorValue: 1e-6 };
 * ```
 */
export interface YogiOptions extends OptimizerOptions {
  /** [β₁, β₂], each in [0, 1); default [0.9, 0.999]. */
  betas: [number, number];
  /** ε added to √v̂; default 1e-3. */
  eps: number;
  /** Starting value of m and v; default 1e-6. */
  initialAccumulatorValue: number;
}

/** State of {@link scaleByYogi}.
 * @example
 * ```ts
 * const s: YogiState = { mu: [new Float64Array(2).fill(1e-6)], nu: [new Float64Array(2).fill(1e-6)] };
 * ```
 */
export interface YogiState {
  /** m: first moment, one per parameter. */ mu: TypedArray[];
  /** v: Yogi's second moment, one per parameter. */ nu: TypedArray[];
}

/** Yogi's scaling (Optax `scale_by_yogi`): output m̂ / (√v̂ + ε), before −η.
 * @example
 * ```ts
 * chain(scaleByYogi({ beta1: 0.9, beta2: 0.999, eps: 1e-3, initialAccumulatorValue: 1e-6 }), scaleByLr());
 * ```
 */
export function scaleByYogi(o: { beta1: number; beta2: number; eps: number; initialAccumulatorValue: number }): Transform<YogiState> {
  const { beta1, beta2, eps, initialAccumulatorValue } = o;
  return {
    key: 'yogi',
    init: (params) => ({
      mu: params.map((p) => zeroBuffer(p).fill(initialAccumulatorValue)),
      nu: params.map((p) => zeroBuffer(p).fill(initialAccumulatorValue)),
    }),
    apply(src, dst, state, _params, ctx) {
      const bc1 = 1 - beta1 ** ctx.step, bc2 = 1 - beta2 ** ctx.step;
      for (let j = 0; j < dst.length; j++) {
        const s = src[j]!, d = dst[j]!, m = state.mu[j]!, v = state.nu[j]!;
        for (let i = 0; i < d.length; i++) {
          const g = s[i]!, g2 = g * g;
          m[i] = (1 - beta1) * g + beta1 * m[i]!;
          v[i] = v[i]! - (1 - beta2) * Math.sign(v[i]! - g2) * g2;
          d[i] = (m[i]! / bc1) / (Math.sqrt(v[i]! / bc2) + eps);
        }
      }
      return state;
    },
  };
}

/** Yogi, registered as `yogi`.
 * @example
 * ```ts
 * createOptimizer('yogi', params, { lr: 0.01 });
 * ```
 */
export const yogi: OptimizerPlugin<YogiOptions, ChainState> = {
  name: 'yogi',
  description: 'Yogi: Adam with an additive, sign-controlled second-moment update',
  defaults: { lr: 1e-2, betas: [0.9, 0.999], eps: 1e-3, initialAccumulatorValue: 1e-6 },
  rules: { lr: optimizerRules.lr, betas: optimizerRules.betas, eps: optimizerRules.eps, initialAccumulatorValue: rules.positive },
  ...chainPlugin((o: YogiOptions) => chain(scaleByYogi({ beta1: o.betas[0], beta2: o.betas[1], eps: o.eps, initialAccumulatorValue: o.initialAccumulatorValue }), scaleByLr())),
};
