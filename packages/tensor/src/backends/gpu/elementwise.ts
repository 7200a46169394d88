import type { TensorInfo } from '../../backend.js';
import type { KernelArgs, KernelFunc } from '../../kernel_registry.js';
import { broadcastShapes, sizeOf } from '../../shape.js';
import type { Attrs } from '../../types.js';
import type { GpuKernelHost } from './kernel_host.js';
import { bodyOf, broadcastStrides, contiguousStrides, gatherOffsets, mergeAxes } from './codegen.js';

/** An elementwise expression in the input names (gpu.js JavaScript), or a function of the attributes giving one. */
export type GpuExpression = string | ((attrs: Attrs) => string);

/**
 * Build a gpu kernel for `out = f(inputs…)` with NumPy broadcasting. The expression is gpu.js
 * JavaScript in the input names: an expression, or statements with `return`. Each output element is
 * one thread; broadcast inputs are indexed through strides (axes merged first, so a bias add reads
 * `b[i mod n]`). float64, empty or huge tensors run the CPU kernel instead, as do calls for which
 * `onCpu(attrs)` is true.
 *
 * @example
 * ```ts
 * const addGpu = elementwiseGpu('Add', ['a', 'b'], 'a + b');
 * ```
 */
export function elementwiseGpu(kernelName: string, names: string[], expression: GpuExpression, onCpu?: (attrs: Attrs) => boolean): KernelFunc {
  return (args: KernelArgs) => {
    const backend = args.backend as GpuKernelHost;
    const infos = names.map((k) => args.inputs[k]!);
    let shape: number[] = infos[0]!.shape.slice();
    for (let j = 1; j < infos.length; j++) shape = broadcastShapes(shape, infos[j]!.shape, kernelName);
    const n = sizeOf(shape);
    if (!backend.supports(args.inputs) || !backend.supportsOutput(n) || onCpu?.(args.attrs)) return backend.runOnCpu(kernelName, args);
    const expr = typeof expression === 'function' ? expression(args.attrs) : expression;
    return mapGpu(backend, infos, names, shape, expr);
  };
}

/** Run one elementwise program over `infos` (broadcast to `shape`) and wrap the result. */
export function mapGpu(backend: GpuKernelHost, infos: TensorInfo[], names: string[], shape: number[], expr: string): TensorInfo {
  const plan = mergeAxes(shape, infos.map((i) => broadcastStrides(i.shape, shape)));
  const { code, offsets } = gatherOffsets('i', plan.dims, plan.strides, []);
  const source = `function(${names.map((_, j) => `A${j}`).join(', ')}) {
const i = this.thread.x;
${code}
${names.map((k, j) => `const ${k} = A${j}[${offsets[j]}];`).join('\n')}
${bodyOf(expr)}
}`;
  const program = backend.program(source, [sizeOf(shape)]);
  return backend.output(program(...infos.map((i) => backend.arg(i))), shape);
}

/**
 * Copy `x` through a strided view into a new contiguous tensor of shape `outShape`: element `c` of the
 * output reads `x[base + Σ c_k · strides_k]`. Transpose, broadcastTo and slice are such views.
 *
 * @example
 * ```ts
 * gatherGpu(backend, x, [3, 2], [1, 3], 0); // the transpose of a 2×3 matrix
 * ```
 */
export function gatherGpu(backend: GpuKernelHost, x: TensorInfo, outShape: number[], strides: number[], base: number): TensorInfo {
  const plan = mergeAxes(outShape, [strides, contiguousStrides(outShape)]);
  const { code, offsets } = gatherOffsets('i', plan.dims, [plan.strides[0]!], [base]);
  const source = `function(X) {
const i = this.thread.x;
${code}
return X[${offsets[0]}];
}`;
  const program = backend.program(source, [sizeOf(outShape)]);
  return backend.output(program(backend.arg(x)), outShape);
}
