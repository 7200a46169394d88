import { LogSoftmax } from '../kernel_names.js';
import type { GradConfig } from '../kernel_registry.js';
import { mul, sub } from '../ops/arithmetic.js';
import { sum } from '../ops/reduce.js';
import { exp } from '../ops/unary.js';

/** Gradient of {@link LogSoftmax}.
 * @example
 * ```ts
 * registerGradient(logSoftmaxGrad);
 * ```
 */
export const logSoftmaxGrad: GradConfig = {
  kernelName: LogSoftmax,
  gradFunc: (dy, { output, attrs }) => ({ x: () => sub(dy, mul(exp(output), sum(dy, attrs.axis as number, { keepDims: true }))) }),
};
