import { Concat } from '../kernel_names.js';
import type { GradConfig } from '../kernel_registry.js';
import { slice } from '../ops/shape.js';
import type { Tensor } from '../tensor.js';

/** Gradient of {@link Concat}.
 * @example
 * ```ts
 * registerGradient(concatGrad);
 * ```
 */
export const concatGrad: GradConfig = {
  kernelName: Concat,
  gradFunc: (dy, { inputs, attrs }) => {
    const axis = attrs.axis as number;
    const grads: Record<string, () => Tensor> = {};
    let offset = 0;
    for (const name of Object.keys(inputs).sort((p, q) => Number(p.slice(1)) - Number(q.slice(1)))) {
      const x = inputs[name]!;
      const begin = dy.shape.map((_, i) => (i === axis ? offset : 0));
      grads[name] = () => slice(dy, begin, x.shape);
      offset += x.shape[axis]!;
    }
    return grads;
  },
};
