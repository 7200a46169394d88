import { BroadcastTo } from '../kernel_names.js';
import type { GradConfig } from '../kernel_registry.js';

/** Gradient of {@link BroadcastTo}.
 * @example
 * ```ts
 * registerGradient(broadcastToGrad);
 * ```
 */
export const broadcastToGrad: GradConfig = {
  kernelName: BroadcastTo,
  gradFunc: (dy, _ctx) => ({ x: () => dy }) // the engine sums dy back over the broadcast axes,
};
