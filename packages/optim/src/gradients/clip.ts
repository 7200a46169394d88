/**
 * Gradient clipping: `clipGradNorm` (PyTorch's `clip_grad_norm_`) and `clipGradValue`
 * (`clip_grad_value_`), as gradient transforms.
 * @module
 */
import type { Tensor } from '@descent/tensor';
import { resolveOptions, rules } from '../options.js';
import { globalNorm, gradientTransforms, mapGradient, type GradientContext, type GradientTransform } from './types.js';

/** Options of {@link clipGradNorm}.
 * @example
 * ```ts
 * const o: ClipGradNormOptions = { maxNorm: 1, normType: 2 };
 * ```
 */
export interface ClipGradNormOptions {
  /** The largest global norm allowed (required, > 0). */
  maxNorm: number;
  /** The norm's order p: 2 (default), any p ≥ 1, or `Infinity` (largest absolute value). */
  normType: number;
}

/**
 * Rescale all gradients together so their global norm is at most `maxNorm`, as PyTorch's
 * `torch.nn.utils.clip_grad_norm_`:
 * ```
 * total = ‖(‖g₁‖_p, …, ‖g_k‖_p)‖_p          (the norm over every gradient as one vector)
 * coef  = maxNorm / (total + 1e-6)
 * g ← coef · g   only when coef < 1
 * ```
 * The direction is kept; only its length shrinks. A NaN total leaves the gradients unchanged
 * (coef < 1 is false), where PyTorch (`error_if_nonfinite=False`) multiplies every gradient by
 * NaN; either way the trainer's NaN guard then reports the non-finite gradient. `lastNorm` holds the total norm of the last call (PyTorch's return value).
 *
 * @throws ConfigError / ValueError for a missing or non-positive `maxNorm` or a `normType` < 1.
 * @example
 * ```ts
 * const clip = clipGradNorm({ maxNorm: 1 });
 * clip.apply([tensor([3]), tensor([4])], ctx).map((g) => g.item()); // ≈ [0.6, 0.8]
 * clip.lastNorm; // 5
 * ```
 */
export function clipGradNorm(options: Partial<ClipGradNormOptions>): ClipGradNorm {
  return new ClipGradNorm(options);
}

/** The transform returned by {@link clipGradNorm}.
 * @example
 * ```ts
 * new ClipGradNorm({ maxNorm: 5 }).apply(grads, ctx);
 * ```
 */
export class ClipGradNorm implements GradientTransform {
  readonly name = 'clipGradNorm';
  /** The resolved options (`maxNorm` required, `normType` default 2). */
  readonly options: Readonly<ClipGradNormOptions>;
  /** The global norm of the gradients passed to the last `apply` (before clipping); NaN before any call. */
  lastNorm = NaN;

  constructor(options: Partial<ClipGradNormOptions>) {
    this.options = resolveOptions('clipGradNorm', { maxNorm: undefined as unknown as number, normType: 2 }, options, {
      maxNorm: (v) => (v === undefined ? 'is required (the largest global gradient norm allowed)' : rules.positive(v, {})),
      normType: (v) => (typeof v === 'number' && v >= 1 ? null : 'must be a number ≥ 1 or Infinity'),
    });
  }

  /** The clipped gradients (new tensors; the inputs are not modified). */
  apply(grads: readonly Tensor[], _ctx?: GradientContext): Tensor[] {
    const total = globalNorm(grads, this.options.normType);
    this.lastNorm = total;
    const coef = this.options.maxNorm / (total + 1e-6);
    if (!(coef < 1)) return grads.slice();
    return grads.map((g) => mapGradient(g, (v) => v * coef));
  }
}

/** Options of {@link clipGradValue}.
 * @example
 * ```ts
 * const o: ClipGradValueOptions = { clipValue: 0.5 };
 * ```
 */
export interface ClipGradValueOptions {
  /** Every gradient value is clamped to [−clipValue, clipValue] (required, > 0). */
  clipValue: number;
}

/**
 * Clamp every gradient value to `[−clipValue, clipValue]` (PyTorch's `clip_grad_value_`, Keras'
 * `clipvalue`). Unlike {@link clipGradNorm} this changes the direction of the gradient.
 * @throws ConfigError / ValueError for a missing or non-positive `clipValue`.
 * @example
 * ```ts
 * clipGradValue({ clipValue: 1 }).apply([tensor([-3, 0.5])], ctx)[0].toArray(); // [-1, 0.5]
 * ```
 */
export function clipGradValue(options: Partial<ClipGradValueOptions>): GradientTransform {
  const o = resolveOptions('clipGradValue', { clipValue: undefined as unknown as number }, options, {
    clipValue: (v) => (v === undefined ? 'is required (the largest absolute gradient value allowed)' : rules.positive(v, {})),
  });
  const c = o.clipValue;
  return {
    name: 'clipGradValue',
    apply: (grads) => grads.map((g) => mapGradient(g, (v) => (v > c ? c : v < -c ? -c : v))),
  };
}

gradientTransforms.register<ClipGradNormOptions>({
  name: 'clipGradNorm',
  description: 'rescale all gradients so their global norm is at most maxNorm (PyTorch clip_grad_norm_)',
  defaults: { maxNorm: undefined as unknown as number, normType: 2 },
  create: (options) => clipGradNorm(options),
});

gradientTransforms.register<ClipGradValueOptions>({
  name: 'clipGradValue',
  description: 'clamp every gradient value to [-clipValue, clipValue] (PyTorch clip_grad_value_)',
  defaults: { clipValue: undefined as unknown as number },
  create: (options) => clipGradValue(options),
});
