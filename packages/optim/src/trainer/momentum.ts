/**
 * Momentum cycling (cyclic, onecycle): where a schedule's momentum / β₁ is written in each
 * parameter group's options, and how the previous values are put back.
 * @module
 */
import { ConfigError } from '@descent/tensor';
import type { Optimizer } from '../optimizer.js';
import type { AnyOptimizerPlugin, MomentumOption } from '../optimizers/types.js';

/** Where a momentum-cycling schedule writes: the options object (the group's own, or for a
 * wrapper such as Lookahead, those of the optimizer it wraps, as PyTorch's schedulers reach a
 * wrapped optimizer's `param_groups`) and the plugin's {@link MomentumOption} declaration.
 * @throws ConfigError naming the plugin when it declares no momentum option. */
export function momentumTarget(plugin: AnyOptimizerPlugin, options: Record<string, unknown>, scheduler: string): { o: Record<string, unknown>; m: MomentumOption } {
  let p = plugin, o = options;
  for (let depth = 0; depth < 8; depth++) {
    const m = p.momentum;
    if (m === undefined) {
      throw new ConfigError(`Trainer: scheduler '${scheduler}' cycles momentum, but optimizer '${p.name}' declares no momentum option (plugin metadata 'momentum', e.g. { option: 'betas', index: 0 }); declare it in the plugin, or set cycleMomentum: false in the trainer config`);
    }
    if (m.wraps !== true) return { o, m };
    const inner = o[m.option] as { plugin?: AnyOptimizerPlugin; options?: Record<string, unknown> } | null | undefined;
    if (inner === null || typeof inner !== 'object' || typeof inner.plugin !== 'object' || inner.options === null || typeof inner.options !== 'object') break;
    p = inner.plugin; o = inner.options;
  }
  throw new ConfigError(`Trainer: scheduler '${scheduler}' cycles momentum, but optimizer '${plugin.name}' declares its option '${plugin.momentum?.option}' as a wrapped optimizer, and it holds none ({ plugin, options } after resolution)`);
}

/** A previous momentum / β₁ value: the options object it was set on, its key ('' when none was
 * set) and the value before. */
export type PreviousMomentum = [Record<string, unknown> | null, string, unknown];

/** Set the momentum option every group's plugin declares (`OptimizerPlugin.momentum`: SGD's
 * `momentum`, Adam's `betas[0]`; the wrapped optimizer's for Lookahead), as PyTorch's cyclic
 * schedulers do; returns the previous values.
 * @throws ConfigError (before changing anything) when a plugin declares no momentum option. */
export function setMomentum(optimizer: Optimizer, m: number, scheduler: string): PreviousMomentum[] {
  const targets = optimizer.groups.map((g) => momentumTarget(optimizer.plugin, g.options as unknown as Record<string, unknown>, scheduler));
  return targets.map(({ o, m: decl }) => {
    // NOTE: the Optimizer has no setter for hyperparameters: the group's resolved options are
    // updated in place (the plugins read them at every step), as torch's param_groups are.
    const prev = o[decl.option];
    if (decl.index !== undefined) {
      if (!Array.isArray(prev)) return [null, '', undefined];
      const next = prev.slice();
      next[decl.index] = m;
      o[decl.option] = next;
      return [o, decl.option, prev];
    }
    // NOTE: SGD built with momentum 0 has no momentum buffer in its state: it is left without momentum.
    if (typeof prev === 'number' && prev > 0) { o[decl.option] = m; return [o, decl.option, prev]; }
    return [null, '', undefined];
  });
}

export function restoreOptions(previous: readonly PreviousMomentum[]): void {
  for (const [o, key, value] of previous) if (o !== null && key) o[key] = value;
}
