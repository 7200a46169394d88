/**
 * Schedule-Free SGD (Defazio et al., "The Road Less Scheduled", NeurIPS 2024,
 * https://arxiv.org/abs/2405.15682): SGD with momentum replaced by an interpolation between the
 * base SGD sequence z and its running average x, so no learning-rate schedule is needed.
 *
 * Update rule (k = 0 at the first step; β = momentum; θ holds y while training):
 * ```
 * γₖ = γ·min(1, (k+1)/warmupSteps) ;  γ_max = max(γ_max, γₖ) ;  wₖ = (k+1)^r γ_max^p ;  cₖ = wₖ / Σᵢ≤ₖ wᵢ
 * g ← ∇f(y) + λ y
 * z ← z − γₖ g ;  x ← (1 − cₖ) x + cₖ z ;  y = (1 − β) z + β x        (computed in place from y and z)
 * evaluation: x = lerp(y, z, 1 − 1/β)
 * ```
 * PyTorch has no Schedule-Free; this ports facebookresearch/schedule_free@b3be06f
 * `schedulefree/sgd_schedulefree.py` (traces: test/golden/opt-schedulefree-sgd-*.json). The
 * train/eval switch is `Optimizer.evalMode()` / `trainMode()` (the reference's `eval()` /
 * `train()`); the Trainer calls it around every evaluation and checkpoint. Conventions: the
 * optimizer starts in training mode (the reference must be put there with `train()`), and
 * `trainMode()` restores y bit for bit (the reference recomputes it with a lerp).
 *
 * Defaults (the reference): lr 1, momentum 0.9, weightDecay 0, warmupSteps 0, r 0, weightLrPower 2.
 *
 * @module
 */
import { rules } from '../options.js';
import { optimizerRules } from './define.js';
import { scheduleFreeModes, scheduleFreeStep, type ScheduleFreeCommon, type ScheduleFreeState } from './schedule_free.js';
import type { OptimizerOptions, OptimizerPlugin } from './types.js';

/** Options of {@link scheduleFreeSgd}.
 * @example
 * ```ts
 * const o: ScheduleFreeSgdOptions = { lr: 1, momentum: 0.9, weightDecay: 0, warmupSteps: 0, r: 0, weightLrPower: 2 };
 * ```
 */
export interface ScheduleFreeSgdOptions extends OptimizerOptions, ScheduleFreeCommon {
  /** Interpolation β in (0, 1) between z and x (the "momentum"); default 0.9. */
  momentum: number;
}

/** Option rules both Schedule-Free optimizers share.
 * @example
 * ```ts
 * scheduleFreeRules.warmupSteps(-1, {}); // 'must be an integer ≥ 0'
 * ```
 */
export const scheduleFreeRules = {
  /** lr ≥ 0. */ lr: optimizerRules.lr,
  /** λ ≥ 0. */ weightDecay: optimizerRules.weightDecay,
  /** An integer ≥ 0. */ warmupSteps: ((v: unknown) => (Number.isInteger(v) && (v as number) >= 0 ? null : 'must be an integer ≥ 0')),
  /** A finite number ≥ 0. */ r: rules.nonNegative,
  /** A finite number ≥ 0. */ weightLrPower: rules.nonNegative,
};

/** Schedule-Free SGD, registered as `schedulefree-sgd`.
 * @example
 * ```ts
 * const opt = createOptimizer('schedulefree-sgd', params, { lr: 1.0, warmupSteps: 100 });
 * opt.evalMode(); evaluate(); opt.trainMode();
 * ```
 */
export const scheduleFreeSgd: OptimizerPlugin<ScheduleFreeSgdOptions, ScheduleFreeState> = {
  name: 'schedulefree-sgd',
  description: 'Schedule-Free SGD: interpolated averaging instead of a schedule (evaluate in evalMode)',
  defaults: { lr: 1, momentum: 0.9, weightDecay: 0, warmupSteps: 0, r: 0, weightLrPower: 2 },
  rules: { ...scheduleFreeRules, momentum: (v) => (typeof v === 'number' && v > 0 && v < 1 ? null : 'must be in (0, 1)') },
  init: (params) => ({ k: 0, lrMax: -1, weightSum: 0, z: params.map((p) => p.buffer().slice()), v: null, trainValues: null }),
  update: (grads, state, params, ctx) =>
    scheduleFreeStep(grads, state, params, ctx.lr, ctx.options.momentum, ctx.options, (_j, _i, g) => g, 'schedulefree-sgd'),
  ...scheduleFreeModes((o: ScheduleFreeSgdOptions) => o.momentum),
};
