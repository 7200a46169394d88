import { GatherRows } from '../kernel_names.js';
import type { GradConfig } from '../kernel_registry.js';
import { scatterAddRows } from '../ops/shape.js';

/** Gradient of {@link GatherRows}.
 * @example
 * ```ts
 * registerGradient(gatherRowsGrad);
 * ```
 */
export const gatherRowsGrad: GradConfig = {
  kernelName: GatherRows,
  gradFunc: (dy, { inputs, attrs }) => ({ x: () => scatterAddRows(dy, attrs.indices as number[], inputs.x!.shape[0]!) }),
};
