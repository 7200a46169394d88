/**
 * The built-in optimizers. Importing this module registers each of them in the plugin registry
 * (`optimizers.names()`), using the same {@link registerOptimizer} a plugin author calls.
 *
 * @module
 */
import { adabound } from './adabound.js';
import { adagrad } from './adagrad.js';
import { adam, amsgrad } from './adam.js';
import { adamax } from './adamax.js';
import { adamw } from './adamw.js';
import { optimizers, registerOptimizer } from './define.js';
import { lamb } from './lamb.js';
import { lion } from './lion.js';
import { lookahead } from './lookahead.js';
import { nadam } from './nadam.js';
import { radam } from './radam.js';
import { rmsprop } from './rmsprop.js';
import { nag, sgd, sgdm } from './sgd.js';
import { sgdw } from './sgdw.js';
import { adadelta } from './adadelta.js';
import { adafactor } from './adafactor.js';
import { adabelief } from './adabelief.js';
import { yogi } from './yogi.js';
import { adan } from './adan.js';
import { muon } from './muon.js';
import { prodigy } from './prodigy.js';
import { dadaptAdam } from './dadapt_adam.js';
import { scheduleFreeSgd } from './schedule_free_sgd.js';
import { scheduleFreeAdamw } from './schedule_free_adamw.js';
import { lbfgs } from './lbfgs.js';
import { asam, sam } from './sam.js';
import { averaged } from './averaged.js';
import type { AnyOptimizerPlugin } from './types.js';

export * from './types.js';
export * from './define.js';
export * from './transforms.js';
export * from './state.js';
export * from './sgd.js';
export * from './sgdw.js';
export * from './adagrad.js';
export * from './rmsprop.js';
export * from './adam.js';
export * from './adamw.js';
export * from './adabound.js';
export * from './lookahead.js';
export * from './nadam.js';
export * from './radam.js';
export * from './adamax.js';
export * from './lion.js';
export * from './lamb.js';
export * from './numeric.js';
export * from './adadelta.js';
export * from './adafactor.js';
export * from './adabelief.js';
export * from './yogi.js';
export * from './adan.js';
export * from './muon.js';
export * from './prodigy.js';
export * from './dadapt_adam.js';
export * from './schedule_free.js';
export * from './schedule_free_sgd.js';
export * from './schedule_free_adamw.js';
export * from './lbfgs.js';
export * from './sam.js';
export * from './param_groups.js';
export * from './averaged.js';
export * from './nested.js';

/** Every built-in optimizer plugin, in registration order.
 * @example
 * ```ts
 * builtinOptimizers.map((p) => p.name); // ['sgd', 'sgdm', 'nag', …]
 * ```
 */
export const builtinOptimizers: readonly AnyOptimizerPlugin[] = [
  sgd, sgdm, nag, sgdw, adagrad, rmsprop, adam, amsgrad, adamw, adabound, lookahead, nadam, radam, adamax, lion, lamb,
  adadelta, adafactor, adabelief, yogi, adan, muon, prodigy, dadaptAdam, scheduleFreeSgd, scheduleFreeAdamw,
  lbfgs, sam, asam, averaged,
];

for (const p of builtinOptimizers) {
  // NOTE: tolerate a second evaluation of this module (e.g. two copies of the package) without throwing.
  registerOptimizer(p, { replace: optimizers.has(p.name) });
}
export * from './elementwise.js';
