import { resolveOptions, rules } from '../options.js';
import { StatelessScheduler, checkLr, checkStep, schedulers, takeInitialLr } from './types.js';

/** Options of {@link wsdLR}.
 * @example
 * ```ts
 * const o: WsdOptions = { warmupSteps: 100, stableSteps: 800, decaySteps: 100, warmupType: 'linear', decayType: '1-sqrt', minLrRatio: 0, numCycles: 0.5 };
 * ```
 */
export interface WsdOptions {
  /** Warm-up steps (integer ≥ 0; required). */ warmupSteps: number;
  /** Steps at the peak lr after the warm-up (integer ≥ 0; required). */ stableSteps: number;
  /** Decay steps after the stable phase (integer ≥ 0; required). */ decaySteps: number;
  /** Warm-up shape: 'linear' (default), 'cosine' or '1-sqrt'. */ warmupType: 'linear' | 'cosine' | '1-sqrt';
  /** Decay shape: 'cosine' (default), 'linear' or '1-sqrt'. */ decayType: 'linear' | 'cosine' | '1-sqrt';
  /** Floor of the factor, as a fraction of the peak, in [0, 1] (default 0); kept after the decay. */ minLrRatio: number;
  /** Cosine decay: half-waves over the decay (default 0.5, one half cosine). */ numCycles: number;
}

/** Defaults of `wsd` (Hugging Face transformers' `get_wsd_schedule`; the step counts are required).
 * @example
 * ```ts
 * wsdDefaults.decayType; // 'cosine'
 * ```
 */
export const wsdDefaults: WsdOptions = {
  warmupSteps: undefined as unknown as number, stableSteps: undefined as unknown as number, decaySteps: undefined as unknown as number,
  warmupType: 'linear', decayType: 'cosine', minLrRatio: 0, numCycles: 0.5,
};

const stepCount = (v: unknown) => (v === undefined ? 'is required' : Number.isInteger(v) && (v as number) >= 0 ? null : 'must be an integer ≥ 0');
const shape = rules.oneOf('linear', 'cosine', '1-sqrt');

/**
 * Warmup–stable–decay (Hu et al., MiniCPM, 2024; Hägele et al., "Scaling Laws and Compute-Optimal
 * Training Beyond Fixed Training Durations", 2024): warm up to the peak, hold it, decay to
 * `minLrRatio`. As transformers' `get_wsd_schedule`, with p the phase's progress:
 * ```
 * warm-up (t < W):        f = shape(t / max(1, W)),  linear p · cosine ½(1 − cos πp) · 1-sqrt 1 − √(1 − p)
 * stable  (t < W + S):    f = 1
 * decay   (t < W + S + D): f = shape(p), p = (t − W − S)/max(1, D),  linear 1 − p · cosine ½(1 + cos 2π·numCycles·p) · 1-sqrt 1 − √p
 * after:                  f = minLrRatio
 * warm-up and decay:      lr = baseLr · max(0, f(1 − minLrRatio) + minLrRatio)
 * ```
 * @example
 * ```ts
 * const s = wsdLR(0.1, { warmupSteps: 10, stableSteps: 80, decaySteps: 10, decayType: '1-sqrt' });
 * s.lr(50); // 0.1
 * ```
 */
export function wsdLR(baseLr: number, options: Partial<WsdOptions>): WsdScheduler {
  return new WsdScheduler(baseLr, options);
}

/** The scheduler returned by {@link wsdLR}.
 * @example
 * ```ts
 * new WsdScheduler(1, { warmupSteps: 2, stableSteps: 1, decaySteps: 2, decayType: 'linear' }).lr(1); // 0.5
 * ```
 */
export class WsdScheduler extends StatelessScheduler {
  readonly name = 'wsd';
  private readonly o: WsdOptions;
  constructor(baseLr: number, options: Partial<WsdOptions>) {
    const o = resolveOptions('wsd', wsdDefaults, options, {
      warmupSteps: stepCount, stableSteps: stepCount, decaySteps: stepCount,
      warmupType: shape, decayType: shape, minLrRatio: rules.inRange(0, 1, true), numCycles: rules.nonNegative,
    });
    super(checkLr('wsd', 'baseLr', baseLr), o as unknown as Record<string, unknown>);
    this.o = o;
  }
  /** The factor of the phase `step` is in, times `baseLr`. */
  lr(step: number): number {
    checkStep(this.name, step);
    const { warmupSteps: w, stableSteps: s, decaySteps: d, warmupType, decayType, minLrRatio: m, numCycles } = this.o;
    const floor = (f: number) => Math.max(0, f * (1 - m) + m);
    if (step < w) {
      const p = step / Math.max(1, w);
      const f = warmupType === 'linear' ? p : warmupType === 'cosine' ? 0.5 * (1 - Math.cos(Math.PI * p)) : 1 - Math.sqrt(1 - p);
      return this.baseLr * floor(f);
    }
    if (step < w + s) return this.baseLr * 1;
    if (step < w + s + d) {
      const p = (step - w - s) / Math.max(1, d);
      const f = decayType === 'linear' ? 1 - p : decayType === 'cosine' ? 0.5 * (1 + Math.cos(Math.PI * numCycles * 2 * p)) : 1 - Math.sqrt(p);
      return this.baseLr * floor(f);
    }
    return this.baseLr * m;
  }
}

schedulers.register<WsdOptions>({
  name: 'wsd',
  description: 'warmup–stable–decay: warm up, hold the peak lr, decay (linear, cosine or 1-sqrt) to minLrRatio',
  defaults: wsdDefaults,
  create: (options) => {
    const [lr, rest] = takeInitialLr('wsd', options, true);
    return wsdLR(lr!, rest);
  },
});
