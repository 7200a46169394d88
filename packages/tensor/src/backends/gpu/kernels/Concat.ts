import { Concat } from '../../../kernel_names.js';
import type { KernelConfig } from '../../../kernel_registry.js';
import { sizeOf } from '../../../shape.js';
import type { GpuKernelHost } from '../kernel_host.js';
import { divmod } from '../codegen.js';

/** Most inputs one gpu Concat reads (one texture unit each); more run on the CPU. */
const MAX_INPUTS = 8;

/** gpu.js kernel for {@link Concat}: each output element picks its input by its position along the axis.
 * @example
 * ```ts
 * registerKernel(concatConfig);
 * ```
 */
export const concatConfig: KernelConfig = {
  kernelName: Concat,
  backendName: 'gpu',
  kernelFunc: (args) => {
    const backend = args.backend as GpuKernelHost;
    const axis = args.attrs.axis as number;
    const xs = Object.keys(args.inputs).sort((p, q) => Number(p.slice(1)) - Number(q.slice(1))).map((k) => args.inputs[k]!);
    const first = xs[0]!;
    const shape = first.shape.slice();
    shape[axis] = xs.reduce((p, x) => p + x.shape[axis]!, 0);
    const n = sizeOf(shape);
    if (xs.length > MAX_INPUTS || !backend.supports(args.inputs) || !backend.supportsOutput(n)) return backend.runOnCpu(Concat, args);
    const inner = shape.slice(axis + 1).reduce((p, d) => p * d, 1);
    const A = shape[axis]!;
    let start = 0;
    const picks = xs.map((x, j) => {
      const a = x.shape[axis]!;
      const off = backend.clampIndex(`p * ${a * inner} + (ca - ${start}) * ${inner} + q`, sizeOf(x.shape));
      const line = j === xs.length - 1 ? `return X${j}[${off}];` : `if (ca < ${start + a}) { return X${j}[${off}]; }`;
      start += a;
      return line;
    });
    const source = `function(${xs.map((_, j) => `X${j}`).join(', ')}) {
const i = this.thread.x;
${divmod('i', A * inner, 'p', 'rem')}
${divmod('rem', inner, 'ca', 'q')}
${picks.join('\n')}
}`;
    return backend.output(backend.program(source, [n])(...xs.map((x) => backend.arg(x))), shape);
  },
};
