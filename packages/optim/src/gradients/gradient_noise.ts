/**
 * Annealed Gaussian gradient noise (Neelakantan, Vilnis, Le, Sutskever, Kaiser, Kurach & Martens,
 * "Adding Gradient Noise Improves Learning for Very Deep Networks", 2015,
 * https://arxiv.org/abs/1511.06807).
 * @module
 */
import { Rng, StateError, type Tensor } from '@descent/tensor';
import { resolveOptions, rules } from '../options.js';
import type { PluginState } from '../plugin_types.js';
import { gradientTransforms, mapGradient, type GradientContext, type GradientTransform } from './types.js';

/** Options of {@link gradientNoise}.
 * @example
 * ```ts
 * const o: GradientNoiseOptions = { eta: 0.3, gamma: 0.55, seed: null };
 * ```
 */
export interface GradientNoiseOptions {
  /** η, the noise variance at step 0; the paper tries 0.01, 0.3 and 1.0 (default 0.01). */
  eta: number;
  /** γ, the decay exponent of the variance (default 0.55, the paper's). */
  gamma: number;
  /** A seed of its own; null (default) = a generator split off the trainer's seed. */
  seed: number | null;
}

/** Defaults of `gradientNoise`.
 * @example
 * ```ts
 * gradientNoiseDefaults.gamma; // 0.55
 * ```
 */
export const gradientNoiseDefaults: GradientNoiseOptions = { eta: 0.01, gamma: 0.55, seed: null };

/**
 * The noise variance at 0-based step `t`: `σ²_t = η / (1 + t)^γ`.
 * @example
 * ```ts
 * noiseVariance(0, 0.3, 0.55);  // 0.3
 * noiseVariance(99, 1, 0.5);    // 0.1
 * ```
 */
export function noiseVariance(t: number, eta: number, gamma: number): number {
  return eta / (1 + t) ** gamma;
}

/**
 * Add Gaussian noise `N(0, σ²_t)` to every gradient value, independently, with the variance
 * annealed over the global step t (0-based): `σ²_t = η / (1 + t)^γ` — Optax's `add_noise`, which
 * counts from 1. The noise comes from a seeded generator (split off the trainer's seed unless
 * `seed` is given), saved in checkpoints, so a run is reproducible bit for bit.
 *
 * @throws ConfigError / ValueError for a negative η or γ.
 * @example
 * ```ts
 * new Trainer({ ...config, gradients: [{ name: 'gradientNoise', options: { eta: 0.3 } }] });
 * const noise = gradientNoise({ eta: 1, seed: 0 });
 * noise.apply([zeros([3])], { step: 0, epoch: 0, params: [w], names: ['w'] }); // three N(0, 1) draws
 * ```
 */
export function gradientNoise(options: Partial<GradientNoiseOptions> = {}): GradientNoise {
  return new GradientNoise(options);
}

/** The transform returned by {@link gradientNoise}.
 * @example
 * ```ts
 * const noise = new GradientNoise({ eta: 0.3 });
 * noise.std(10); // √(0.3 / 11^0.55)
 * ```
 */
export class GradientNoise implements GradientTransform {
  readonly name = 'gradientNoise';
  /** The resolved options (defaults merged with the caller's, validated). */
  readonly options: Readonly<GradientNoiseOptions>;
  private rng: Rng;

  constructor(options: Partial<GradientNoiseOptions> = {}) {
    this.options = resolveOptions('gradientNoise', gradientNoiseDefaults, options, {
      eta: rules.nonNegative,
      gamma: rules.nonNegative,
      seed: (v) => (v === null || (typeof v === 'number' && Number.isFinite(v)) ? null : 'must be a finite number or null'),
    });
    this.rng = new Rng(this.options.seed ?? 0);
  }

  /** Take a generator split off the trainer's (unless the options fix a seed). */
  init({ rng }: { rng: Rng }): void {
    this.rng = this.options.seed === null ? rng : new Rng(this.options.seed);
  }

  /** The noise standard deviation σ_t at global step `t`.
   * @example
   * ```ts
   * gradientNoise({ eta: 1 }).std(0); // 1
   * ```
   */
  std(t: number): number {
    return Math.sqrt(noiseVariance(t, this.options.eta, this.options.gamma));
  }

  /** The gradients plus fresh noise of standard deviation σ_t (t = `ctx.step`). */
  apply(grads: readonly Tensor[], ctx: GradientContext): Tensor[] {
    const sd = this.std(ctx.step);
    return grads.map((g) => mapGradient(g, (v) => v + sd * this.rng.normal()));
  }

  /** The generator's state. */
  state(): PluginState {
    return { rng: this.rng.getState() };
  }

  /** Restore the generator's state. */
  loadState(state: PluginState): void {
    const s = state as { rng?: unknown } | null;
    if (!s || typeof s !== 'object' || !Array.isArray(s.rng)) throw new StateError(`gradientNoise.loadState: expected { rng: [4 words] }, but got ${JSON.stringify(state)}`);
    const probe = new Rng(0);
    try {
      probe.setState(s.rng as [number, number, number, number]);
    } catch (e) {
      throw new StateError(`gradientNoise.loadState: ${(e as Error).message}`);
    }
    this.rng.setState(s.rng as [number, number, number, number]);
  }
}

gradientTransforms.register<GradientNoiseOptions>({
  name: 'gradientNoise',
  description: 'add N(0, η/(1+t)^γ) to every gradient value (Neelakantan et al. 2015), from the seeded generator',
  defaults: gradientNoiseDefaults,
  create: (options) => gradientNoise(options),
});
