/**
 * Recompute BatchNorm running statistics for the current weights, as
 * `torch.optim.swa_utils.update_bn`: needed after swapping in averaged weights (SWA / EMA, the
 * `averaged` optimizer), whose running statistics were never computed.
 *
 * @module
 */
import { noGrad, ValueError, type Tensor } from '@descent/tensor';
import { BatchNorm1d, type AnyModule } from '@descent/layers';
import { takeRows } from './batch.js';

/**
 * Reset every BatchNorm layer's running mean, variance and batch count, then run the data through
 * the model in training mode, without gradients, in order, `batchSize` rows at a time, with a
 * cumulative average (PyTorch's `momentum=None`); afterwards each layer's momentum and the model's
 * training mode are as before. A model without BatchNorm is left untouched.
 * @param model the model (a `Module` tree).
 * @param x the inputs (the training data), `[N, …]`.
 * @param options `batchSize` (default 32, rows per forward pass).
 * @throws ValueError for a bad batch size.
 * @example
 * ```ts
 * opt.evalMode();                         // the averaged weights
 * updateBatchNorm(model, xTrain, { batchSize: 64 });
 * const acc = trainer.evaluate(test);
 * ```
 */
export function updateBatchNorm(model: AnyModule, x: Tensor, options: { batchSize?: number } = {}): void {
  const batchSize = options.batchSize ?? 32;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new ValueError(`updateBatchNorm: batchSize must be a positive integer, but got ${String(batchSize)}`);
  const layers = model.modules().filter((m): m is BatchNorm1d => m instanceof BatchNorm1d && m.trackRunningStats);
  if (layers.length === 0) return;
  const momenta = layers.map((m) => m.momentum);
  const wasTraining = (model as { training?: boolean }).training !== false;
  for (const m of layers) {
    m.runningMean.assign(new Array<number>(m.runningMean.size).fill(0));
    m.runningVar.assign(new Array<number>(m.runningVar.size).fill(1));
    m.numBatchesTracked.assign([0]);
    (m as { momentum: number | null }).momentum = null;
  }
  model.train(true);
  try {
    noGrad(() => {
      const n = x.shape[0]!;
      for (let start = 0; start < n; start += batchSize) {
        const idx = Int32Array.from({ length: Math.min(batchSize, n - start) }, (_, i) => start + i);
        model.call(takeRows(x, idx));
      }
    });
  } finally {
    layers.forEach((m, i) => { (m as { momentum: number | null }).momentum = momenta[i]!; });
    model.train(wasTraining);
  }
}
