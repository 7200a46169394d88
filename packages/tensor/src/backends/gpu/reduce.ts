import type { TensorInfo } from '../../backend.js';
import type { ReduceAttrs } from '../../kernel_names.js';
import type { KernelArgs, KernelFunc } from '../../kernel_registry.js';
import { reducedShape, sizeOf } from '../../shape.js';
import type { GpuArg, GpuKernelHost } from './kernel_host.js';
import { contiguousStrides, divmod } from './codegen.js';
import { gatherGpu } from './elementwise.js';

/** A reduction: how `acc` absorbs a value `v`. */
export type ReduceKind = 'sum' | 'max';

/** Elements one thread reduces per pass; longer reductions take several passes (a tree). */
export const REDUCE_BLOCK = 1024;

const COMBINE: Record<ReduceKind, string> = {
  sum: 'acc = acc + v;',
  // NaN propagates, as in the CPU kernel
  max: 'if (v > acc || v !== v) { acc = v; }',
};

/**
 * Reduce a flat tensor viewed as `[outer, R, inner]` over its middle axis, giving `[outer, inner]`.
 * Each thread folds at most {@link REDUCE_BLOCK} elements; a longer axis is first cut into blocks
 * whose partial results are reduced again, so every loop stays short on any GPU.
 *
 * @example
 * ```ts
 * const sums = reduceBlocks(backend, backend.arg(x), 4, 6, 1, 'sum'); // row sums of a 4×6 matrix
 * ```
 */
export function reduceBlocks(backend: GpuKernelHost, x: GpuArg, outer: number, R: number, inner: number, kind: ReduceKind): unknown {
  const B = REDUCE_BLOCK;
  if (R <= B) {
    const n = outer * inner;
    const index = inner === 1 ? `const base = o * ${R};` : outer === 1 ? 'const base = o;' : `${divmod('o', inner, 'p', 'q')}\nconst base = p * ${R * inner} + q;`;
    const source = `function(X) {
const o = this.thread.x;
${index}
let acc = X[base];
for (let r = 1; r < ${R}; r++) {
const v = X[base + r * ${inner}];
${COMBINE[kind]}
}
return acc;
}`;
    return backend.program(source, [n])(x);
  }
  const P = Math.ceil(R / B);
  const guard = R % B !== 0;
  const source = `function(X) {
const t = this.thread.x;
${divmod('t', inner, 'u', 'q')}
${divmod('u', P, 'p', 'blk')}
const base = p * ${R * inner} + blk * ${B * inner} + q;
let acc = X[base];
for (let r = 1; r < ${B}; r++) {
${guard ? `if (blk * ${B} + r < ${R}) {` : '{'}
const v = X[base + r * ${inner}];
${COMBINE[kind]}
}
}
return acc;
}`;
  const partial = backend.program(source, [outer * P * inner])(x);
  const result = reduceBlocks(backend, partial as GpuArg, outer, P, inner, kind);
  backend.free(partial);
  return result;
}

/**
 * Build a gpu reduction kernel (Sum or Max over `axes`). Axes are grouped into kept and reduced
 * runs; a single reduced run is reduced in place as `[outer, R, inner]`, anything else is first
 * permuted so the reduced axes come last.
 *
 * @example
 * ```ts
 * const sumGpu = reduceGpu('Sum', 'sum');
 * ```
 */
export function reduceGpu(kernelName: string, kind: ReduceKind): KernelFunc {
  return (args: KernelArgs) => {
    const backend = args.backend as GpuKernelHost;
    const x = args.inputs.x!;
    const { axes, keepDims } = args.attrs as unknown as ReduceAttrs;
    const outShape = reducedShape(x.shape, axes, keepDims);
    const n = sizeOf(outShape);
    if (axes.length === 0) return { shape: outShape, dtype: x.dtype, handle: backend.share(x.handle) };
    if (!backend.supports(args.inputs) || !backend.supportsOutput(n)) return backend.runOnCpu(kernelName, args);
    // runs of kept / reduced axes, size-1 axes ignored
    const runs: { reduced: boolean; size: number }[] = [];
    x.shape.forEach((d, ax) => {
      if (d === 1) return;
      const reduced = axes.includes(ax);
      const last = runs[runs.length - 1];
      if (last && last.reduced === reduced) last.size *= d;
      else runs.push({ reduced, size: d });
    });
    const reducedRuns = runs.filter((r) => r.reduced).length;
    // only size-1 axes reduced: same values in the same order
    if (reducedRuns === 0) return { shape: outShape, dtype: x.dtype, handle: backend.share(x.handle) };
    let arg: GpuArg;
    let outer: number, R: number, inner: number;
    let tmp: TensorInfo | null = null;
    if (reducedRuns === 1) {
      const at = runs.findIndex((r) => r.reduced);
      R = runs[at]!.size;
      outer = runs.slice(0, at).reduce((p, r) => p * r.size, 1);
      inner = runs.slice(at + 1).reduce((p, r) => p * r.size, 1);
      arg = backend.arg(x);
    } else {
      const kept = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
      const perm = [...kept, ...axes];
      const own = contiguousStrides(x.shape);
      tmp = gatherGpu(backend, x, perm.map((p) => x.shape[p]!), perm.map((p) => own[p]!), 0);
      R = axes.reduce((p, a) => p * x.shape[a]!, 1);
      outer = n;
      inner = 1;
      arg = backend.arg(tmp);
    }
    const result = reduceBlocks(backend, arg, outer, R, inner, kind);
    if (tmp) backend.dispose(tmp.handle);
    return backend.output(result, outShape);
  };
}
