import { ScatterAddRows } from '../kernel_names.js';
import type { GradConfig } from '../kernel_registry.js';
import { gatherRows } from '../ops/shape.js';

/** Gradient of {@link ScatterAddRows}.
 * @example
 * ```ts
 * registerGradient(scatterAddRowsGrad);
 * ```
 */
export const scatterAddRowsGrad: GradConfig = {
  kernelName: ScatterAddRows,
  gradFunc: (dy, { attrs }) => ({ x: () => gatherRows(dy, attrs.indices as number[]) }),
};
