import { runKernel } from '../engine.js';
import { ShapeError, ValueError } from '../errors.js';
import { Embedding } from '../kernel_names.js';
import { describe, formatShape } from '../shape.js';
import { Tensor } from '../tensor.js';
import type { NestedArray } from '../types.js';
import { checkOptions } from '../options.js';
import { toTensor } from './convert.js';
import { tensor } from './creation.js';
import { reshape } from './shape.js';

/** Options of {@link embedding}.
 * @example
 * ```ts
 * const o: EmbeddingOptions = { paddingIdx: 0 };
 * ```
 */
export interface EmbeddingOptions {
  /** A row of the table that receives no gradient (negative counts from the end, as in PyTorch). */
  paddingIdx?: number | null;
}

/** Integer indices of any shape, from a tensor (of integer values), nested arrays or a flat array. */
function indexList(indices: unknown, rows: number, op: string): { flat: number[]; shape: number[] } {
  let values: ArrayLike<number>;
  let shape: number[];
  if (indices instanceof Tensor) {
    values = indices.data();
    shape = indices.shape.slice();
  } else if (Array.isArray(indices) || ArrayBuffer.isView(indices)) {
    let t: Tensor;
    try {
      t = tensor(indices as NestedArray, { dtype: 'float64' });
    } catch {
      throw new ValueError(`${op}: indices must be a Tensor or a (nested) array of integers, but got ${describe(indices)}`);
    }
    values = t.data();
    shape = t.shape.slice();
  } else {
    throw new ValueError(`${op}: indices must be a Tensor or a (nested) array of integers, but got ${describe(indices)}`);
  }
  const flat = Array.from(values);
  flat.forEach((v, i) => {
    if (!Number.isInteger(v) || v < 0 || v >= rows) {
      throw new ValueError(`${op}: indices must be integers in [0, ${rows - 1}] (the rows of weight), but element ${i} is ${v}`);
    }
  });
  return { flat, shape };
}

/**
 * Embedding lookup (`torch.nn.functional.embedding`): for indices of shape `[...]` and a table
 * `weight` of shape `[numEmbeddings, dim]`, the rows `weight[indices]`, of shape `[..., dim]`. The
 * gradient scatter-adds into the table's rows; row `paddingIdx` gets no gradient.
 *
 * @throws ShapeError when weight is not 2-D; ValueError when an index is not an integer in range or
 * paddingIdx is not an integer in [−numEmbeddings, numEmbeddings).
 * @example
 * ```ts
 * const table = randn([10, 4], rng).requireGrad();
 * embedding(table, [[1, 2], [3, 0]]).shape; // [2, 2, 4]
 * ```
 */
export function embedding(weight: Tensor, indices: Tensor | NestedArray | ArrayLike<number>, options: EmbeddingOptions = {}): Tensor {
  const w = toTensor(weight, 'weight', 'embedding');
  if (w.rank !== 2) throw new ShapeError(`embedding: weight must be 2-D [numEmbeddings, dim], but has shape ${formatShape(w.shape)}`);
  const rows = w.shape[0]!;
  const { paddingIdx = null } = checkOptions(options, { paddingIdx: ['number', 'null'] }, 'embedding');
  let padding: number | null = null;
  if (paddingIdx !== null) {
    if (!Number.isInteger(paddingIdx) || paddingIdx < -rows || paddingIdx >= rows) {
      throw new ValueError(`embedding: options.paddingIdx must be an integer in [${-rows}, ${rows - 1}] or null, but got ${describe(paddingIdx)}`);
    }
    padding = paddingIdx < 0 ? paddingIdx + rows : paddingIdx;
  }
  const { flat, shape } = indexList(indices, rows, 'embedding');
  const out = runKernel(Embedding, { weight: w }, { indices: flat, paddingIdx: padding });
  return reshape(out, [...shape, w.shape[1]!]);
}
