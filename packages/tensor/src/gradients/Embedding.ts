import { Embedding, type EmbeddingAttrs } from '../kernel_names.js';
import type { GradConfig } from '../kernel_registry.js';
import { gatherRows, scatterAddRows } from '../ops/shape.js';

/** Gradient of {@link Embedding}: each output row's gradient is added into its table row; lookups
 * of `paddingIdx` contribute nothing (as PyTorch's `padding_idx`).
 * @example
 * ```ts
 * registerGradient(embeddingGrad);
 * ```
 */
export const embeddingGrad: GradConfig = {
  kernelName: Embedding,
  gradFunc: (dy, { inputs, attrs }) => ({
    weight: () => {
      const { indices, paddingIdx } = attrs as unknown as EmbeddingAttrs;
      const rows = inputs.weight!.shape[0]!;
      if (paddingIdx === null || !indices.includes(paddingIdx)) return scatterAddRows(dy, indices, rows);
      const kept = indices.flatMap((row, i) => (row === paddingIdx ? [] : [i]));
      return scatterAddRows(gatherRows(dy, kept), kept.map((i) => indices[i]!), rows);
    },
  }),
};
