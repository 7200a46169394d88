import { runKernel } from '../engine.js';
import { DTypeError, ShapeError, ValueError } from '../errors.js';
import { Conv2D, type Conv2DAttrs } from '../kernel_names.js';
import { describe, formatShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { checkOptions } from '../options.js';
import { toTensor } from './convert.js';
import { checkNchw, intPair } from './pair.js';

/** Padding of {@link conv2d}: an int or `[h, w]` pair (zeros on both sides), `'valid'` (none) or
 * `'same'` (output as large as the input; stride 1 only; an even total puts the extra row/column
 * at the bottom/right, as PyTorch).
 * @example
 * ```ts
 * const p: Conv2dPadding = 'same';
 * ```
 */
export type Conv2dPadding = number | [number, number] | 'same' | 'valid';

/** Options of {@link conv2d} (PyTorch's `F.conv2d` arguments and defaults).
 * @example
 * ```ts
 * const o: Conv2dOptions = { stride: 2, padding: 1, dilation: 1, groups: 1 };
 * ```
 */
export interface Conv2dOptions {
  /** Bias `[out]` added to every output position. Default none. */
  bias?: Tensor | null;
  /** Step between windows: int or `[h, w]`. Default 1. */
  stride?: number | [number, number];
  /** Zero padding. Default 0. */
  padding?: Conv2dPadding;
  /** Spacing between kernel taps: int or `[h, w]`. Default 1. */
  dilation?: number | [number, number];
  /** Split channels into this many independent convolutions (`in` and `out` divisible by it). Default 1. */
  groups?: number;
}

/**
 * 2-D convolution (cross-correlation, as PyTorch) of `x` `[N, C, H, W]` with `w` `[O, C/groups, kh, kw]`
 * (PyTorch's weight layout), giving `[N, O, Ho, Wo]` with
 * `Ho = ⌊(H + padTop + padBottom − dilation·(kh−1) − 1)/stride⌋ + 1` (likewise Wo).
 * Differentiable in `x`, `w` and `bias`.
 *
 * @throws ShapeError when x or w is not 4-D, the channels do not match, bias is not `[O]`, or the
 * output would be empty; ValueError for bad stride/padding/dilation/groups; DTypeError for mixed dtypes.
 * @example
 * ```ts
 * const x = randn([8, 3, 32, 32], rng);
 * const w = randn([16, 3, 3, 3], rng);
 * conv2d(x, w, { padding: 1 }).shape; // [8, 16, 32, 32]
 * ```
 */
export function conv2d(x: Tensor, w: Tensor, options: Conv2dOptions = {}): Tensor {
  const op = 'conv2d';
  const tx = toTensor(x, 'x', op), tw = toTensor(w, 'w', op);
  const o = checkOptions(options, {
    bias: ['object', 'null'], stride: ['number', 'object'], padding: ['number', 'object', 'string'], dilation: ['number', 'object'], groups: 'number',
  }, op);
  const [, C, H, W] = checkNchw(tx, op);
  if (tw.rank !== 4) throw new ShapeError(`${op}: w must be 4-D [out, in/groups, kh, kw], but got shape ${formatShape(tw.shape)}`);
  const [O, Cg, kh, kw] = tw.shape as [number, number, number, number];
  if (tw.dtype !== tx.dtype) throw new DTypeError(`${op}: dtypes differ: x is ${tx.dtype}, w is ${tw.dtype}`);
  const groups = o.groups ?? 1;
  if (!Number.isInteger(groups) || groups < 1) throw new ValueError(`${op}: groups must be a positive integer, but got ${describe(groups)}`);
  if (C % groups !== 0 || O % groups !== 0) {
    throw new ValueError(`${op}: groups=${groups} must divide both the input channels (${C}) and the output channels (${O})`);
  }
  if (Cg !== C / groups) {
    throw new ShapeError(`${op}: w ${formatShape(tw.shape)} expects ${Cg * groups} input channels (groups=${groups}), but x ${formatShape(tx.shape)} has ${C}`);
  }
  const stride = intPair(o.stride ?? 1, op, 'stride', 1);
  const dilation = intPair(o.dilation ?? 1, op, 'dilation', 1);
  const padding = resolvePadding(o.padding ?? 0, stride, dilation, kh, kw, op);
  const inputs: Record<string, Tensor> = { x: tx, w: tw };
  if (o.bias !== undefined && o.bias !== null) {
    const b = toTensor(o.bias, 'bias', op);
    if (b.rank !== 1 || b.shape[0] !== O) throw new ShapeError(`${op}: bias must be [${O}] (one per output channel), but got shape ${formatShape(b.shape)}`);
    if (b.dtype !== tx.dtype) throw new DTypeError(`${op}: dtypes differ: x is ${tx.dtype}, bias is ${b.dtype}`);
    inputs.bias = b;
  }
  const Ho = Math.floor((H + padding[0] + padding[1] - dilation[0] * (kh - 1) - 1) / stride[0]) + 1;
  const Wo = Math.floor((W + padding[2] + padding[3] - dilation[1] * (kw - 1) - 1) / stride[1]) + 1;
  if (Ho < 1 || Wo < 1) {
    throw new ShapeError(`${op}: the kernel ${kh}×${kw} (dilation ${dilation.join('×')}) is larger than the padded input ${formatShape(tx.shape)} (padding ${padding.join(',')})`);
  }
  const attrs: Conv2DAttrs = { stride, padding, dilation, groups };
  return runKernel(Conv2D, inputs, attrs as unknown as Record<string, unknown>);
}

function resolvePadding(padding: unknown, stride: [number, number], dilation: [number, number], kh: number, kw: number, op: string): [number, number, number, number] {
  if (padding === 'valid') return [0, 0, 0, 0];
  if (padding === 'same') {
    if (stride[0] !== 1 || stride[1] !== 1) throw new ValueError(`${op}: padding 'same' needs stride 1, but got stride ${stride.join('×')}`);
    const th = dilation[0] * (kh - 1), tw = dilation[1] * (kw - 1);
    return [th >> 1, th - (th >> 1), tw >> 1, tw - (tw >> 1)];
  }
  if (typeof padding === 'string') throw new ValueError(`${op}: padding must be an integer ≥ 0, a pair, 'same' or 'valid', but got ${describe(padding)}`);
  const [ph, pw] = intPair(padding, op, 'padding', 0);
  return [ph, ph, pw, pw];
}
