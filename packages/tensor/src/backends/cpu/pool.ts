// 2-D pooling on the CPU, NCHW. Every pooling op is described per axis by its windows (where each
// output row/column starts and ends in the input), so max, average and adaptive average pooling
// share the same loops and differ only in how the windows are laid out and what divides the sum.
import type { Pool2DAttrs } from '../../kernel_names.js';
import type { TypedArray } from '../../types.js';

/** The windows along one axis: output i covers input [start[i], end[i]); `span[i]` is its length
 * counting padding (the divisor of a count-include-pad average). */
export interface Windows {
  start: Int32Array;
  end: Int32Array;
  span: Int32Array;
}

/** Sliding windows of `kernel` with `stride` and `pad` on both sides, over an input of `size`
 * (PyTorch's pooling, ceil_mode off).
 * @example
 * ```ts
 * slidingWindows(28, 14, 2, 2, 0); // 14 windows [0,2), [2,4), …
 * ```
 */
export function slidingWindows(size: number, out: number, kernel: number, stride: number, pad: number): Windows {
  const w: Windows = { start: new Int32Array(out), end: new Int32Array(out), span: new Int32Array(out) };
  for (let i = 0; i < out; i++) {
    const s = i * stride - pad;
    const e = Math.min(s + kernel, size + pad);
    w.span[i] = e - s;
    w.start[i] = Math.max(s, 0);
    w.end[i] = Math.min(e, size);
  }
  return w;
}

/** PyTorch's adaptive windows: output i covers [⌊i·size/out⌋, ⌈(i+1)·size/out⌉).
 * @example
 * ```ts
 * adaptiveWindows(5, 3); // [0,2), [1,4), [3,5)
 * ```
 */
export function adaptiveWindows(size: number, out: number): Windows {
  const w: Windows = { start: new Int32Array(out), end: new Int32Array(out), span: new Int32Array(out) };
  for (let i = 0; i < out; i++) {
    w.start[i] = Math.floor((i * size) / out);
    w.end[i] = Math.ceil(((i + 1) * size) / out);
    w.span[i] = w.end[i]! - w.start[i]!;
  }
  return w;
}

/** Calls `visit(o, plane, i)` for each output row i of each of `planes` planes of H×W: o is the
 * flat index of the row's first output, plane the offset of its input plane. */
function forEachOutputRow(planes: number, H: number, W: number, Ho: number, Wo: number, visit: (o: number, plane: number, i: number) => void): void {
  for (let p = 0, o = 0; p < planes; p++) for (let i = 0; i < Ho; i++, o += Wo) visit(o, p * H * W, i);
}

/** The divisor of average window (i, j): the padded window when `countIncludePad`, else its input elements. */
function windowDivisor(rows: Windows, cols: Windows, i: number, j: number, countIncludePad: boolean): number {
  return countIncludePad ? rows.span[i]! * cols.span[j]! : (rows.end[i]! - rows.start[i]!) * (cols.end[j]! - cols.start[j]!);
}

/** Sum each window over `planes` planes of H×W and divide by {@link windowDivisor}.
 * @example
 * ```ts
 * avgPoolForward(xs, out, n * c, h, w, rows, cols, true);
 * ```
 */
export function avgPoolForward(x: TypedArray, out: TypedArray, planes: number, H: number, W: number, rows: Windows, cols: Windows, countIncludePad: boolean): void {
  const Wo = cols.start.length;
  forEachOutputRow(planes, H, W, rows.start.length, Wo, (o, plane, i) => {
    const hs = rows.start[i]!, he = rows.end[i]!;
    for (let j = 0; j < Wo; j++, o++) {
      let sum = 0;
      for (let h = hs; h < he; h++) for (let k = plane + h * W + cols.start[j]!, end = plane + h * W + cols.end[j]!; k < end; k++) sum += x[k]!;
      out[o] = sum / windowDivisor(rows, cols, i, j, countIncludePad);
    }
  });
}

/** The gradient of {@link avgPoolForward}: spread each dy over its window into dx (zero-filled).
 * @example
 * ```ts
 * avgPoolBackward(dys, dx, n * c, h, w, rows, cols, true);
 * ```
 */
export function avgPoolBackward(dy: TypedArray, dx: TypedArray, planes: number, H: number, W: number, rows: Windows, cols: Windows, countIncludePad: boolean): void {
  const Wo = cols.start.length;
  forEachOutputRow(planes, H, W, rows.start.length, Wo, (o, plane, i) => {
    const hs = rows.start[i]!, he = rows.end[i]!;
    for (let j = 0; j < Wo; j++, o++) {
      const g = dy[o]! / windowDivisor(rows, cols, i, j, countIncludePad);
      for (let h = hs; h < he; h++) for (let k = plane + h * W + cols.start[j]!, end = plane + h * W + cols.end[j]!; k < end; k++) dx[k] += g;
    }
  });
}

/** For every window, the flat input index of its maximum (the first one on ties, as PyTorch; a NaN
 * wins), written to `argmax`; the maxima to `out` when given.
 * @example
 * ```ts
 * maxPoolArgmax(xs, out, argmax, n * c, h, w, rows, cols);
 * ```
 */
export function maxPoolArgmax(x: TypedArray, out: TypedArray | null, argmax: Int32Array | null, planes: number, H: number, W: number, rows: Windows, cols: Windows): void {
  const Wo = cols.start.length;
  forEachOutputRow(planes, H, W, rows.start.length, Wo, (o, plane, i) => {
    const hs = rows.start[i]!, he = rows.end[i]!;
    for (let j = 0; j < Wo; j++, o++) {
      const ws = cols.start[j]!, we = cols.end[j]!;
      let best = -Infinity, at = plane + hs * W + ws;
      for (let h = hs; h < he; h++) {
        for (let k = plane + h * W + ws, end = plane + h * W + we; k < end; k++) {
          const v = x[k]!;
          if (v > best || v !== v) { best = v; at = k; }
        }
      }
      if (out) out[o] = best;
      if (argmax) argmax[o] = at;
    }
  });
}

/** The row and column windows of a sliding pool (MaxPool2D, AvgPool2D) over input `[N, C, H, W]`.
 * @example
 * ```ts
 * const { rows, cols } = poolWindowsOf(x.shape, attrs);
 * ```
 */
export function poolWindowsOf(shape: readonly number[], attrs: Pool2DAttrs): { rows: Windows; cols: Windows } {
  const [, , H, W] = shape as [number, number, number, number];
  const [kh, kw] = attrs.kernel, [sh, sw] = attrs.stride, [ph, pw] = attrs.padding;
  const Ho = Math.floor((H + 2 * ph - kh) / sh) + 1, Wo = Math.floor((W + 2 * pw - kw) / sw) + 1;
  return { rows: slidingWindows(H, Ho, kh, sh, ph), cols: slidingWindows(W, Wo, kw, sw, pw) };
}
