/**
 * Adadelta (Zeiler, "ADADELTA: An Adaptive Learning Rate Method", 2012,
 * https://arxiv.org/abs/1212.5701), `torch.optim.Adadelta`.
 *
 * Update rule:
 * ```
 * g ← g + λθ                                   (L2 in the gradient)
 * v ← ρ v + (1 − ρ) g²
 * Δ ← √(u + ε) / √(v + ε) · g
 * u ← ρ u + (1 − ρ) Δ²
 * θ ← θ − η Δ
 * ```
 * PyTorch convention: the lr η multiplies Δ (the paper has none; η = 1 is the paper), and ε sits
 * inside both roots. Matches PyTorch 1.13 in float64 (test/golden/opt-adadelta-*.json).
 *
 * Defaults (PyTorch): lr 1, rho 0.9, eps 1e-6, weightDecay 0.
 *
 * @module
 */
import type { TypedArray } from '@descent/tensor';
import { rules } from '../options.js';
import { optimizerRules } from './define.js';
import { addL2ToGrad, chain, chainPlugin, scaleByLr, zeroBuffer, type ChainState, type Transform } from './transforms.js';
import type { OptimizerOptions, OptimizerPlugin } from './types.js';

/** Options of {@link adadelta}.
 * @example
 * ```ts
 * const o: AdadeltaOptions = { lr: 1, rho: 0.9, eps: 1e-6, weightDecay: 0 };
 * ```
 */
export interface AdadeltaOptions extends OptimizerOptions {
  /** Decay ρ of both running averages, in [0, 1]; default 0.9. */
  rho: number;
  /** ε inside both square roots; default 1e-6. */
  eps: number;
  /** L2 weight decay λ added to the gradient; default 0. */
  weightDecay: number;
}

/** State of {@link scaleByAdadelta}: the running averages of g² and Δ².
 * @example
 * ```ts
 * const s: AdadeltaState = { squareAvg: [new Float64Array(2)], accDelta: [new Float64Array(2)] };
 * ```
 */
export interface AdadeltaState {
  /** v: running average of g², one per parameter. */ squareAvg: TypedArray[];
  /** u: running average of Δ², one per parameter. */ accDelta: TypedArray[];
}

/** Adadelta's scaling: output Δ = √(u + ε)/√(v + ε)·g (before −η).
 * @example
 * ```ts
 * chain(scaleByAdadelta({ rho: 0.9, eps: 1e-6 }), scaleByLr());
 * ```
 */
export function scaleByAdadelta(o: { rho: number; eps: number }): Transform<AdadeltaState> {
  const { rho, eps } = o;
  return {
    key: 'adadelta',
    init: (params) => ({ squareAvg: params.map(zeroBuffer), accDelta: params.map(zeroBuffer) }),
    apply(src, dst, state) {
      for (let j = 0; j < dst.length; j++) {
        const s = src[j]!, d = dst[j]!, v = state.squareAvg[j]!, u = state.accDelta[j]!;
        for (let i = 0; i < d.length; i++) {
          const g = s[i]!;
          v[i] = v[i]! * rho + (1 - rho) * g * g;
          const delta = (Math.sqrt(u[i]! + eps) / Math.sqrt(v[i]! + eps)) * g;
          u[i] = u[i]! * rho + (1 - rho) * delta * delta;
          d[i] = delta;
        }
      }
      return state;
    },
  };
}

/** Adadelta, registered as `adadelta`.
 * @example
 * ```ts
 * createOptimizer('adadelta', params, { lr: 1.0 });
 * ```
 */
export const adadelta: OptimizerPlugin<AdadeltaOptions, ChainState> = {
  name: 'adadelta',
  description: 'Adadelta: step √(avg Δ² + ε)/√(avg g² + ε)·g, scaled by lr',
  defaults: { lr: 1, rho: 0.9, eps: 1e-6, weightDecay: 0 },
  rules: { lr: optimizerRules.lr, rho: rules.inRange(0, 1, true), eps: optimizerRules.eps, weightDecay: optimizerRules.weightDecay },
  ...chainPlugin((o: AdadeltaOptions) => chain(addL2ToGrad(o.weightDecay), scaleByAdadelta(o), scaleByLr())),
};
