// Argument checks shared by the layers (internal: not exported from index.ts).
import { DTYPES, DTypeError, ShapeError, Tensor, ValueError, describe, formatShape, type DType, type Rng } from '@descent/tensor';

/** An `Rng` (duck-typed, as the tensor package does), else a ValueError naming the layer and how to fix it. */
export function checkRng(rng: unknown, where: string, arg = 'options.rng'): Rng {
  if (!rng || typeof (rng as Rng).uniform !== 'function' || typeof (rng as Rng).normal !== 'function') {
    throw new ValueError(`${where}: ${arg} must be an Rng, e.g. { rng: new Rng(0) }, but got ${describe(rng)}`);
  }
  return rng as Rng;
}

/** A known dtype (default float32). */
export function checkDtype(dtype: unknown, where: string): DType {
  if (dtype === undefined) return 'float32';
  if (!DTYPES.includes(dtype as DType)) throw new DTypeError(`${where}: options.dtype must be one of ${DTYPES.join(', ')}, but got ${describe(dtype)}`);
  return dtype as DType;
}

/** A positive integer (a feature count). */
export function checkPositiveInt(value: unknown, where: string, arg: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new ValueError(`${where}: ${arg} must be a positive integer, but got ${describe(value)}`);
  }
  return value;
}

/** A non-negative finite number (eps). */
export function checkNonNegative(value: unknown, where: string, arg: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new ValueError(`${where}: ${arg} must be a finite number >= 0, but got ${describe(value)}`);
  }
  return value;
}

/** A boolean option. */
export function checkBoolean(value: unknown, where: string, arg: string): boolean {
  if (typeof value !== 'boolean') throw new ValueError(`${where}: ${arg} must be a boolean, but got ${describe(value)}`);
  return value;
}

/** Only known keys in an options object (a typo like `eps_` is reported with a did-you-mean): the
 * tensor package's one options check, which every options object goes through. */
export { checkOptions } from '@descent/tensor';

/** The forward input: a Tensor of the layer's dtype. */
export function checkInput(x: unknown, where: string, dtype?: DType): Tensor {
  if (!(x instanceof Tensor)) throw new ValueError(`${where}: input must be a Tensor, but got ${describe(x)}`);
  if (dtype !== undefined && x.dtype !== dtype) {
    throw new DTypeError(`${where}: input is ${x.dtype} with shape ${formatShape(x.shape)}, but the layer is ${dtype}; build the layer with { dtype: '${x.dtype}' } or cast the input`);
  }
  return x;
}

/** An integer ≥ `min` or a pair of them (a kernel size, stride, padding, dilation), as `[h, w]`. */
export function checkIntPair(value: unknown, where: string, arg: string, min: number): [number, number] {
  const pair = typeof value === 'number' ? [value, value] : value;
  if (!Array.isArray(pair) || pair.length !== 2 || !pair.every((v) => Number.isInteger(v) && (v as number) >= min)) {
    throw new ValueError(`${where}: ${arg} must be an integer >= ${min} or a pair [h, w] of them, but got ${describe(value)}`);
  }
  return [pair[0] as number, pair[1] as number];
}

/** A batched `[N, C, H, W]` input, or an unbatched `[C, H, W]` one given a batch axis of 1 (as
 * PyTorch's 2-D layers accept); `unbatched` says to drop the axis again from the output. */
export function asBatchedImage(t: Tensor, where: string): { x: Tensor; unbatched: boolean } {
  if (t.rank === 4) return { x: t, unbatched: false };
  if (t.rank === 3) return { x: t.reshape([1, ...t.shape]), unbatched: true };
  throw new ShapeError(`${where}: input must be [batch, channels, height, width] or [channels, height, width], but got shape ${formatShape(t.shape)}`);
}
