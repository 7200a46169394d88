import { Add } from '../kernel_names.js';
import type { GradConfig } from '../kernel_registry.js';

/** Gradient of {@link Add}.
 * @example
 * ```ts
 * registerGradient(addGrad);
 * ```
 */
export const addGrad: GradConfig = {
  kernelName: Add,
  gradFunc: (dy, _ctx) => ({ a: () => dy, b: () => dy }),
};
