/**
 * {@link buildCnn}: a small convolutional classifier, one `Conv2d → ReLU → MaxPool2d` block per
 * entry of `channels`, then Flatten → Dropout → Linear. The `cnn-mnist` workload trains it.
 * @module
 */
import { ValueError, type Rng } from '@descent/tensor';
import { Conv2d, Dropout, Flatten, Linear, MaxPool2d, ReLU, Sequential, type TensorModule } from '@descent/layers';

/** Options of {@link buildCnn}.
 * @example
 * ```ts
 * const o: CnnOptions = { inChannels: 1, imageSize: 28, channels: [4, 8], classes: 10, dropout: 0.2, rng: new Rng(0) };
 * ```
 */
export interface CnnOptions {
  /** Channels of the input images (1 for MNIST). */
  readonly inChannels: number;
  /** Height and width of the (square) input images. */
  readonly imageSize: number;
  /** Output channels of each conv block (3 × 3, padding 1, then a 2 × 2 max pool that halves the size, rounding down). */
  readonly channels: readonly number[];
  /** Output classes. */
  readonly classes: number;
  /** Dropout before the linear classifier (0 for none). */
  readonly dropout: number;
  /** Generator of the initial weights and the dropout masks. */
  readonly rng: Rng;
}

/**
 * The CNN: `[n, inChannels, s, s]` images → logits `[n, classes]`; with `channels: [4, 8]` on
 * 28 × 28 digits, 1×28×28 → 4×14×14 → 8×7×7 → 10.
 * @throws ValueError when the pools would shrink the image below 1 × 1.
 * @example
 * ```ts
 * const model = buildCnn({ inChannels: 1, imageSize: 28, channels: [4, 8], classes: 10, dropout: 0.2, rng: new Rng(0) });
 * model.call(zeros([2, 1, 28, 28])).shape; // [2, 10]
 * ```
 */
export function buildCnn(options: CnnOptions): Sequential {
  const { inChannels, imageSize, channels, classes, dropout, rng } = options;
  const layers: TensorModule[] = [];
  let size = imageSize, from = inChannels;
  for (const to of channels) {
    layers.push(new Conv2d(from, to, 3, { rng, padding: 1 }), new ReLU(), new MaxPool2d(2));
    size = Math.floor(size / 2);
    from = to;
  }
  if (size < 1) throw new ValueError(`buildCnn: ${channels.length} pools shrink a ${imageSize}×${imageSize} image below 1×1`);
  layers.push(new Flatten());
  if (dropout > 0) layers.push(new Dropout(dropout, { rng: rng.split() }));
  layers.push(new Linear(from * size * size, classes, { rng }));
  return new Sequential(...layers);
}
