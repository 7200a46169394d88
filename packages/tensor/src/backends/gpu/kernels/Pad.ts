import { Pad, type PadAttrs } from '../../../kernel_names.js';
import type { KernelConfig } from '../../../kernel_registry.js';
import { sizeOf } from '../../../shape.js';
import type { GpuKernelHost } from '../kernel_host.js';
import { contiguousStrides, divmod } from '../codegen.js';

/** gpu.js kernel for {@link Pad}: each output element reads the input where it lies inside it, else 0.
 * @example
 * ```ts
 * registerKernel(padConfig);
 * ```
 */
export const padConfig: KernelConfig = {
  kernelName: Pad,
  backendName: 'gpu',
  kernelFunc: (args) => {
    const backend = args.backend as GpuKernelHost;
    const x = args.inputs.x!;
    const { before, shape } = args.attrs as unknown as PadAttrs;
    const n = sizeOf(shape);
    if (!backend.supports(args.inputs) || !backend.supportsOutput(n)) return backend.runOnCpu(Pad, args);
    const rank = shape.length;
    const own = contiguousStrides(x.shape);
    let code = '';
    let rest = 'i';
    for (let k = rank - 1; k > 0; k--) { code += divmod(rest, shape[k]!, `t${k}`, `c${k}`) + '\n'; rest = `t${k}`; }
    code += `const c0 = ${rest};\n`;
    const conds: string[] = [];
    const terms: string[] = [];
    for (let k = 0; k < rank; k++) {
      const b = before[k]!, d = x.shape[k]!;
      if (b > 0) conds.push(`c${k} >= ${b}`);
      if (b + d < shape[k]!) conds.push(`c${k} < ${b + d}`);
      terms.push(b ? `(c${k} - ${b}) * ${own[k]}` : `c${k} * ${own[k]}`);
    }
    const off = backend.clampIndex(terms.join(' + ') || '0', sizeOf(x.shape));
    const source = `function(X) {
const i = this.thread.x;
${code}
return ${conds.length ? `(${conds.join(' && ')}) ? X[${off}] : 0` : `X[${off}]`};
}`;
    return backend.output(backend.program(source, [n])(backend.arg(x)), shape);
  },
};
