import { Softmax } from '../kernel_names.js';
import type { GradConfig } from '../kernel_registry.js';
import { mul, sub } from '../ops/arithmetic.js';
import { sum } from '../ops/reduce.js';

/** Gradient of {@link Softmax}.
 * @example
 * ```ts
 * registerGradient(softmaxGrad);
 * ```
 */
export const softmaxGrad: GradConfig = {
  kernelName: Softmax,
  gradFunc: (dy, { output, attrs }) => ({ x: () => mul(output, sub(dy, sum(mul(dy, output), attrs.axis as number, { keepDims: true }))) }),
};
