// Batch normalisation on the CPU, per channel c of x [N, C, S…] over the N·S values of the channel.
// Sums run in float64 whatever the dtype; the variance is two-pass (Σ(x − mean)²), as PyTorch's CPU kernel.
// Tensors in the tensor heap run the same loops in WebAssembly (wasm/batch_norm_wasm.ts), bitwise identical.
import type { TypedArray } from '../../types.js';
import { batchNormKernels } from './wasm/batch_norm_wasm.js';

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

// The per-channel sums below keep four partial sums (elements i ≡ 0, 1, 2, 3 mod 4 of each run of S),
// added at the end: one float64 accumulator is a chain of dependent additions, ~4 cycles each; four
// chains overlap. The order is fixed by the layout alone, so results stay reproducible.

/** Σ x over channel c. */
function channelSum(x: TypedArray, { N, C, S }: ChannelLayout, c: number): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  for (let n = 0; n < N; n++) {
    const start = (n * C + c) * S, end = start + S;
    let i = start;
    for (; i + 3 < end; i += 4) { s0 += x[i]!; s1 += x[i + 1]!; s2 += x[i + 2]!; s3 += x[i + 3]!; }
    for (; i < end; i++) s0 += x[i]!;
  }
  return (s0 + s1) + (s2 + s3);
}

/** Σ (x − m)² over channel c. */
function channelSquaredDeviation(x: TypedArray, { N, C, S }: ChannelLayout, c: number, m: number): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  for (let n = 0; n < N; n++) {
    const start = (n * C + c) * S, end = start + S;
    let i = start;
    for (; i + 3 < end; i += 4) {
      const d0 = x[i]! - m, d1 = x[i + 1]! - m, d2 = x[i + 2]! - m, d3 = x[i + 3]! - m;
      s0 += d0 * d0; s1 += d1 * d1; s2 += d2 * d2; s3 += d3 * d3;
    }
    for (; i < end; i++) { const d = x[i]! - m; s0 += d * d; }
  }
  return (s0 + s1) + (s2 + s3);
}

/** Per-channel mean and biased variance, into `mean` and `variance` (length C).
 * @example
 * ```ts
 * channelMoments(xs, channelLayout(shape), mean, variance);
 * ```
 */
export function channelMoments(x: TypedArray, layout: ChannelLayout, mean: Float64Array, variance: Float64Array): void {
  const { N, C, S } = layout;
  const count = N * S;
  const wasm = batchNormKernels([x]);
  for (let c = 0; c < C; c++) {
    const m = (wasm ? wasm.sum(x.byteOffset, N, C, S, c) : channelSum(x, layout, c)) / count;
    mean[c] = m;
    variance[c] = (wasm ? wasm.squaredDeviation(x.byteOffset, N, C, S, c, m) : channelSquaredDeviation(x, layout, c, m)) / count;
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
  const wasm = batchNormKernels([x, out]);
  for (let c = 0; c < C; c++) {
    const m = mean[c]!, scale = invStd[c]!, g = weight ? weight[c]! : 1, b = bias ? bias[c]! : 0;
    if (wasm) { wasm.normalize(x.byteOffset, out.byteOffset, N, C, S, c, m, scale, g, b); continue; }
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
  const wasm = batchNormKernels([x, dy]);
  for (let c = 0; c < C; c++) {
    const m = mean[c]!;
    if (wasm) {
      const [dyXc, dySum] = wasm.paramsGrad(x.byteOffset, dy.byteOffset, N, C, S, c, m);
      out[c] = dyXc * invStd[c]!;
      out[C + c] = dySum;
      continue;
    }
    let p0 = 0, p1 = 0, q0 = 0, q1 = 0; // Σ dy·(x − m) and Σ dy, two partial sums each
    for (let n = 0; n < N; n++) {
      const start = (n * C + c) * S, end = start + S;
      let i = start;
      for (; i + 1 < end; i += 2) {
        const d0 = dy[i]!, d1 = dy[i + 1]!;
        p0 += d0 * (x[i]! - m); p1 += d1 * (x[i + 1]! - m); q0 += d0; q1 += d1;
      }
      if (i < end) { const d = dy[i]!; p0 += d * (x[i]! - m); q0 += d; }
    }
    out[c] = (p0 + p1) * invStd[c]!;
    out[C + c] = q0 + q1;
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
  const wasm = batchNormKernels([x, dy, dx]);
  for (let c = 0; c < C; c++) {
    const m = mean[c]!, scale = invStd[c]!, g = weight ? weight[c]! : 1;
    const dyMean = sums[C + c]! / count, dyXhatMean = sums[c]! / count;
    if (wasm) { wasm.inputGrad(x.byteOffset, dy.byteOffset, dx.byteOffset, N, C, S, c, m, scale, g, dyMean, dyXhatMean); continue; }
    for (let n = 0; n < N; n++) {
      for (let i = (n * C + c) * S, end = i + S; i < end; i++) {
        const xhat = (x[i]! - m) * scale;
        dx[i] = g * scale * (dy[i]! - dyMean - xhat * dyXhatMean);
      }
    }
  }
}
