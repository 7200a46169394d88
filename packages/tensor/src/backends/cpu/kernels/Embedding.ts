import { Embedding } from '../../../kernel_names.js';
import type { KernelConfig } from '../../../kernel_registry.js';
import { gatherRowsConfig } from './GatherRows.js';

/** CPU kernel for {@link Embedding}: the forward pass is a row gather (the padding row only matters to the gradient).
 * @example
 * ```ts
 * registerKernel(embeddingConfig);
 * ```
 */
export const embeddingConfig: KernelConfig = {
  kernelName: Embedding,
  backendName: 'cpu',
  kernelFunc: (args) => gatherRowsConfig.kernelFunc({ ...args, inputs: { x: args.inputs.weight! } }),
};
