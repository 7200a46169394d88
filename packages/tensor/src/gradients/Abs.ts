import { Abs } from '../kernel_names.js';
import type { GradConfig } from '../kernel_registry.js';
import { mul } from '../ops/arithmetic.js';
import { sign } from '../ops/unary.js';

/** Gradient of {@link Abs}.
 * @example
 * ```ts
 * registerGradient(absGrad);
 * ```
 */
export const absGrad: GradConfig = {
  kernelName: Abs,
  gradFunc: (dy, { inputs }) => ({ x: () => mul(dy, sign(inputs.x!)) }),
};
