// Conv2D and its two gradients on the CPU: im2col + the backend's gemm (WebAssembly SIMD where
// available). Per sample and group, the receptive fields are unrolled into a column matrix
// col[Cg·kh·kw × Ho·Wo]; then y = W·col, dW += dY·colᵀ and dcol = Wᵀ·dY (folded back by col2im).
// A 1×1 kernel with stride 1 and no padding needs no unrolling: col is the input itself.
import type { Conv2DAttrs } from '../../kernel_names.js';
import { allocate } from '../../storage.js';
import type { DType, TypedArray } from '../../types.js';
import { gemm } from './matmul.js';
import { columnsWasm, heapColumns, releaseColumns } from './wasm/im2col_wasm.js';

/** Every size of one convolution, derived once from the shapes and attributes. */
export interface ConvGeometry {
  N: number; C: number; H: number; W: number;
  O: number; kh: number; kw: number;
  Ho: number; Wo: number;
  groups: number; Cg: number; Og: number;
  /** Rows of col: Cg·kh·kw. */
  K: number;
  /** Columns of col: Ho·Wo. */
  P: number;
  sh: number; sw: number; pt: number; pl: number; dh: number; dw: number;
  /** col is the input itself (1×1 kernel, stride 1, no padding). */
  direct: boolean;
}

/** The geometry of a convolution of input `[N, C, H, W]` with weight `[O, C/groups, kh, kw]`.
 * @example
 * ```ts
 * const g = convGeometry([64, 1, 28, 28], [32, 1, 3, 3], attrs);
 * ```
 */
export function convGeometry(xShape: readonly number[], wShape: readonly number[], attrs: Conv2DAttrs): ConvGeometry {
  const [N, C, H, W] = xShape as [number, number, number, number];
  const [O, Cg, kh, kw] = wShape as [number, number, number, number];
  const [sh, sw] = attrs.stride;
  const [pt, pb, pl, pr] = attrs.padding;
  const [dh, dw] = attrs.dilation;
  const Ho = Math.floor((H + pt + pb - dh * (kh - 1) - 1) / sh) + 1;
  const Wo = Math.floor((W + pl + pr - dw * (kw - 1) - 1) / sw) + 1;
  const direct = kh === 1 && kw === 1 && sh === 1 && sw === 1 && pt === 0 && pb === 0 && pl === 0 && pr === 0;
  return {
    N, C, H, W, O, kh, kw, Ho, Wo, groups: attrs.groups, Cg, Og: O / attrs.groups,
    K: Cg * kh * kw, P: Ho * Wo, sh, sw, pt, pl, dh, dw, direct,
  };
}

/** The output columns ow whose input column ow·s − p + j·d lies inside [0, W): [first, end). */
function validRange(W: number, Wo: number, s: number, p: number, offset: number): [number, number] {
  // ow·s ≥ p − offset  and  ow·s < W + p − offset
  const first = Math.max(0, Math.ceil((p - offset) / s));
  const end = Math.min(Wo, Math.ceil((W + p - offset) / s));
  return [first, Math.max(first, end)];
}

/** Between one sample and group's Cg input channels (at x[xOff]) and col [K × P]: `unroll` copies
 * each receptive field into col (im2col; 0 where it reads padding), else each col entry is added
 * back into the input position it was read from (col2im, the gradient's fold). */
function columns(x: TypedArray, xOff: number, g: ConvGeometry, col: TypedArray, unroll: boolean): void {
  if (columnsWasm(x, xOff, g, col, unroll)) return;
  const { Cg, H, W, kh, kw, Ho, Wo, sh, sw, pt, pl, dh, dw, P } = g;
  let row = 0;
  for (let c = 0; c < Cg; c++) {
    const plane = xOff + c * H * W;
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++, row++) {
        const [first, end] = validRange(W, Wo, sw, pl, j * dw);
        let o = row * P;
        for (let oh = 0; oh < Ho; oh++, o += Wo) {
          const ih = oh * sh - pt + i * dh;
          if (ih < 0 || ih >= H) { if (unroll) col.fill(0, o, o + Wo); continue; }
          const s0 = plane + ih * W + first * sw - pl + j * dw;
          if (unroll) {
            for (let ow = 0; ow < first; ow++) col[o + ow] = 0;
            for (let ow = first, s = s0; ow < end; ow++, s += sw) col[o + ow] = x[s]!;
            for (let ow = end; ow < Wo; ow++) col[o + ow] = 0;
          } else {
            for (let ow = first, s = s0; ow < end; ow++, s += sw) x[s] += col[o + ow]!;
          }
        }
      }
    }
  }
}

