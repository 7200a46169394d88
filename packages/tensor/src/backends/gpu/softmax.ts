import type { KernelArgs, KernelFunc } from '../../kernel_registry.js';
import { sizeOf } from '../../shape.js';
import type { GpuKernelHost } from './kernel_host.js';
import { chunkedLoop, divmod, gatherOffsets, mergeAxes } from './codegen.js';
import { reduceBlocks } from './reduce.js';

/**
 * Softmax or log-softmax along one axis in three passes that stay on the device: the maximum of each
 * row (a tree reduction), the sum of `exp(x − max)` per row, then one thread per element computing
 * `exp(x − max) / sum` or `x − max − log(sum)`.
 *
 * @example
 * ```ts
 * const logSoftmaxGpu = softmaxGpu('LogSoftmax', true);
 * ```
 */
export function softmaxGpu(kernelName: string, log: boolean): KernelFunc {
  return (args: KernelArgs) => {
    const backend = args.backend as GpuKernelHost;
    const x = args.inputs.x!;
    const axis = args.attrs.axis as number;
    const total = sizeOf(x.shape);
    if (!backend.supports(args.inputs) || !backend.supportsOutput(total)) return backend.runOnCpu(kernelName, args);
    const n = x.shape[axis]!;
    const inner = x.shape.slice(axis + 1).reduce((p, d) => p * d, 1);
    const outer = total / (n * inner);
    const X = backend.arg(x);
    const rows = outer * inner;
    const max = reduceBlocks(backend, X, outer, n, inner, 'max');
    const sumSource = `function(X, M) {
const o = this.thread.x;
${inner === 1 ? `const base = o * ${n};` : outer === 1 ? 'const base = o;' : `${divmod('o', inner, 'p', 'q')}\nconst base = p * ${n * inner} + q;`}
const m = M[o];
let acc = 0;
${chunkedLoop('r', n, `acc = acc + Math.exp(X[base + r * ${inner}] - m);`)}
return acc;
}`;
    const sum = backend.program(sumSource, [rows])(X, max);
    // each element reads its row's statistics: the row index is the element index with the axis stride 0
    const plan = mergeAxes([outer, n, inner], [[n * inner, inner, 1], [inner, 0, 1]]);
    const { code, offsets } = gatherOffsets('i', plan.dims, plan.strides, []);
    const outSource = `function(X, M, S) {
const i = this.thread.x;
${code}
const v = X[${offsets[0]}] - M[${offsets[1]}];
${log ? `return v - Math.log(S[${offsets[1]}]);` : `return Math.exp(v) / S[${offsets[1]}];`}
}`;
    const out = backend.program(outSource, [total])(X, max, sum);
    backend.free(max);
    backend.free(sum);
    return backend.output(out, x.shape);
  };
}
