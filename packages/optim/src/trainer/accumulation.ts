/**
 * Gradient accumulation (`TrainerConfig.accumulateGradBatches`, PyTorch Lightning's
 * `accumulate_grad_batches`): one optimizer step per group of `k` consecutive micro-batches.
 *
 * Each micro-batch's mean loss is weighted by its share of the group's samples, `nᵢ/N`, so the
 * summed gradient is the mean gradient over the group's `N` samples: the gradient of one batch of
 * those samples. A group at the end of an epoch with fewer than `k` micro-batches is stepped with
 * what it holds (as Lightning does), weighted by its own sample count (Lightning divides by `k`
 * whatever the group holds).
 * @module
 */
import { ValueError, add, gradients, noGrad, type Tensor } from '@descent/tensor';
import { formatValue } from '../options.js';

/**
 * Check `accumulateGradBatches`: an integer ≥ 1 (1, the default, is no accumulation).
 * @throws ValueError naming the option, what it means and what was given.
 * @example
 * ```ts
 * checkAccumulateGradBatches(4); // 4
 * checkAccumulateGradBatches(undefined); // 1
 * ```
 */
export function checkAccumulateGradBatches(value: unknown): number {
  if (value === undefined) return 1;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new ValueError(`Trainer: accumulateGradBatches must be an integer ≥ 1 (the micro-batches whose gradients are summed into one optimizer step; 1 = no accumulation), but got ${formatValue(value)}`);
  }
  return value;
}

/**
 * Optimizer steps of an epoch of `microBatches` micro-batches: `⌈microBatches / k⌉` (the last
 * group may hold fewer than `k`).
 * @example
 * ```ts
 * optimizerStepsPerEpoch(5, 2); // 3
 * ```
 */
export function optimizerStepsPerEpoch(microBatches: number, k: number): number {
  return Math.ceil(microBatches / k);
}

/**
 * Cut an epoch's micro-batches into the groups of one optimizer step each: consecutive runs of
 * `k`, the last one shorter when `k` does not divide their number.
 * @example
 * ```ts
 * groupMicroBatches([a, b, c, d, e], 2); // [[a, b], [c, d], [e]]
 * ```
 */
export function groupMicroBatches<T>(microBatches: readonly T[], k: number): T[][] {
  const groups: T[][] = [];
  for (let i = 0; i < microBatches.length; i += k) groups.push(microBatches.slice(i, i + k));
  return groups;
}

/**
 * The weight of each micro-batch's mean loss in its group: its share `nᵢ/N` of the group's
 * samples (exactly 1 for a group of one micro-batch).
 * @example
 * ```ts
 * microBatchWeights([Int32Array.of(0, 1, 2, 3), Int32Array.of(4, 5)]); // [4/6, 2/6]
 * ```
 */
export function microBatchWeights(group: readonly Int32Array[]): number[] {
  const total = group.reduce((s, b) => s + b.length, 0);
  return group.map((b) => (group.length === 1 ? 1 : b.length / total));
}

/** What {@link accumulateGradients} returns.
 * @example
 * ```ts
 * const { objective, grads }: AccumulatedGradients = accumulateGradients(group, params, pass);
 * ```
 */
export interface AccumulatedGradients {
  /** The sum of the micro-batches' objectives (the group's loss, penalties included). */
  objective: number;
  /** The gradient of that sum with respect to each parameter, summed in micro-batch order. */
  grads: Tensor[];
}

/**
 * Backpropagate each micro-batch's objective (`objective(indices, i)`, a scalar already weighted)
 * in turn and sum the gradients, freeing each graph before the next forward pass. With one
 * micro-batch the gradients are those of its backward pass, unchanged.
 * @example
 * ```ts
 * const weights = microBatchWeights(group);
 * const { grads } = accumulateGradients(group, params, (idx, i) => mul(loss(model(rows(idx)), targets(idx)), weights[i]));
 * ```
 */
export function accumulateGradients(group: readonly Int32Array[], params: readonly Tensor[], objective: (indices: Int32Array, index: number) => Tensor): AccumulatedGradients {
  let value = 0;
  let sum: Tensor[] | null = null;
  group.forEach((indices, i) => {
    const total = objective(indices, i);
    const grads = gradients(total, params as Tensor[]);
    value += total.item();
    const previous: Tensor[] | null = sum;
    sum = previous === null ? grads : noGrad(() => previous.map((s, j) => add(s, grads[j]!)));
  });
  if (sum === null) throw new ValueError('accumulateGradients: a group needs at least one micro-batch');
  return { objective: value, grads: sum };
}
