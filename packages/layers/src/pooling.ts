/**
 * 2-D pooling layers: {@link MaxPool2d}, {@link AvgPool2d}, {@link AdaptiveAvgPool2d} (PyTorch's).
 * @module
 */
import { adaptiveAvgPool2d, avgPool2d, maxPool2d, type Tensor } from '@descent/tensor';
import { asBatchedImage, checkBoolean, checkInput, checkIntPair, checkOptions } from './checks.js';
import { Module } from './module.js';

/** Options of {@link MaxPool2d}.
 * @example
 * ```ts
 * const o: MaxPool2dOptions = { stride: 2, padding: 0 };
 * ```
 */
export interface MaxPool2dOptions {
  /** Step between windows: int or `[h, w]`. Default: the kernel size. */
  stride?: number | [number, number];
  /** Implicit padding on both sides, at most half the kernel. Default 0. */
  padding?: number | [number, number];
}

/** Options of {@link AvgPool2d}.
 * @example
 * ```ts
 * const o: AvgPool2dOptions = { stride: 2, padding: 1, countIncludePad: false };
 * ```
 */
export interface AvgPool2dOptions extends MaxPool2dOptions {
  /** Count the zero padding in each window's divisor (default true, as PyTorch). */
  countIncludePad?: boolean;
}

/** The window geometry shared by the two sliding-window pools ({@link MaxPool2d}, {@link AvgPool2d}).
 * @example
 * ```ts
 * const pool: Pool2d = new MaxPool2d(2);
 * ```
 */
export abstract class Pool2d extends Module {
  /** Window `[h, w]`. */
  readonly kernelSize: [number, number];
  /** Stride `[h, w]`. */
  readonly stride: [number, number];
  /** Padding `[h, w]`. */
  readonly padding: [number, number];
  /** The layer's name in messages: `MaxPool2d(2)`. */
  protected readonly where: string;

  protected constructor(name: string, kernelSize: number | [number, number], o: AvgPool2dOptions) {
    super();
    this.where = `${name}(${Array.isArray(kernelSize) ? kernelSize.join('×') : String(kernelSize)})`;
    this.kernelSize = checkIntPair(kernelSize, this.where, 'kernelSize', 1);
    this.stride = o.stride === undefined ? this.kernelSize : checkIntPair(o.stride, this.where, 'options.stride', 1);
    this.padding = checkIntPair(o.padding ?? 0, this.where, 'options.padding', 0);
  }

  /** Pool `x` `[N, C, H, W]` (or `[C, H, W]`).
   * @example
   * ```ts
   * pool.forward(randn([2, 3, 8, 8], rng)).shape; // [2, 3, 4, 4] for a 2×2 pool
   * ```
   */
  forward(x: Tensor): Tensor {
    const { x: t, unbatched } = asBatchedImage(checkInput(x, this.where), this.where);
    const y = this.pool(t);
    return unbatched ? y.reshape(y.shape.slice(1)) : y;
  }

  /** The pooling op on a batched input. */
  protected abstract pool(x: Tensor): Tensor;

  override extraRepr(): string {
    return `kernel=${this.kernelSize.join('×')}, stride=${this.stride.join('×')}, padding=${this.padding.join('×')}`;
  }
}

/**
 * Max pooling over `kernelSize` windows, as PyTorch's `nn.MaxPool2d` (no dilation, ceil_mode off):
 * the gradient goes to the first maximum of each window.
 *
 * @throws ValueError for bad sizes (padding over half the kernel); ShapeError for a wrong input.
 * @example
 * ```ts
 * new MaxPool2d(2).call(randn([64, 32, 28, 28], rng)).shape; // [64, 32, 14, 14]
 * ```
 */
export class MaxPool2d extends Pool2d {
  constructor(kernelSize: number | [number, number], options: MaxPool2dOptions = {}) {
    super('MaxPool2d', kernelSize, checkOptions(options, ['stride', 'padding'], 'MaxPool2d'));
  }

  /** {@link maxPool2d} with this layer's window. */
  protected pool(x: Tensor): Tensor {
    return maxPool2d(x, this.kernelSize, { stride: this.stride, padding: this.padding });
  }
}

/**
 * Average pooling over `kernelSize` windows, as PyTorch's `nn.AvgPool2d` (ceil_mode off).
 *
 * @throws ValueError for bad sizes; ShapeError for a wrong input.
 * @example
 * ```ts
 * new AvgPool2d(3, { stride: 2, padding: 1 }).call(randn([8, 16, 28, 28], rng)).shape; // [8, 16, 14, 14]
 * ```
 */
export class AvgPool2d extends Pool2d {
  /** Whether padding counts in the divisor. */
  readonly countIncludePad: boolean;

  constructor(kernelSize: number | [number, number], options: AvgPool2dOptions = {}) {
    const o = checkOptions(options, ['stride', 'padding', 'countIncludePad'], 'AvgPool2d');
    super('AvgPool2d', kernelSize, o);
    this.countIncludePad = o.countIncludePad === undefined ? true : checkBoolean(o.countIncludePad, this.where, 'options.countIncludePad');
  }

  /** {@link avgPool2d} with this layer's window. */
  protected pool(x: Tensor): Tensor {
    return avgPool2d(x, this.kernelSize, { stride: this.stride, padding: this.padding, countIncludePad: this.countIncludePad });
  }

  override extraRepr(): string {
    return `${super.extraRepr()}, countIncludePad=${this.countIncludePad}`;
  }
}

/**
 * Adaptive average pooling to a fixed `outputSize`, as PyTorch's `nn.AdaptiveAvgPool2d`;
 * `new AdaptiveAvgPool2d(1)` is global average pooling.
 *
 * @throws ValueError for a bad output size; ShapeError for a wrong input.
 * @example
 * ```ts
 * new AdaptiveAvgPool2d(1).call(randn([8, 64, 7, 7], rng)).shape; // [8, 64, 1, 1]
 * ```
 */
export class AdaptiveAvgPool2d extends Module {
  /** Output `[h, w]`. */
  readonly outputSize: [number, number];

  constructor(outputSize: number | [number, number]) {
    super();
    this.outputSize = checkIntPair(outputSize, 'AdaptiveAvgPool2d', 'outputSize', 1);
  }

  /** Pool `x` `[N, C, H, W]` (or `[C, H, W]`) to `[N, C, oh, ow]`.
   * @example
   * ```ts
   * gap.forward(randn([2, 8, 5, 5], rng)).shape; // [2, 8, 1, 1]
   * ```
   */
  forward(x: Tensor): Tensor {
    const where = `AdaptiveAvgPool2d(${this.outputSize.join('×')})`;
    const { x: t, unbatched } = asBatchedImage(checkInput(x, where), where);
    const y = adaptiveAvgPool2d(t, this.outputSize);
    return unbatched ? y.reshape(y.shape.slice(1)) : y;
  }

  override extraRepr(): string {
    return `outputSize=${this.outputSize.join('×')}`;
  }
}
