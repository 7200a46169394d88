// conv.ts's `columns` (im2col, and its fold col2im for the input gradient) in scalar WebAssembly over
// the tensor heap. The loops are conv.ts's, element for element: unrolling copies bits (NaN payloads
// included) and writes zeros where a field reads padding; folding adds each col entry into the input
// element it came from, in the same order, with the dtype's own addition (float32's `f32.add` is the
// JS loop's float64 sum rounded to float32: a sum of two float32 values rounds the same either way),
// so the results are bitwise identical. The JS loop costs ~1.5 ns an element (bounds checks, float
// conversions); this one a fraction of that, which matters because a 3×3 conv copies every input
// element nine times, forward and again for the weight gradient.
import { I32, type FunctionBuilder, type Local, type ModuleBuilder } from './assembler.js';
import { floatViewsInHeap, heapModule } from './heap_module.js';
import { heapAllocate, heapBlockOf, heapFree } from '../../../heap.js';
import type { DType, TypedArray } from '../../../types.js';

/** The sizes of one convolution the loops need (conv.ts's ConvGeometry has them all). */
export interface ColumnGeometry {
  Cg: number; H: number; W: number; kh: number; kw: number; Ho: number; Wo: number;
  sh: number; sw: number; pt: number; pl: number; dh: number; dw: number;
}

type Exports = Record<'unroll32' | 'unroll64' | 'fold32' | 'fold64', (...args: number[]) => void>;

/** ⌈a / s⌉ for s > 0 (i32.div_s truncates toward zero, which is the ceiling for a ≤ 0). */
function ceilDiv(f: FunctionBuilder, a: Local, s: Local, out: Local): void {
  f.get(a).get(s).i32Add().i32(1).i32Sub().get(s).i32DivS();
  f.get(a).get(s).i32DivS();
  f.get(a).i32(0).i32GtS().select().set(out);
}

/**
 * unroll(x, col, Cg, H, W, kh, kw, Ho, Wo, sh, sw, pt, pl, dh, dw): col [Cg·kh·kw × Ho·Wo] ← the
 * receptive fields of Cg channels at x; fold(dx, col, …): dx += each col entry at the element it
 * was read from. Addresses are byte offsets into the heap.
 */
function emit(m: ModuleBuilder, wide: boolean, unroll: boolean): void {
  const f = m.func(`${unroll ? 'unroll' : 'fold'}${wide ? 64 : 32}`, new Array<typeof I32>(15).fill(I32));
  const [x, col, Cg, H, W, kh, kw, Ho, Wo, sh, sw, pt, pl, dh, dw] = f.params as Local[] as
    [Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local];
  const shift = wide ? 3 : 2, elem = 1 << shift;
  const [c, i, j, oh, ow, plane, planeBytes, row, rowEnd, first, end, t, ih, src, dst, step, out] = Array.from({ length: 17 }, () => f.local(I32));
  const zeroAt = (addr: () => void) => { addr(); if (wide) f.f64(0).f64Store(); else f.f32(0).f32Store(); };
  f.get(H).get(W).i32Mul().i32(shift).i32Shl().set(planeBytes);
  f.get(sw).i32(shift).i32Shl().set(step);
  f.get(x).set(plane);
  f.get(col).set(row);
  f.for(c, () => f.i32(0), () => f.get(Cg), 1, () => {
    f.for(i, () => f.i32(0), () => f.get(kh), 1, () => {
      f.for(j, () => f.i32(0), () => f.get(kw), 1, () => {
        // output columns [first, end) read inside the input: ow·sw − pl + j·dw ∈ [0, W)
        f.get(pl).get(j).get(dw).i32Mul().i32Sub().set(t);
        ceilDiv(f, t, sw, first);
        f.i32MinMax(first, 0, false).set(first);
        f.get(W).get(t).i32Add().set(t);
        ceilDiv(f, t, sw, end);
        f.i32MinMax(end, Wo, true).set(end);
        f.i32MinMax(end, first, false).set(end);
        f.for(oh, () => f.i32(0), () => f.get(Ho), 1, () => {
          f.get(oh).get(sh).i32Mul().get(pt).i32Sub().get(i).get(dh).i32Mul().i32Add().set(ih);
          f.get(row).get(Wo).i32(shift).i32Shl().i32Add().set(rowEnd);
          f.get(ih).i32(0).i32LtS().get(ih).get(H).i32GeS().i32Or().set(out);
          if (unroll) {
            f.get(out).if(() => {
              f.for(dst, () => f.get(row), () => f.get(rowEnd), elem, () => zeroAt(() => f.get(dst)));
            });
          }
          f.get(out).i32Eqz().if(() => {
            // src: the input element of output column `first`
            f.get(plane).get(ih).get(W).i32Mul().get(first).get(sw).i32Mul().i32Add().get(pl).i32Sub().get(j).get(dw).i32Mul().i32Add()
              .i32(shift).i32Shl().i32Add().set(src);
            if (unroll) {
              f.for(dst, () => f.get(row), () => f.get(row).get(first).i32(shift).i32Shl().i32Add(), elem, () => zeroAt(() => f.get(dst)));
              f.for(ow, () => f.get(first), () => f.get(end), 1, () => {
                f.get(row).get(ow).i32(shift).i32Shl().i32Add();
                f.get(src); if (wide) f.i64Load().i64Store(); else f.i32Load().i32Store();
                f.addTo(src, step);
              });
              f.for(dst, () => f.get(row).get(end).i32(shift).i32Shl().i32Add(), () => f.get(rowEnd), elem, () => zeroAt(() => f.get(dst)));
            } else {
              f.for(ow, () => f.get(first), () => f.get(end), 1, () => {
                f.get(src);
                f.get(src); if (wide) f.f64Load(); else f.f32Load();
                f.get(row).get(ow).i32(shift).i32Shl().i32Add(); if (wide) f.f64Load(); else f.f32Load();
                if (wide) f.f64Add(); else f.f32Add();
                if (wide) f.f64Store(); else f.f32Store();
                f.addTo(src, step);
              });
            }
          });
          f.get(rowEnd).set(row);
        });
      });
    });
    f.get(plane).get(planeBytes).i32Add().set(plane);
  });
}

