import { runKernel } from '../engine.js';
import { ShapeError, ValueError } from '../errors.js';
import { AdaptiveAvgPool2D, AvgPool2D, MaxPool2D, type Pool2DAttrs } from '../kernel_names.js';
import { describe, formatShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { checkOptions } from '../options.js';
import { toTensor } from './convert.js';
import { checkNchw, intPair } from './pair.js';

/** Options of {@link maxPool2d} (PyTorch's `F.max_pool2d`; no dilation, ceil_mode off).
 * @example
 * ```ts
 * const o: MaxPool2dOptions = { stride: 2, padding: 1 };
 * ```
 */
export interface MaxPool2dOptions {
  /** Step between windows: int or `[h, w]`. Default: the kernel size. */
  stride?: number | [number, number];
  /** Implicit −∞ padding on both sides: int or `[h, w]`, at most half the kernel. Default 0. */
  padding?: number | [number, number];
}

/** Options of {@link avgPool2d} (PyTorch's `F.avg_pool2d`; ceil_mode off, no divisor override).
 * @example
 * ```ts
 * const o: AvgPool2dOptions = { stride: 2, padding: 1, countIncludePad: false };
 * ```
 */
export interface AvgPool2dOptions extends MaxPool2dOptions {
  /** Divide by the whole window, zero padding included (default true, as PyTorch), else by the input elements in it. */
  countIncludePad?: boolean;
}

function poolAttrs(op: string, x: Tensor, kernelSize: unknown, options: AvgPool2dOptions): Pool2DAttrs {
  const [, , H, W] = checkNchw(x, op);
  const o = checkOptions(options, { stride: ['number', 'object', 'null'], padding: ['number', 'object'], ...(op === 'avgPool2d' ? { countIncludePad: 'boolean' } : {}) }, op);
  const kernel = intPair(kernelSize, op, 'kernelSize', 1);
  const stride = o.stride === undefined || o.stride === null ? kernel : intPair(o.stride, op, 'stride', 1);
  const padding = intPair(o.padding ?? 0, op, 'padding', 0);
  if (padding[0] > kernel[0] / 2 || padding[1] > kernel[1] / 2) {
    throw new ValueError(`${op}: padding must be at most half the kernel size, but got padding ${padding.join('×')} for kernel ${kernel.join('×')}`);
  }
  const countIncludePad = o.countIncludePad ?? true;
  if (typeof countIncludePad !== 'boolean') throw new ValueError(`${op}: countIncludePad must be a boolean, but got ${describe(countIncludePad)}`);
  const Ho = Math.floor((H + 2 * padding[0] - kernel[0]) / stride[0]) + 1;
  const Wo = Math.floor((W + 2 * padding[1] - kernel[1]) / stride[1]) + 1;
  if (Ho < 1 || Wo < 1) throw new ShapeError(`${op}: the window ${kernel.join('×')} is larger than the padded input ${formatShape(x.shape)} (padding ${padding.join('×')})`);
  return { kernel, stride, padding, countIncludePad };
}

/**
 * 2-D max pooling of `x` `[N, C, H, W]`: the maximum of each `kernelSize` window. The gradient goes
 * to the first maximum of each window (row-major), as PyTorch's.
 *
 * @throws ShapeError when x is not 4-D or the window does not fit; ValueError for bad sizes.
 * @example
 * ```ts
 * maxPool2d(randn([8, 16, 28, 28], rng), 2).shape; // [8, 16, 14, 14]
 * ```
 */
export function maxPool2d(x: Tensor, kernelSize: number | [number, number], options: MaxPool2dOptions = {}): Tensor {
  const tx = toTensor(x, 'x', 'maxPool2d');
  const attrs = poolAttrs('maxPool2d', tx, kernelSize, options);
  return runKernel(MaxPool2D, { x: tx }, attrs as unknown as Record<string, unknown>);
}

/**
 * 2-D average pooling of `x` `[N, C, H, W]` over `kernelSize` windows.
 *
 * @throws ShapeError when x is not 4-D or the window does not fit; ValueError for bad sizes.
 * @example
 * ```ts
 * avgPool2d(randn([8, 16, 28, 28], rng), 3, { stride: 2, padding: 1 }).shape; // [8, 16, 14, 14]
 * ```
 */
export function avgPool2d(x: Tensor, kernelSize: number | [number, number], options: AvgPool2dOptions = {}): Tensor {
  const tx = toTensor(x, 'x', 'avgPool2d');
  const attrs = poolAttrs('avgPool2d', tx, kernelSize, options);
  return runKernel(AvgPool2D, { x: tx }, attrs as unknown as Record<string, unknown>);
}

/**
 * Adaptive 2-D average pooling of `x` `[N, C, H, W]` to `[N, C, oh, ow]`: output cell i averages
 * input rows `⌊i·H/oh⌋ … ⌈(i+1)·H/oh⌉ − 1` (likewise columns), as PyTorch. `outputSize` 1 is global
 * average pooling.
 *
 * @throws ShapeError when x is not 4-D; ValueError for a bad output size.
 * @example
 * ```ts
 * adaptiveAvgPool2d(randn([8, 64, 7, 7], rng), 1).shape; // [8, 64, 1, 1]
 * ```
 */
export function adaptiveAvgPool2d(x: Tensor, outputSize: number | [number, number]): Tensor {
  const op = 'adaptiveAvgPool2d';
  const tx = toTensor(x, 'x', op);
  checkNchw(tx, op);
  const size = intPair(outputSize, op, 'outputSize', 1);
  return runKernel(AdaptiveAvgPool2D, { x: tx }, { outputSize: size });
}