/**
 * Calls `visit(col, xOff, n, gr)` for every sample n and group gr, in order: xOff is the offset of
 * the group's Cg channels in `images` (x, or dx), col a column buffer [K × P] shared by the calls
 * (the images themselves for a direct conv), taken from the tensor heap next to `images` where they
 * are there (for the WebAssembly loops), else an ordinary array, and given back afterwards.
 */
function forEachSampleAndGroup(images: TypedArray, g: ConvGeometry, dtype: DType, visit: (col: TypedArray, xOff: number, n: number, gr: number) => void): void {
  const { N, C, H, W, groups, Cg, K, P, direct } = g;
  const col = direct ? images : heapColumns(images, dtype, K * P) ?? allocate(dtype, K * P);
  try {
    for (let n = 0; n < N; n++) for (let gr = 0; gr < groups; gr++) visit(col, (n * C + gr * Cg) * H * W, n, gr);
  } finally {
    if (!direct) releaseColumns(col);
  }
}

/** y = conv(x, w) (+ bias) into `out` [N, O, Ho, Wo], zero-filled on entry.
 * @example
 * ```ts
 * conv2dForward(xs, ws, null, out, g, 'float32');
 * ```
 */
export function conv2dForward(x: TypedArray, w: TypedArray, bias: TypedArray | null, out: TypedArray, g: ConvGeometry, dtype: DType): void {
  const { N, O, Og, K, P, direct } = g;
  if (bias) for (let n = 0; n < N; n++) for (let o = 0; o < O; o++) out.fill(bias[o]!, (n * O + o) * P, (n * O + o + 1) * P);
  forEachSampleAndGroup(x, g, dtype, (col, xOff, n, gr) => {
    if (!direct) columns(x, xOff, g, col, true);
    gemm(w, gr * Og * K, col, direct ? xOff : 0, out, (n * O + gr * Og) * P, Og, P, K, false, false);
  });
}

/** dx [N, C, H, W] (zero-filled on entry) from dy [N, O, Ho, Wo] and w.
 * @example
 * ```ts
 * conv2dBackpropInput(dys, ws, dx, g, 'float64');
 * ```
 */
export function conv2dBackpropInput(dy: TypedArray, w: TypedArray, dx: TypedArray, g: ConvGeometry, dtype: DType): void {
  const { O, Og, K, P, direct } = g;
  forEachSampleAndGroup(dx, g, dtype, (dcol, xOff, n, gr) => {
    if (!direct) dcol.fill(0);
    gemm(w, gr * Og * K, dy, (n * O + gr * Og) * P, dcol, direct ? xOff : 0, K, P, Og, true, false);
    if (!direct) columns(dx, xOff, g, dcol, false);
  });
}

/** dw [O, Cg, kh, kw] (zero-filled on entry) from x and dy.
 * @example
 * ```ts
 * conv2dBackpropFilter(xs, dys, dw, g, 'float32');
 * ```
 */
export function conv2dBackpropFilter(x: TypedArray, dy: TypedArray, dw: TypedArray, g: ConvGeometry, dtype: DType): void {
  const { O, Og, K, P, direct } = g;
  forEachSampleAndGroup(x, g, dtype, (col, xOff, n, gr) => {
    if (!direct) columns(x, xOff, g, col, true);
    gemm(dy, (n * O + gr * Og) * P, col, direct ? xOff : 0, dw, gr * Og * K, Og, K, P, false, true);
  });
}
