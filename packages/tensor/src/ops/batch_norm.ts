import { runKernel } from '../engine.js';
import { DTypeError, ShapeError, ValueError } from '../errors.js';
import { BatchMoments, BatchNorm } from '../kernel_names.js';
import { describe, formatShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { checkOptions } from '../options.js';
import { toTensor } from './convert.js';

/** Options of {@link batchNorm}.
 * @example
 * ```ts
 * const o: BatchNormOptions = { weight: gamma, bias: beta, eps: 1e-5 };
 * ```
 */
export interface BatchNormOptions {
  /** Per-channel scale γ `[C]` (default: none, i.e. 1). */
  weight?: Tensor | null;
  /** Per-channel shift β `[C]` (default: none, i.e. 0). */
  bias?: Tensor | null;
  /** Added to the variance before the square root. Default 1e-5. */
  eps?: number;
  /** Normalise with these statistics `[C]` (running ones, PyTorch's eval mode) instead of the
   * batch's; give both or neither. */
  mean?: Tensor | null;
  /** The variance to normalise with, with `mean`. */
  variance?: Tensor | null;
}

/** x as a tensor of rank ≥ 2, with more than one value per channel when `batchStatistics`. */
function channelInput(x: Tensor, op: string, batchStatistics = true): Tensor {
  const tx = toTensor(x, 'x', op);
  if (tx.rank < 2) throw new ShapeError(`${op}: x must be [batch, channels, ...], but got shape ${formatShape(tx.shape)}`);
  if (batchStatistics && tx.size / tx.shape[1]! <= 1) {
    throw new ValueError(`${op}: expected more than 1 value per channel, but got x of shape ${formatShape(tx.shape)}`);
  }
  return tx;
}

/**
 * Batch normalisation with the batch's statistics (PyTorch's `F.batch_norm` in training mode,
 * without running statistics): per channel c (axis 1) of `x` `[N, C, ...]`, over every other axis,
 * `y = (x − mean_c)/√(var_c + eps)·γ_c + β_c` with the biased variance. One fused kernel forward,
 * two backward (the sums Σ dy·x̂ and Σ dy per channel, then dx). Differentiable in x, weight and bias.
 * With `mean` and `variance` given, those normalise instead (eval mode; differentiable in them too).
 *
 * @throws ShapeError when x has rank < 2 or weight/bias is not `[C]`; ValueError when a channel has
 * one value only (batch statistics), eps is not a finite number ≥ 0, or only one of mean and
 * variance is given; DTypeError for mixed dtypes.
 * @example
 * ```ts
 * const x = randn([8, 16, 14, 14], rng);
 * batchNorm(x, { weight: ones([16]), bias: zeros([16]) }).shape; // [8, 16, 14, 14]
 * ```
 */
export function batchNorm(x: Tensor, options: BatchNormOptions = {}): Tensor {
  const op = 'batchNorm';
  const o = checkOptions(options, { weight: ['object', 'null'], bias: ['object', 'null'], eps: 'number', mean: ['object', 'null'], variance: ['object', 'null'] }, op);
  const given = (o.mean ?? null) !== null;
  if (given !== ((o.variance ?? null) !== null)) throw new ValueError(`${op}: give both mean and variance, or neither`);
  const tx = channelInput(x, op, !given);
  const eps = o.eps ?? 1e-5;
  if (!Number.isFinite(eps) || eps < 0) throw new ValueError(`${op}: eps must be a finite number ≥ 0, but got ${describe(eps)}`);
  const C = tx.shape[1]!;
  const inputs: Record<string, Tensor> = { x: tx };
  for (const name of ['weight', 'bias', 'mean', 'variance'] as const) {
    const p = o[name];
    if (p === undefined || p === null) continue;
    const t = toTensor(p, name, op);
    if (t.rank !== 1 || t.shape[0] !== C) throw new ShapeError(`${op}: ${name} must be [${C}] (one per channel), but got shape ${formatShape(t.shape)}`);
    if (t.dtype !== tx.dtype) throw new DTypeError(`${op}: dtypes differ: x is ${tx.dtype}, ${name} is ${t.dtype}`);
    inputs[name] = t;
  }
  return runKernel(BatchNorm, inputs, { eps });
}

/**
 * The per-channel batch statistics that {@link batchNorm} normalises with: `[2, C]`, row 0 the
 * mean and row 1 the biased variance of each channel (axis 1) of `x` `[N, C, ...]`. Not
 * differentiable: for running statistics, under `noGrad`.
 *
 * @throws ShapeError when x has rank < 2; ValueError when a channel has one value only.
 * @example
 * ```ts
 * batchMoments(tensor([[1, 10], [3, 30]])).toArray(); // [[2, 20], [1, 100]]
 * ```
 */
export function batchMoments(x: Tensor): Tensor {
  return runKernel(BatchMoments, { x: channelInput(x, 'batchMoments') });
}
