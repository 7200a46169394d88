/**
 * {@link Conv2d}: a 2-D convolution layer (PyTorch's `nn.Conv2d`).
 * @module
 */
import { ValueError, conv2d, describe, zeros, type Conv2dPadding, type DType, type Rng, type Tensor } from '@descent/tensor';
import { asBatchedImage, checkBoolean, checkDtype, checkInput, checkIntPair, checkOptions, checkPositiveInt, checkRng } from './checks.js';
import * as init from './init.js';
import { Module } from './module.js';

/** Options of {@link Conv2d} (PyTorch's arguments and defaults; zero padding only).
 * @example
 * ```ts
 * const o: Conv2dOptions = { rng: new Rng(0), stride: 1, padding: 'same', dilation: 1, groups: 1, bias: true };
 * ```
 */
export interface Conv2dOptions {
  /** The generator the initial weights are drawn from (required). */
  rng: Rng;
  /** Step between windows: int or `[h, w]`. Default 1. */
  stride?: number | [number, number];
  /** Zero padding: int, `[h, w]`, `'valid'` (none) or `'same'` (stride 1 only). Default 0. */
  padding?: Conv2dPadding;
  /** Spacing between kernel taps: int or `[h, w]`. Default 1. */
  dilation?: number | [number, number];
  /** Independent channel groups; divides both channel counts. Default 1. */
  groups?: number;
  /** Add a learned bias per output channel. Default true. */
  bias?: boolean;
  /** Parameter dtype (default float32); inputs must have the same dtype. */
  dtype?: DType;
}

/**
 * 2-D convolution over `[N, C, H, W]` (or unbatched `[C, H, W]`) inputs, as PyTorch's `nn.Conv2d`:
 * weight `[out, in/groups, kh, kw]` and bias `[out]`, both initialised U(−1/√fanIn, 1/√fanIn) with
 * fanIn = in/groups·kh·kw (PyTorch's `kaiming_uniform_(a=√5)` and its bias rule).
 *
 * @throws ValueError for bad sizes or options (groups must divide both channel counts; 'same'
 * padding needs stride 1); ShapeError or DTypeError for a wrong input.
 * @example
 * ```ts
 * import { Rng, randn } from '@descent/tensor';
 * import { Conv2d } from '@descent/layers';
 * const rng = new Rng(0);
 * const conv = new Conv2d(1, 32, 3, { rng, padding: 1 });
 * conv.call(randn([64, 1, 28, 28], rng)).shape; // [64, 32, 28, 28]
 * ```
 */
export class Conv2d extends Module {
  /** Input channels. */
  readonly inChannels: number;
  /** Output channels. */
  readonly outChannels: number;
  /** Kernel height and width. */
  readonly kernelSize: [number, number];
  /** Stride `[h, w]`. */
  readonly stride: [number, number];
  /** Padding as given: `[h, w]`, 'same' or 'valid'. */
  readonly padding: [number, number] | 'same' | 'valid';
  /** Dilation `[h, w]`. */
  readonly dilation: [number, number];
  /** Channel groups. */
  readonly groups: number;
  /** Parameter dtype. */
  readonly dtype: DType;

  constructor(inChannels: number, outChannels: number, kernelSize: number | [number, number], options: Conv2dOptions) {
    super();
    const where = `Conv2d(${String(inChannels)}→${String(outChannels)})`;
    this.inChannels = checkPositiveInt(inChannels, where, 'inChannels');
    this.outChannels = checkPositiveInt(outChannels, where, 'outChannels');
    this.kernelSize = checkIntPair(kernelSize, where, 'kernelSize', 1);
    const o = checkOptions(options ?? {}, ['rng', 'stride', 'padding', 'dilation', 'groups', 'bias', 'dtype'], where);
    const rng = checkRng(o.rng, where);
    this.stride = checkIntPair(o.stride ?? 1, where, 'options.stride', 1);
    this.dilation = checkIntPair(o.dilation ?? 1, where, 'options.dilation', 1);
    const padding = o.padding ?? 0;
    if (padding === 'same') {
      if (this.stride[0] !== 1 || this.stride[1] !== 1) throw new ValueError(`${where}: padding 'same' needs stride 1, but got stride ${describe(o.stride)}`);
      this.padding = 'same';
    } else {
      this.padding = padding === 'valid' ? 'valid' : checkIntPair(padding, where, "options.padding (or 'same'/'valid')", 0);
    }
    this.groups = o.groups === undefined ? 1 : checkPositiveInt(o.groups, where, 'options.groups');
    if (inChannels % this.groups !== 0 || outChannels % this.groups !== 0) {
      throw new ValueError(`${where}: options.groups=${this.groups} must divide both inChannels (${inChannels}) and outChannels (${outChannels})`);
    }
    const bias = o.bias === undefined ? true : checkBoolean(o.bias, where, 'options.bias');
    this.dtype = checkDtype(o.dtype, where);
    const [kh, kw] = this.kernelSize;
    const fanIn = (inChannels / this.groups) * kh * kw;
    const bound = 1 / Math.sqrt(fanIn); // kaiming_uniform(a=√5): gain √(2/6), bound gain·√(3/fanIn)
    const w = this.registerParameter('weight', zeros([outChannels, inChannels / this.groups, kh, kw], { dtype: this.dtype }));
    init.uniform(w, rng, { low: -bound, high: bound });
    const b = this.registerParameter('bias', bias ? zeros([outChannels], { dtype: this.dtype }) : null);
    if (b) init.uniform(b, rng, { low: -bound, high: bound });
  }

  /** The weight `[out, in/groups, kh, kw]`.
   * @example
   * ```ts
   * conv.weight.shape; // [32, 1, 3, 3]
   * ```
   */
  get weight(): Tensor { return this.getParameter('weight')!; }
  /** Replace the weight by a leaf tensor of the same shape and dtype (see {@link Module.setParameter}). */
  set weight(value: Tensor) { this.setParameter('weight', value); }

  /** The bias `[out]`, or null when built with `bias: false`.
   * @example
   * ```ts
   * conv.bias?.shape; // [32]
   * ```
   */
  get bias(): Tensor | null { return this.getParameter('bias'); }
  /** Replace the bias by a leaf tensor of the same shape and dtype (see {@link Module.setParameter}). */
  set bias(value: Tensor) { this.setParameter('bias', value); }

  /** Convolve `x` `[N, in, H, W]` (or `[in, H, W]`) into `[N, out, Ho, Wo]`.
   * @example
   * ```ts
   * conv.forward(randn([2, 1, 28, 28], rng));
   * ```
   */
  forward(x: Tensor): Tensor {
    const where = `Conv2d(${this.inChannels}→${this.outChannels})`;
    const { x: t, unbatched } = asBatchedImage(checkInput(x, where, this.dtype), where);
    const y = conv2d(t, this.weight, { bias: this.bias, stride: this.stride, padding: this.padding, dilation: this.dilation, groups: this.groups });
    return unbatched ? y.reshape(y.shape.slice(1)) : y;
  }

  override extraRepr(): string {
    const pad = typeof this.padding === 'string' ? `'${this.padding}'` : this.padding.join('×');
    return `${this.inChannels}, ${this.outChannels}, kernel=${this.kernelSize.join('×')}, stride=${this.stride.join('×')}, padding=${pad}, `
      + `dilation=${this.dilation.join('×')}, groups=${this.groups}, bias=${this.bias !== null}, ${this.dtype}`;
  }
}
