/**
 * The gradient-transform plugin contract: a function from the gradients of one step to the
 * gradients the optimizer receives (clipping, noise). The trainer applies the transforms in the
 * order given, after backward and before the optimizer update.
 *
 * @module
 */
import { Tensor, fromValues, type Rng, type TypedArray } from '@descent/tensor';
import { registry, type KindRegistry } from '../registry.js';
import type { PluginState } from '../plugin_types.js';

/** What a gradient transform is told at each step.
 * @example
 * ```ts
 * const ctx: GradientContext = { step: 0, epoch: 0, names: ['w'], params: [w] };
 * ```
 */
export interface GradientContext {
  /** Global 0-based step (t in the formulas). */
  readonly step: number;
  /** 0-based epoch. */
  readonly epoch: number;
  /** The trained parameters, in the order of the gradients. */
  readonly params: readonly Tensor[];
  /** Their names (for messages). */
  readonly names: readonly string[];
}

/**
 * A gradient transform plugin (`clipGradNorm`, `clipGradValue`, `gradientNoise`, or your own).
 * `apply` must not modify its input tensors; it returns new ones of the same shapes and dtypes.
 *
 * @example
 * ```ts
 * const halve: GradientTransform = {
 *   name: 'halve',
 *   apply: (grads) => grads.map((g) => mapGradient(g, (v) => v / 2)),
 * };
 * new Trainer({ ...config, gradients: [halve] });
 * ```
 */
export interface GradientTransform {
  /** Registry name. */
  readonly name: string;
  /** Called when training starts, with a generator split off the trainer's seed. */
  init?(ctx: { readonly rng: Rng; readonly params: readonly Tensor[]; readonly names: readonly string[] }): void;
  /** The transformed gradients, one per parameter. */
  apply(grads: readonly Tensor[], ctx: GradientContext): Tensor[];
  /** Saved state (e.g. a generator's), for checkpoints. */
  state?(): PluginState;
  /** Restore a {@link GradientTransform.state}. Throws StateError when malformed. */
  loadState?(state: PluginState): void;
}

/** The gradient-transform view of the plugin registry (kind `'gradient'`).
 * @example
 * ```ts
 * gradientTransforms.names(); // ['clipGradNorm', 'clipGradValue', 'gradientNoise']
 * const clip = gradientTransforms.create('clipGradNorm', { maxNorm: 1 });
 * ```
 */
export const gradientTransforms: KindRegistry<GradientTransform> = registry.kind<GradientTransform>('gradient');

/** Whether a value is a {@link GradientTransform} instance.
 * @example
 * ```ts
 * isGradientTransform(clipGradNorm({ maxNorm: 1 })); // true
 * ```
 */
export function isGradientTransform(value: unknown): value is GradientTransform {
  const v = value as Partial<GradientTransform> | null;
  return v !== null && typeof v === 'object' && typeof v.name === 'string' && typeof v.apply === 'function';
}

/**
 * The global norm of a list of tensors: `(Σᵢ Σⱼ |gᵢⱼ|^p)^(1/p)` for `p = normType`
 * (2 by default; `Infinity` gives the largest absolute value), computed in float64.
 * @example
 * ```ts
 * globalNorm([tensor([3]), tensor([4])]); // 5
 * ```
 */
export function globalNorm(tensors: readonly (Tensor | TypedArray)[], normType = 2): number {
  let acc = 0;
  for (const t of tensors) {
    const a = t instanceof Tensor ? t.buffer() : t;
    if (normType === Infinity) {
      for (let i = 0; i < a.length; i++) { const v = Math.abs(a[i]!); if (v > acc || Number.isNaN(v)) acc = v; }
    } else if (normType === 2) {
      for (let i = 0; i < a.length; i++) acc += a[i]! * a[i]!;
    } else {
      for (let i = 0; i < a.length; i++) acc += Math.abs(a[i]!) ** normType;
    }
  }
  return normType === Infinity ? acc : normType === 2 ? Math.sqrt(acc) : acc ** (1 / normType);
}

/** A new tensor of the same shape and dtype with `f` applied to every value (outside the tape).
 * @example
 * ```ts
 * mapGradient(tensor([1, -2]), (v) => v * 0.5).toArray(); // [0.5, -1]
 * ```
 */
export function mapGradient(g: Tensor, f: (value: number, index: number) => number): Tensor {
  const src = g.buffer();
  const out = g.dtype === 'float64' ? new Float64Array(src.length) : new Float32Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = f(src[i]!, i);
  return fromValues(out, g.shape, g.dtype);
}
