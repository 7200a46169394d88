import type { TensorInfo } from '../../backend.js';
import type { KernelFunc } from '../../kernel_registry.js';
import type { ReduceAttrs } from '../../kernel_names.js';
import { reducedShape } from '../../shape.js';
import type { TypedArray } from '../../types.js';
import { newOutput, valuesOf } from './backend_cpu.js';
import { permuteValues } from './permute.js';

type ReduceLoop = (x: TypedArray, out: TypedArray, outer: number, reduce: number) => void;
type MiddleLoop = (x: TypedArray, out: TypedArray, before: number, kept: number, after: number) => void;

/**
 * Build a reduction kernel from an initial value and a combining expression in `acc` and `x`.
 * Reducing leading axes (bias gradients) accumulates whole rows; reducing trailing axes runs one
 * loop per output; reducing the axes around one contiguous block of kept axes (a conv bias
 * gradient: [0, 2, 3] of NCHW) runs row by row; anything else is first permuted so the reduced
 * axes come last.
 *
 * @example
 * ```ts
 * const sumCpu = reduceKernel('0', 'acc + x');
 * ```
 */
export function reduceKernel(init: string, combine: string): KernelFunc {
  const trailing = new Function('X', 'out', 'outer', 'reduce', `
    for (let o = 0; o < outer; o++) {
      let acc = ${init}; const base = o * reduce;
      for (let r = 0; r < reduce; r++) { const x = X[base + r]; acc = ${combine}; }
      out[o] = acc;
    }`) as ReduceLoop;
  const leading = new Function('X', 'out', 'outer', 'reduce', `
    const acc = new Float64Array(outer).fill(${init});
    for (let r = 0; r < reduce; r++) {
      const base = r * outer;
      for (let o = 0; o < outer; o++) { const x = X[base + o]; const a = acc[o]; acc[o] = ${combine.replace(/\bacc\b/g, 'a')}; }
    }
    out.set(acc);`) as ReduceLoop;
  // x viewed as [before, kept, after]: out[k] combines x[b, k, a] over b and a
  const middle = new Function('X', 'out', 'before', 'kept', 'after', `
    for (let k = 0; k < kept; k++) {
      let acc = ${init};
      for (let b = 0; b < before; b++) {
        for (let i = (b * kept + k) * after, end = i + after; i < end; i++) { const x = X[i]; acc = ${combine}; }
      }
      out[k] = acc;
    }`) as MiddleLoop;

  return ({ inputs, attrs }) => {
    const x = inputs.x!;
    const { axes, keepDims } = attrs as unknown as ReduceAttrs;
    const rank = x.shape.length;
    const [out, info] = newOutput(reducedShape(x.shape, axes, keepDims), x.dtype);
    let reduce = 1;
    for (const a of axes) reduce *= x.shape[a]!;
    const outer = out.length;
    if (reduce === 0) { out.fill(Number(new Function(`return ${init}`)())); return info; }
    const isLeading = axes.every((a, i) => a === i);
    const isTrailing = axes.every((a, i) => a === rank - axes.length + i);
    if (isTrailing) trailing(valuesOf(x), out, outer, reduce);
    else if (isLeading) leading(valuesOf(x), out, outer, reduce);
    else {
      const kept = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
      if (kept[kept.length - 1]! - kept[0]! === kept.length - 1) {
        let before = 1, after = 1;
        for (let i = 0; i < kept[0]!; i++) before *= x.shape[i]!;
        for (let i = kept[kept.length - 1]! + 1; i < rank; i++) after *= x.shape[i]!;
        middle(valuesOf(x), out, before, outer, after);
        return info;
      }
      trailing(permuteValues(x as TensorInfo, [...kept, ...axes]), out, outer, reduce);
    }
    return info;
  };
}
