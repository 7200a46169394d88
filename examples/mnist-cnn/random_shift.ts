// Data augmentation for the example: each training image moved by a random whole-pixel offset.
import { ValueError, allocate, tensor, type Rng, type Tensor } from '@descent/tensor';
import { Module } from '@descent/layers';

/**
 * Moves each image of a batch `[N, C, H, W]` by its own random offset of −max…max pixels in each
 * direction (vacated pixels become 0), in training mode only; eval mode returns the input. Put it
 * first in the model: it takes data, not a computed tensor (no gradient flows through it). The
 * offsets come from its own generator, so a seeded run draws the same ones.
 *
 * @example
 * ```ts
 * const model = new Sequential(new RandomShift(2, rng.split()), new Conv2d(1, 16, 3, { rng, padding: 1 }));
 * ```
 */
export class RandomShift extends Module {
  readonly maxShift: number;
  readonly rng: Rng;

  constructor(maxShift: number, rng: Rng) {
    super();
    if (!Number.isInteger(maxShift) || maxShift < 0) throw new ValueError(`RandomShift: maxShift must be an integer ≥ 0, but got ${maxShift}`);
    this.maxShift = maxShift;
    this.rng = rng;
  }

  forward(x: Tensor): Tensor {
    if (!this.training || this.maxShift === 0) return x;
    if (x.rank !== 4) throw new ValueError(`RandomShift: input must be [batch, channels, height, width], but got rank ${x.rank}`);
    if (x.requiresGrad) throw new ValueError('RandomShift: the input requires grad; RandomShift takes data (put it first in the model)');
    const [N, C, H, W] = x.shape as [number, number, number, number];
    const src = x.data(), out = allocate(x.dtype, x.size);
    const span = 2 * this.maxShift + 1;
    for (let n = 0; n < N; n++) {
      const dy = Math.floor(this.rng.uniform() * span) - this.maxShift;
      const dx = Math.floor(this.rng.uniform() * span) - this.maxShift;
      const x0 = Math.max(0, dx), x1 = Math.min(W, W + dx);
      for (let c = 0; c < C; c++) {
        const plane = (n * C + c) * H * W;
        for (let h = Math.max(0, dy); h < Math.min(H, H + dy); h++) {
          const to = plane + h * W, from = plane + (h - dy) * W - dx;
          for (let w = x0; w < x1; w++) out[to + w] = src[from + w]!;
        }
      }
    }
    return tensor(out, { shape: x.shape, dtype: x.dtype });
  }

  override extraRepr(): string {
    return `maxShift=${this.maxShift}`;
  }
}
