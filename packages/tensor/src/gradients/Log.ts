import { Log } from '../kernel_names.js';
import type { GradConfig } from '../kernel_registry.js';
import { div } from '../ops/arithmetic.js';

/** Gradient of {@link Log}.
 * @example
 * ```ts
 * registerGradient(logGrad);
 * ```
 */
export const logGrad: GradConfig = {
  kernelName: Log,
  gradFunc: (dy, { inputs }) => ({ x: () => div(dy, inputs.x!) }),
};
