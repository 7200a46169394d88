import { Transpose } from '../kernel_names.js';
import type { GradConfig } from '../kernel_registry.js';
import { transpose } from '../ops/shape.js';

/** Gradient of {@link Transpose}.
 * @example
 * ```ts
 * registerGradient(transposeGrad);
 * ```
 */
export const transposeGrad: GradConfig = {
  kernelName: Transpose,
  gradFunc: (dy, { attrs }) => {
    const perm = attrs.perm as number[];
    const inverse = perm.map((_, i) => perm.indexOf(i));
    return { x: () => transpose(dy, inverse) };
  },
};
