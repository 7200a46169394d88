import { runKernel } from '../engine.js';
import { BatchNorm, BatchNormGrad, BatchNormParamsGrad } from '../kernel_names.js';
import type { GradConfig } from '../kernel_registry.js';
import type { Tensor } from '../tensor.js';
import { add, mul, neg, pow, sub } from '../ops/arithmetic.js';
import { sum } from '../ops/reduce.js';
import { reshape, slice } from '../ops/shape.js';

/** Gradient of {@link BatchNorm}: one kernel sums Σ dy·x̂ and Σ dy per channel (γ's and β's
 * gradients), another turns them into dx, through the batch statistics. With given statistics
 * (eval) the normalisation is a per-channel affine map, differentiated by tensor ops.
 * @example
 * ```ts
 * registerGradient(batchNormGrad);
 * ```
 */
export const batchNormGrad: GradConfig = {
  kernelName: BatchNorm,
  gradFunc: (dy, { inputs, attrs }) => {
    const { x, weight, mean, variance } = inputs;
    if (mean && variance) return givenStatisticsGrad(dy, x!, weight ?? null, mean, variance, (attrs as { eps: number }).eps);
    let sums: Tensor | null = null;
    const paramGrads = () => (sums ??= runKernel(BatchNormParamsGrad, { x: x!, dy }, attrs));
    const row = (r: number) => reshape(slice(paramGrads(), [r, 0], [1, -1]), [x!.shape[1]!]);
    return {
      x: () => runKernel(BatchNormGrad, { x: x!, dy, ...(weight ? { weight } : {}), paramGrads: paramGrads() }, attrs),
      weight: () => row(0),
      bias: () => row(1),
    };
  },
};

/** y = (x − μ)·r·γ + β with r = (σ² + eps)^−½ and μ, σ² inputs: dx = dy·r·γ, dγ = Σ dy·(x − μ)·r,
 * dβ = Σ dy, dμ = −Σ dy·r·γ, dσ² = −½·Σ dy·(x − μ)·γ·r³ (sums over every axis but 1). */
function givenStatisticsGrad(dy: Tensor, x: Tensor, weight: Tensor | null, mean: Tensor, variance: Tensor, eps: number): Record<string, () => Tensor> {
  const C = x.shape[1]!;
  const axes = x.shape.map((_, i) => i).filter((i) => i !== 1);
  const asChannels = (t: Tensor) => reshape(t, x.shape.map((d, i) => (i === 1 ? C : 1)));
  const invStd = pow(add(variance, eps), -0.5);
  const scale = weight ? mul(invStd, weight) : invStd;
  const centred = () => sub(x, asChannels(mean));
  return {
    x: () => mul(dy, asChannels(scale)),
    weight: () => mul(sum(mul(dy, centred()), axes), invStd),
    bias: () => sum(dy, axes),
    mean: () => neg(mul(sum(dy, axes), scale)),
    variance: () => mul(sum(mul(dy, centred()), axes), mul(mul(scale, pow(invStd, 2)), -0.5)),
  };
}
