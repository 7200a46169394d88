/**
 * The `maxNorm` constraint (Srivastava et al., "Dropout", JMLR 2014, §5.1; Keras `MaxNorm`).
 * @module
 */
import { ValueError, type Tensor } from '@descent/tensor';
import { formatValue, resolveOptions, rules } from '../options.js';
import { checkParamFilter, constraints, selectParameters, type Constraint, type ParamFilter } from './types.js';

/** Options of {@link maxNorm}.
 * @example
 * ```ts
 * const o: MaxNormOptions = { maxValue: 3, axis: 0, params: 'weights' };
 * ```
 */
export interface MaxNormOptions {
  /** The largest norm c allowed (default 2, Keras'; the dropout paper uses 3–4). */
  maxValue: number;
  /** The axis the norms are taken over (default 0: for a `Linear` weight `[in, out]`, the incoming
   * weights of each output unit, as Keras); null = the norm of the whole tensor. */
  axis: number | null;
  /** The parameters constrained (default `'weights'`). */
  params: ParamFilter;
}

/** Defaults of `maxNorm`.
 * @example
 * ```ts
 * maxNormDefaults.maxValue; // 2
 * ```
 */
export const maxNormDefaults: MaxNormOptions = { maxValue: 2, axis: 0, params: 'weights' };

/**
 * Rescale, after every update, each weight vector whose L2 norm exceeds `maxValue` back onto the
 * sphere of radius `maxValue`: `w ← w · c/‖w‖` when `‖w‖ > c` (vectors inside the ball are left
 * exactly as they are — Keras multiplies every vector by `clip(‖w‖, 0, c)/(ε + ‖w‖)`, which also
 * shrinks them by a factor 1/(1 + ε/‖w‖)). The norm is over `axis`; 1-D parameters use their whole norm.
 *
 * @throws ConfigError / ValueError for a non-positive `maxValue`, a bad axis or filter; at apply
 * time ValueError when `axis` is outside a selected parameter's rank.
 * @example
 * ```ts
 * new Trainer({ ...config, constraints: [{ name: 'maxNorm', options: { maxValue: 3 } }] });
 * const w = tensor([[3, 0], [4, 1]]);              // column norms 5 and 1
 * maxNorm({ maxValue: 2 }).apply([{ name: 'fc.weight', tensor: w }]);
 * w.toArray();                                     // ≈ [[1.2, 0], [1.6, 1]]
 * ```
 */
export function maxNorm(options: Partial<MaxNormOptions> = {}): Constraint {
  const { params, axis: axisOption, ...rest } = options ?? {};
  const filter = checkParamFilter('maxNorm', params);
  const axis = axisOption === undefined ? 0 : axisOption;
  if (axis !== null && !(Number.isInteger(axis) && axis >= 0)) {
    throw new ValueError(`maxNorm: option 'axis' must be a non-negative integer or null (the whole tensor), but got ${formatValue(axis)}`);
  }
  const o = { ...resolveOptions('maxNorm', { maxValue: 2 }, rest, { maxValue: rules.positive }), axis };
  return {
    name: 'maxNorm',
    apply(named) {
      for (const { name, tensor: t } of selectParameters(named, filter)) renormalize(t, o.maxValue, t.rank <= 1 ? null : o.axis, name);
    },
  };
}

function renormalize(t: Tensor, c: number, axis: number | null, name: string): void {
  const buf = t.data();
  if (axis === null) {
    let s = 0;
    for (let i = 0; i < buf.length; i++) s += buf[i]! * buf[i]!;
    const norm = Math.sqrt(s);
    if (norm > c) { const k = c / norm; for (let i = 0; i < buf.length; i++) buf[i] = buf[i]! * k; t.assign(buf); }
    return;
  }
  if (axis >= t.rank) throw new ValueError(`maxNorm: axis ${axis} is out of range for parameter '${name}' of shape [${t.shape.join(',')}]`);
  const len = t.shape[axis]!;
  const outer = t.shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const inner = t.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  let changed = false;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let s = 0;
      for (let k = 0; k < len; k++) { const v = buf[(o * len + k) * inner + i]!; s += v * v; }
      const norm = Math.sqrt(s);
      if (norm > c) {
        const f = c / norm;
        for (let k = 0; k < len; k++) { const j = (o * len + k) * inner + i; buf[j] = buf[j]! * f; }
        changed = true;
      }
    }
  }
  if (changed) t.assign(buf);
}

constraints.register<MaxNormOptions>({
  name: 'maxNorm',
  description: 'after each update, rescale weight vectors whose norm exceeds maxValue (Srivastava et al. 2014)',
  defaults: maxNormDefaults,
  create: (options) => maxNorm(options),
});
