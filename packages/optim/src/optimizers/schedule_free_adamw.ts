/**
 * Schedule-Free AdamW (Defazio et al., "The Road Less Scheduled", NeurIPS 2024,
 * https://arxiv.org/abs/2405.15682): Schedule-Free averaging around an Adam-normalised base step.
 *
 * Update rule (k = 0 at the first step; β₁ interpolates, θ holds y while training):
 * ```
 * v ← β₂ v + (1 − β₂) g² ;  ĝ = g / (√(v / (1 − β₂ᵏ⁺¹)) + ε) + λ y
 * γₖ = γ·min(1, (k+1)/warmupSteps) ;  γ_max = max(γ_max, γₖ) ;  cₖ = wₖ / Σ w,  wₖ = (k+1)^r γ_max^p
 * z ← z − γₖ ĝ ;  x ← (1 − cₖ) x + cₖ z ;  y = (1 − β₁) z + β₁ x      (computed in place from y and z)
 * evaluation: x = lerp(y, z, 1 − 1/β₁)
 * ```
 * No first moment: β₁ is the interpolation. PyTorch has no Schedule-Free; this ports
 * facebookresearch/schedule_free@b3be06f `schedulefree/adamw_schedulefree.py` (traces:
 * test/golden/opt-schedulefree-adamw-*.json). Switch modes with `Optimizer.evalMode()` /
 * `trainMode()`; the Trainer does so around evaluations and checkpoints. Conventions as
 * `schedulefree-sgd` (starts in training mode; `trainMode()` restores y exactly).
 *
 * Defaults (the reference): lr 0.0025, betas [0.9, 0.999], eps 1e-8, weightDecay 0, warmupSteps 0,
 * r 0, weightLrPower 2.
 *
 * @module
 */
import { optimizerRules } from './define.js';
import { scheduleFreeModes, scheduleFreeStep, type ScheduleFreeCommon, type ScheduleFreeState } from './schedule_free.js';
import { scheduleFreeRules } from './schedule_free_sgd.js';
import { zeroBuffer } from './transforms.js';
import type { OptimizerOptions, OptimizerPlugin } from './types.js';

/** Options of {@link scheduleFreeAdamw}.
 * @example
 * ```ts
 * const o: Partial<ScheduleFreeAdamwOptions> = { lr: 0.0025, betas: [0.9, 0.999], warmupSteps: 1000 };
 * ```
 */
export interface ScheduleFreeAdamwOptions extends OptimizerOptions, ScheduleFreeCommon {
  /** [β₁, β₂]: β₁ the interpolation (in (0, 1)), β₂ the second-moment decay; default [0.9, 0.999]. */
  betas: [number, number];
  /** ε added to √v̂; default 1e-8. */
  eps: number;
}

/** Schedule-Free AdamW, registered as `schedulefree-adamw`.
 * @example
 * ```ts
 * createOptimizer('schedulefree-adamw', params, { lr: 2.5e-3, warmupSteps: 500, weightDecay: 0.01 });
 * ```
 */
export const scheduleFreeAdamw: OptimizerPlugin<ScheduleFreeAdamwOptions, ScheduleFreeState> = {
  name: 'schedulefree-adamw',
  description: 'Schedule-Free AdamW: interpolated averaging around an Adam step, no schedule (evaluate in evalMode)',
  defaults: { lr: 0.0025, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, warmupSteps: 0, r: 0, weightLrPower: 2 },
  rules: {
    ...scheduleFreeRules,
    betas: (v, all) => optimizerRules.betas(v, all) ?? ((v as number[])[0]! > 0 ? null : 'must have beta1 > 0 (it is the interpolation weight)'),
    eps: optimizerRules.eps,
  },
  init: (params) => ({ k: 0, lrMax: -1, weightSum: 0, z: params.map((p) => p.buffer().slice()), v: params.map(zeroBuffer), trainValues: null }),
  update(grads, state, params, ctx) {
    const [beta1, beta2] = ctx.options.betas, eps = ctx.options.eps;
    const v = state.v!;
    return scheduleFreeStep(grads, state, params, ctx.lr, beta1, ctx.options, (j, i, g, k) => {
      const vj = v[j]!;
      vj[i] = vj[i]! * beta2 + (1 - beta2) * g * g;
      return g / (Math.sqrt(vj[i]! / (1 - beta2 ** (k + 1))) + eps);
    }, 'schedulefree-adamw');
  },
  ...scheduleFreeModes((o: ScheduleFreeAdamwOptions) => o.betas[0]),
};
