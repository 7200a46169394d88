import { Reshape } from '../../../kernel_names.js';
import type { KernelConfig } from '../../../kernel_registry.js';
import { output, valuesOf } from '../backend_cpu.js';

// The output shares the input's storage: tensors are immutable to ops, so a view is safe.
/** CPU kernel for {@link Reshape}.
 * @example
 * ```ts
 * registerKernel(reshapeConfig);
 * ```
 */
export const reshapeConfig: KernelConfig = {
  kernelName: Reshape,
  outputAliases: 'x',
  backendName: 'cpu',
  kernelFunc: ({ inputs, attrs }) => output(valuesOf(inputs.x!), attrs.shape as number[], inputs.x!.dtype),
};
