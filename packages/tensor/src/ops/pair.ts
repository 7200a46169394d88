// Argument checks shared by the 2-D convolution and pooling ops (internal: not exported from the package).
import { ShapeError, ValueError } from '../errors.js';
import { describe, formatShape } from '../shape.js';
import type { Tensor } from '../tensor.js';

/** An int or `[h, w]` pair of integers ≥ `min`, as `[h, w]`; ValueError naming op and argument otherwise. */
export function intPair(value: unknown, op: string, arg: string, min: number): [number, number] {
  const pair = typeof value === 'number' ? [value, value] : value;
  if (!Array.isArray(pair) || pair.length !== 2 || !pair.every((v) => Number.isInteger(v) && (v as number) >= min)) {
    throw new ValueError(`${op}: ${arg} must be an integer ≥ ${min} or a pair of them, but got ${describe(value)}`);
  }
  return pair as [number, number];
}

/** Require a 4-D NCHW input. */
export function checkNchw(x: Tensor, op: string, arg = 'x'): [number, number, number, number] {
  if (x.rank !== 4) throw new ShapeError(`${op}: ${arg} must be 4-D [batch, channels, height, width], but got shape ${formatShape(x.shape)}`);
  return x.shape as [number, number, number, number];
}
