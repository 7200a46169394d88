/**
 * signSGD / Signum (Bernstein et al., "signSGD: Compressed Optimisation for Non-Convex Problems",
 * ICML 2018, https://arxiv.org/abs/1802.04434) as an optimizer plugin:
 * ```
 * m ← β m + (1 − β) g          (β = momentum; β = 0 is plain signSGD)
 * θ ← θ − η · sign(m)
 * ```
 * @module
 */
import { rules, zeroBuffer, type OptimizerPlugin } from '@descent/optim';
import type { TypedArray } from '@descent/tensor';

/** Options of {@link signSgd}.
 * @example
 * ```ts
 * const o: SignSgdOptions = { lr: 0.01, momentum: 0.9 };
 * ```
 */
export interface SignSgdOptions { lr: number; momentum: number }

/** signSGD with optional momentum (Signum), registered by `main.ts` as `signsgd`.
 * @example
 * ```ts
 * createOptimizer(signSgd, params, { lr: 0.01, momentum: 0.9 });
 * ```
 */
export const signSgd: OptimizerPlugin<SignSgdOptions, { m: TypedArray[] }> = {
  name: 'signsgd',
  description: 'signSGD / Signum: θ ← θ − η·sign(m), m ← βm + (1−β)g',
  defaults: { lr: 0.01, momentum: 0 },
  rules: { lr: rules.nonNegative, momentum: rules.inRange(0, 1) },
  init: (params) => ({ m: params.map(zeroBuffer) }),
  update(grads, state, params, { lr, options }) {
    const beta = options.momentum;
    const updates = grads.map((g, j) => {
      const m = state.m[j]!, u = zeroBuffer(params[j]!); // same dtype as the parameter
      for (let i = 0; i < g.length; i++) {
        m[i] = beta * m[i]! + (1 - beta) * g[i]!;       // the state is ours to update in place
        u[i] = -lr * Math.sign(m[i]!);
      }
      return u;
    });
    return { updates, state };
  },
};
