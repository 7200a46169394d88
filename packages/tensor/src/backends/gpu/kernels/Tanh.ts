import { Tanh } from '../../../kernel_names.js';
import type { KernelConfig } from '../../../kernel_registry.js';
import { elementwiseGpu } from '../elementwise.js';

// GLSL ES 1.00 has no tanh; computed from e^(−2|x|), which never overflows.
/** gpu.js kernel for {@link Tanh}.
 * @example
 * ```ts
 * registerKernel(tanhConfig);
 * ```
 */
export const tanhConfig: KernelConfig = {
  kernelName: Tanh,
  backendName: 'gpu',
  kernelFunc: elementwiseGpu(Tanh, ['x'], [
    'const ax = Math.abs(x);',
    // NOTE: 1 − e^(−2|x|) cancels for small |x|; a 4-term series is exact to float32 below 0.1
    'if (ax < 0.1) { const x2 = x * x; return x * (1 - x2 * (0.3333333333 - x2 * (0.1333333333 - x2 * 0.0539682540))); }',
    'const e = Math.exp(-2 * ax); const t = (1 - e) / (1 + e);',
    'return x < 0 ? -t : t;',
  ].join(' ')),
};
