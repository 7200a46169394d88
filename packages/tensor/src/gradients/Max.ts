import { Max } from '../kernel_names.js';
import type { GradConfig } from '../kernel_registry.js';
import { div, mul } from '../ops/arithmetic.js';
import { equal } from '../ops/compare.js';
import { sum } from '../ops/reduce.js';
import { reshape } from '../ops/shape.js';
import { reducedShape } from '../shape.js';

/** Gradient of {@link Max}.
 * @example
 * ```ts
 * registerGradient(maxGrad);
 * ```
 */
export const maxGrad: GradConfig = {
  kernelName: Max,
  gradFunc: (dy, { inputs, output, attrs }) => {
    const { axes } = attrs as { axes: number[] };
    const kept = reducedShape(inputs.x!.shape, axes, true);
    return {
      // ties share the gradient equally, like torch.amax
      x: () => {
        const mask = equal(inputs.x!, reshape(output, kept));
        return mul(reshape(dy, kept), div(mask, sum(mask, axes, { keepDims: true })));
      },
    };
  },
};
