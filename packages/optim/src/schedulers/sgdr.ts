import { resolveOptions, rules, type OptionRule } from '../options.js';
import { StatelessScheduler, checkLr, checkStep, required, schedulers, takeInitialLr } from './types.js';

/** Options of {@link cosineWarmRestarts} (PyTorch CosineAnnealingWarmRestarts, SGDR).
 * @example
 * ```ts
 * const o: SgdrOptions = { t0: 10, tMult: 2, etaMin: 0 };
 * ```
 */
export interface SgdrOptions {
  /** Length of the first cycle in steps (a positive integer; required). */
  t0: number;
  /** Factor by which each cycle is longer than the previous (an integer ≥ 1; default 1). */
  tMult: number;
  /** Minimum lr (≥ 0; default 0). */
  etaMin: number;
}

/** Defaults of `sgdr` (PyTorch's; `t0` has none).
 * @example
 * ```ts
 * sgdrDefaults.tMult; // 1
 * ```
 */
export const sgdrDefaults: SgdrOptions = { t0: undefined as unknown as number, tMult: 1, etaMin: 0 };

const intAtLeastOne: OptionRule = (v) => (Number.isInteger(v) && (v as number) >= 1 ? null : 'must be an integer ≥ 1');

/**
 * Cosine annealing with warm restarts (Loshchilov & Hutter 2017, SGDR):
 * `lr(t) = etaMin + (baseLr − etaMin)·(1 + cos(π·T_cur/T_i))/2`, where cycle `i` lasts
 * `T_i = t0·tMult^i` steps and `T_cur` counts the steps since the last restart, exactly as
 * PyTorch's `step()` advances them (integer arithmetic, so no drift).
 *
 * Paper: https://arxiv.org/abs/1608.03983
 * @example
 * ```ts
 * const s = cosineWarmRestarts(0.1, { t0: 5, tMult: 2 });
 * s.lr(5); // 0.1 (first restart)
 * s.lr(15); // 0.1 (second restart, after a cycle of 10)
 * ```
 */
export function cosineWarmRestarts(baseLr: number, options: Partial<SgdrOptions>): SgdrScheduler {
  return new SgdrScheduler(baseLr, options);
}

/** Where a step falls in SGDR's cycles, from {@link SgdrScheduler.cycle}.
 * @example
 * ```ts
 * const c: SgdrCycle = { index: 1, tCur: 2, tI: 10 };
 * ```
 */
export interface SgdrCycle {
  /** The cycle's index (0 for the first). */
  index: number;
  /** Steps since the cycle started (PyTorch's `T_cur`). */
  tCur: number;
  /** The cycle's length (PyTorch's `T_i`). */
  tI: number;
}

/** The scheduler returned by {@link cosineWarmRestarts}.
 * @example
 * ```ts
 * new SgdrScheduler(1, { t0: 4 }).cycle(9); // { index: 2, tCur: 1, tI: 4 }
 * ```
 */
export class SgdrScheduler extends StatelessScheduler {
  readonly name = 'sgdr';
  private readonly o: SgdrOptions;
  constructor(baseLr: number, options: Partial<SgdrOptions>) {
    const o = resolveOptions('sgdr', sgdrDefaults, options, { t0: required(rules.positiveInt), tMult: intAtLeastOne, etaMin: rules.nonNegative });
    super(checkLr('sgdr', 'baseLr', baseLr), o as unknown as Record<string, unknown>);
    this.o = o;
  }

  /** Which cycle `step` falls in: its index, the steps since its start (`tCur`) and its length (`tI`). */
  cycle(step: number): SgdrCycle {
    checkStep(this.name, step);
    const { t0, tMult } = this.o;
    if (tMult === 1) return { index: Math.floor(step / t0), tCur: step % t0, tI: t0 };
    let tCur = step;
    let tI = t0;
    let index = 0;
    while (tCur >= tI) {
      tCur -= tI;
      tI *= tMult;
      index++;
    }
    return { index, tCur, tI };
  }

  /** `etaMin + (baseLr − etaMin)·(1 + cos(π·T_cur/T_i))/2`. */
  lr(step: number): number {
    const { tCur, tI } = this.cycle(step);
    const e = this.o.etaMin;
    return e + ((this.baseLr - e) * (1 + Math.cos((Math.PI * tCur) / tI))) / 2;
  }
}

schedulers.register<SgdrOptions>({
  name: 'sgdr',
  description: 'cosine annealing with warm restarts every t0·tMult^i steps (PyTorch CosineAnnealingWarmRestarts)',
  defaults: sgdrDefaults,
  create: (options) => {
    const [lr, rest] = takeInitialLr('sgdr', options, true);
    return cosineWarmRestarts(lr!, rest);
  },
});
