import type { KernelFunc } from '../../kernel_registry.js';
import { newOutput, valuesOf } from './backend_cpu.js';

/**
 * Softmax or log-softmax along one axis, with the maximum subtracted first for stability.
 * The axis is walked with stride `inner`, so any axis works without a transpose.
 *
 * @example
 * ```ts
 * const logSoftmaxCpu = softmaxKernel(true);
 * ```
 */
export function softmaxKernel(log: boolean): KernelFunc {
  return ({ inputs, attrs }) => {
    const x = inputs.x!;
    const axis = attrs.axis as number;
    const [out, info] = newOutput(x.shape, x.dtype);
    const X = valuesOf(x);
    const n = x.shape[axis]!;
    let inner = 1;
    for (let i = axis + 1; i < x.shape.length; i++) inner *= x.shape[i]!;
    const outer = n * inner === 0 ? 0 : X.length / (n * inner);
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < inner; j++) {
        const base = o * n * inner + j;
        let max = -Infinity;
        for (let i = 0, p = base; i < n; i++, p += inner) if (X[p]! > max || X[p] !== X[p]) max = X[p]!;
        if (max === -Infinity) max = 0;
        let total = 0;
        for (let i = 0, p = base; i < n; i++, p += inner) total += Math.exp(X[p]! - max);
        if (log) {
          const shift = max + Math.log(total);
          for (let i = 0, p = base; i < n; i++, p += inner) out[p] = X[p]! - shift;
        } else {
          for (let i = 0, p = base; i < n; i++, p += inner) out[p] = Math.exp(X[p]! - max) / total;
        }
      }
    }
    return info;
  };
}
