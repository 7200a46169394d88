// Batch normalisation on the CPU, per channel c of x [N, C, S…] over the N·S values of the channel.
// Sums run in float64 whatever the dtype; the variance is two-pass (Σ(x − mean)²), as PyTorch's CPU kernel.
import type { TypedArray } from '../../types.js';

/** The layout of x as [N, C, S]: S is the product of the axes after the channel axis. */
export interface ChannelLayout { N: number; C: number; S: number }

/** x `[N, C, ...]` as {@link ChannelLayout}.
 * @example
 * ```ts
 * channelLayout([8, 16, 14, 14]); // { N: 8, C: 16, S: 196 }
 * ```
 */
export function channelLayout(shape: readonly number[]): ChannelLayout {
  let S = 1;
  for (let i = 2; i < shape.length; i++) S *= shape[i]!;
  return { N: shape[0]!, C: shape[1]!, S };
}

/** Per-channel mean and biased variance, into `mean` and `variance` (length C).
 * @example
 * ```ts
 * channelMoments(xs, channelLayout(shape), mean, variance);
 * ```
 */
export function channelMoments(x: TypedArray, layout: ChannelLayout, mean: Float64Array, variance: Float64Array): void {
  const count = layout.N * layout.S;
  for (let c = 0; c < layout.C; c++) {
    let s = 0;
    for (let n = 0; n < layout.N; n++) {
      for (let i = (n * layout.C + c) * layout.S, end = i + layout.S; i < end; i++) s += x[i]!;
    }
    const m = s / count;
    let q = 0;
    for (let n = 0; n < layout.N; n++) {
      for (let i = (n * layout.C + c) * layout.S, end = i + layout.S; i < end; i++) { const d = x[i]! - m; q += d * d; }
    }
    mean[c] = m;
    variance[c] = q / count;
  }
}

/** Per-channel mean and 1/√(var + eps). */
function statistics(x: TypedArray, layout: ChannelLayout, eps: number): { mean: Float64Array; invStd: Float64Array } {
  const mean = new Float64Array(layout.C), invStd = new Float64Array(layout.C);
  channelMoments(x, layout, mean, invStd);
  for (let c = 0; c < layout.C; c++) invStd[c] = 1 / Math.sqrt(invStd[c]! + eps);
  return { mean, invStd };
}

/** Mean and 1/√(var + eps) from given statistics (running ones, in eval). */
function givenStatistics(mean: TypedArray, variance: TypedArray, eps: number): { mean: TypedArray; invStd: Float64Array } {
  return { mean, invStd: Float64Array.from(variance, (v) => 1 / Math.sqrt(v + eps)) };
}

/** y = (x − mean)·invStd·γ + β with the batch's statistics, or with `given` ones (γ = 1, β = 0 when null).
 * @example
 * ```ts
 * batchNormForward(xs, ws, bs, out, channelLayout(shape), 1e-5);
 * ```
 */
export function batchNormForward(x: TypedArray, weight: TypedArray | null, bias: TypedArray | null, out: TypedArray, layout: ChannelLayout, eps: number,
  given: { mean: TypedArray; variance: TypedArray } | null = null): void {
  const { N, C, S } = layout;
  const { mean, invStd } = given ? givenStatistics(given.mean, given.variance, eps) : statistics(x, layout, eps);
  for (let c = 0; c < C; c++) {
    const m = mean[c]!, scale = invStd[c]!, g = weight ? weight[c]! : 1, b = bias ? bias[c]! : 0;
    for (let n = 0; n < N; n++) {
      for (let i = (n * C + c) * S, end = i + S; i < end; i++) out[i] = (x[i]! - m) * scale * g + b;
    }
  }
}

/** `out` [2·C]: Σ dy·x̂ per channel, then Σ dy per channel.
 * @example
 * ```ts
 * batchNormParamsGrad(xs, dys, out, channelLayout(shape), 1e-5);
 * ```
 */
export function batchNormParamsGrad(x: TypedArray, dy: TypedArray, out: TypedArray, layout: ChannelLayout, eps: number): void {
  const { mean, invStd } = statistics(x, layout, eps);
  const { N, C, S } = layout;
  for (let c = 0; c < C; c++) {
    const m = mean[c]!;
    let dyXc = 0, dySum = 0;
    for (let n = 0; n < N; n++) {
      for (let i = (n * C + c) * S, end = i + S; i < end; i++) { const d = dy[i]!; dyXc += d * (x[i]! - m); dySum += d; }
    }
    out[c] = dyXc * invStd[c]!;
    out[C + c] = dySum;
  }
}

/** dx = γ·invStd·(dy − Σdy/n − x̂·Σ(dy·x̂)/n), from the sums of {@link batchNormParamsGrad}.
 * @example
 * ```ts
 * batchNormInputGrad(xs, dys, ws, sums, dx, channelLayout(shape), 1e-5);
 * ```
 */
export function batchNormInputGrad(x: TypedArray, dy: TypedArray, weight: TypedArray | null, sums: TypedArray, dx: TypedArray, layout: ChannelLayout, eps: number): void {
  const { N, C, S } = layout;
  const count = N * S;
  const { mean, invStd } = statistics(x, layout, eps);
  for (let c = 0; c < C; c++) {
    const m = mean[c]!, scale = invStd[c]!, g = weight ? weight[c]! : 1;
    const dyMean = sums[C + c]! / count, dyXhatMean = sums[c]! / count;
    for (let n = 0; n < N; n++) {
      for (let i = (n * C + c) * S, end = i + S; i < end; i++) {
        const xhat = (x[i]! - m) * scale;
        dx[i] = g * scale * (dy[i]! - dyMean - xhat * dyXhatMean);
      }
    }
  }
}