const heapKernels = heapModule<Exports>((m) => {
  for (const unroll of [true, false]) for (const wide of [false, true]) emit(m, wide, unroll);
});

/** The fifteen numbers after the two addresses, in the kernels' parameter order. */
function geometryArgs(g: ColumnGeometry): number[] {
  return [g.Cg, g.H, g.W, g.kh, g.kw, g.Ho, g.Wo, g.sh, g.sw, g.pt, g.pl, g.dh, g.dw];
}

/**
 * A column buffer [K × P] for a conv over `x`, in the tensor heap when x is there (so that
 * {@link columnsWasm} can fill it), else null. Give it back with {@link releaseColumns}.
 * @example
 * ```ts
 * const col = heapColumns(xs, 'float32', g.K * g.P) ?? allocate('float32', g.K * g.P);
 * ```
 */
export function heapColumns(x: TypedArray, dtype: DType, size: number): TypedArray | null {
  if (!floatViewsInHeap([x]) || heapKernels() === null) return null;
  return heapAllocate(dtype, size, false);
}

/** Return a buffer of {@link heapColumns} to the heap (nothing for an ordinary array).
 * @example
 * ```ts
 * releaseColumns(col);
 * ```
 */
export function releaseColumns(col: TypedArray): void {
  const block = heapBlockOf(col);
  if (block >= 0) heapFree(block);
}

/**
 * conv.ts's `columns` in WebAssembly: `unroll` fills col from x at element `xOff`, else adds col back
 * into x there. Returns false, having done nothing, unless x and col are both in the tensor heap.
 * @example
 * ```ts
 * if (!columnsWasm(xs, xOff, g, col, true)) columns(xs, xOff, g, col, true);
 * ```
 */
export function columnsWasm(x: TypedArray, xOff: number, g: ColumnGeometry, col: TypedArray, unroll: boolean): boolean {
  if (!floatViewsInHeap([x, col])) return false;
  const k = heapKernels();
  if (k === null) return false;
  const wide = x instanceof Float64Array;
  const run = unroll ? (wide ? k.unroll64 : k.unroll32) : (wide ? k.fold64 : k.fold32);
  run(x.byteOffset + xOff * x.BYTES_PER_ELEMENT, col.byteOffset, ...geometryArgs(g));
  return true;
}
