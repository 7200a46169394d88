// Data augmentation for the example: elastic distortions (Simard, Steinkraus and Platt 2003).
import { ValueError, allocate, tensor, type Rng, type Tensor } from '@descent/tensor';
import { Module } from '@descent/layers';

/** Strength of {@link RandomElastic}'s distortions. */
export interface ElasticOptions {
  /** Scale of the displacement field, in pixels (default 34, as Simard et al. for MNIST). */
  alpha?: number;
  /** Width of the Gaussian that smooths the field, in pixels (default 4). */
  sigma?: number;
  /** Largest whole-pixel move of the image on top of the distortion (default 2). */
  maxShift?: number;
}

/**
 * Distorts each image of a batch `[N, C, H, W]` by its own smooth random displacement field, in
 * training mode only (eval mode returns the input): a field of uniform(−1, 1) values per pixel and
 * direction, blurred by a Gaussian of width `sigma`, scaled by `alpha`, plus a random whole-pixel
 * move of up to `maxShift`; pixels are read bilinearly, 0 outside the image. Put it first in the
 * model: it takes data, not a computed tensor. Draws from its own generator, so seeded runs repeat.
 *
 * @example
 * ```ts
 * const model = new Sequential(new RandomElastic({ alpha: 34, sigma: 4 }, rng.split()), new Conv2d(1, 16, 3, { rng, padding: 1 }));
 * ```
 */
export class RandomElastic extends Module {
  readonly alpha: number;
  readonly sigma: number;
  readonly maxShift: number;
  readonly rng: Rng;
  private readonly kernel: Float64Array;

  constructor({ alpha = 34, sigma = 4, maxShift = 2 }: ElasticOptions, rng: Rng) {
    super();
    if (!(alpha >= 0)) throw new ValueError(`RandomElastic: alpha must be a number ≥ 0, but got ${alpha}`);
    if (!(sigma > 0)) throw new ValueError(`RandomElastic: sigma must be a number > 0, but got ${sigma}`);
    if (!Number.isInteger(maxShift) || maxShift < 0) throw new ValueError(`RandomElastic: maxShift must be an integer ≥ 0, but got ${maxShift}`);
    this.alpha = alpha;
    this.sigma = sigma;
    this.maxShift = maxShift;
    this.rng = rng;
    // the Gaussian cut at 3σ, normalised to sum 1 (so alpha alone sets the displacement's scale)
    const radius = Math.ceil(3 * sigma);
    this.kernel = Float64Array.from({ length: 2 * radius + 1 }, (_, i) => Math.exp(-((i - radius) ** 2) / (2 * sigma * sigma)));
    const sum = this.kernel.reduce((s, v) => s + v, 0);
    for (let i = 0; i < this.kernel.length; i++) this.kernel[i]! /= sum;
  }

  forward(x: Tensor): Tensor {
    if (!this.training) return x;
    if (x.rank !== 4) throw new ValueError(`RandomElastic: input must be [batch, channels, height, width], but got rank ${x.rank}`);
    if (x.requiresGrad) throw new ValueError('RandomElastic: the input requires grad; RandomElastic takes data (put it first in the model)');
    const [N, C, H, W] = x.shape as [number, number, number, number];
    const src = x.data(), out = allocate(x.dtype, x.size);
    const fieldX = new Float64Array(H * W), fieldY = new Float64Array(H * W), scratch = new Float64Array(H * W);
    const span = 2 * this.maxShift + 1;
    for (let n = 0; n < N; n++) {
      this.smoothField(fieldX, scratch, H, W);
      this.smoothField(fieldY, scratch, H, W);
      const shiftY = Math.floor(this.rng.uniform() * span) - this.maxShift;
      const shiftX = Math.floor(this.rng.uniform() * span) - this.maxShift;
      for (let c = 0; c < C; c++) {
        const plane = (n * C + c) * H * W;
        for (let h = 0; h < H; h++) {
          for (let w = 0; w < W; w++) {
            const p = h * W + w;
            out[plane + p] = bilinear(src, plane, H, W, h - shiftY + this.alpha * fieldY[p]!, w - shiftX + this.alpha * fieldX[p]!);
          }
        }
      }
    }
    return tensor(out, { shape: x.shape, dtype: x.dtype });
  }

  /** Fills `field` with uniform(−1, 1) values blurred by the Gaussian (rows, then columns; zero outside). */
  private smoothField(field: Float64Array, scratch: Float64Array, H: number, W: number): void {
    for (let i = 0; i < H * W; i++) scratch[i] = 2 * this.rng.uniform() - 1;
    const k = this.kernel, r = (k.length - 1) / 2;
    for (let h = 0; h < H; h++) {
      for (let w = 0; w < W; w++) {
        let s = 0;
        for (let j = Math.max(0, r - w); j < Math.min(k.length, W + r - w); j++) s += k[j]! * scratch[h * W + w + j - r]!;
        field[h * W + w] = s;
      }
    }
    scratch.set(field);
    for (let h = 0; h < H; h++) {
      for (let w = 0; w < W; w++) {
        let s = 0;
        for (let j = Math.max(0, r - h); j < Math.min(k.length, H + r - h); j++) s += k[j]! * scratch[(h + j - r) * W + w]!;
        field[h * W + w] = s;
      }
    }
  }

  override extraRepr(): string {
    return `alpha=${this.alpha}, sigma=${this.sigma}, maxShift=${this.maxShift}`;
  }
}

/** The plane's value at the fractional position (y, x), bilinear between the four pixels around it, 0 outside. */
function bilinear(src: ArrayLike<number>, plane: number, H: number, W: number, y: number, x: number): number {
  const y0 = Math.floor(y), x0 = Math.floor(x), fy = y - y0, fx = x - x0;
  return (1 - fy) * ((1 - fx) * pixel(src, plane, H, W, y0, x0) + fx * pixel(src, plane, H, W, y0, x0 + 1))
    + fy * ((1 - fx) * pixel(src, plane, H, W, y0 + 1, x0) + fx * pixel(src, plane, H, W, y0 + 1, x0 + 1));
}

/** The plane's pixel (y, x), 0 outside the image. */
function pixel(src: ArrayLike<number>, plane: number, H: number, W: number, y: number, x: number): number {
  return y >= 0 && y < H && x >= 0 && x < W ? src[plane + y * W + x]! : 0;
}
