// Bad input gets a typed error naming the op, the argument, what was expected and what was given.
import { expect } from 'chai';
import * as T from '@descent/tensor';
import { DTypeError, GradientError, Rng, ShapeError, ValueError, tensor } from '@descent/tensor';

type Case = [string, () => unknown, new (...a: never[]) => Error, RegExp];

const cases: Case[] = [
  ['matmul inner dimension', () => T.matmul(T.zeros([2, 3]), T.zeros([4, 5])), ShapeError, /matmul: inner dimensions differ: a is \[2,3\], b is \[4,5\]/],
  ['matmul rank', () => T.matmul(T.scalar(3), T.zeros([3, 2])), ShapeError, /matmul: operands must have at least one axis, but a is \[\]/],
  ['matmul batch', () => T.matmul(T.zeros([2, 3, 4]), T.zeros([3, 4, 5])), ShapeError, /matmul: batch axes do not broadcast: a is \[2,3,4\] \(batch \[2\]\), b is \[3,4,5\] \(batch \[3\]\)/],
  ['embedding index out of range', () => T.embedding(T.zeros([4, 2]), [[0, 4]]), ValueError, /embedding: indices must be integers in \[0, 3\] \(the rows of weight\), but element 1 is 4/],
  ['embedding non-integer index', () => T.embedding(T.zeros([4, 2]), T.tensor([0.5])), ValueError, /embedding: indices must be integers in \[0, 3\].*element 0 is 0.5/],
  ['embedding weight rank', () => T.embedding(T.zeros([4]), [0]), ShapeError, /embedding: weight must be 2-D \[numEmbeddings, dim\], but has shape \[4\]/],
  ['embedding paddingIdx', () => T.embedding(T.zeros([4, 2]), [0], { paddingIdx: 4 }), ValueError, /embedding: options.paddingIdx must be an integer in \[-4, 3\] or null, but got 4/],
  ['maskedFill mask shape', () => T.maskedFill(T.zeros([2, 3]), T.zeros([2, 2, 3]), 0), ShapeError, /maskedFill: the mask must broadcast to x's shape \[2,3\], but the mask has shape \[2,2,3\]/],
  ['causalMask size', () => T.causalMask(0), ValueError, /causalMask: size must be a positive integer, but got 0/],
  ['broadcast mismatch', () => T.add(T.zeros([2, 3]), T.zeros([4, 3])), ShapeError, /add: shapes \[2,3\] and \[4,3\] cannot be broadcast/],
  ['dtype mix', () => T.mul(T.zeros([2]), T.zeros([2], { dtype: 'float64' })), DTypeError, /mul: dtypes differ: a is float32, b is float64/],
  ['unknown dtype', () => T.zeros([2], { dtype: 'int8' as never }), DTypeError, /dtype must be one of float32, float64, but got 'int8'/],
  ['ragged array', () => tensor([[1, 2], [3]]), ShapeError, /ragged nested array: values\[0\] has shape \[2\] but values\[1\] has shape \[1\]/],
  ['data length vs shape', () => tensor([1, 2, 3], { shape: [2, 2] }), ShapeError, /shape \[2,2\] needs 4 values, but got 3/],
  ['negative dim', () => T.zeros([2, -1]), ValueError, /zeros: shape\[1\] must be a non-negative integer, but got -1/],
  ['fractional dim', () => T.ones([1.5]), ValueError, /shape\[0\] must be a non-negative integer, but got 1.5/],
  ['non-number element', () => tensor([1, 'a' as never]), ValueError, /values\[1\] must be a number, but got 'a'/],
  ['axis out of range', () => T.sum(T.zeros([2, 3]), 2), ValueError, /sum: axis must be an integer in \[-2, 1\] for a tensor of rank 2, but got 2/],
  ['reshape size', () => T.reshape(T.zeros([2, 3]), [4, 2]), ShapeError, /cannot reshape a tensor of shape \[2,3\] \(6 elements\) to \[4,2\] \(8 elements\)/],
  ['slice outside', () => T.slice(T.zeros([3]), [2], [2]), ShapeError, /outside a tensor of shape \[3\]/],
  ['concat shapes', () => T.concat([T.zeros([2, 3]), T.zeros([2, 4])], 0), ShapeError, /tensors\[1\] has shape \[2,4\]/],
  ['gather index', () => T.gatherRows(T.zeros([3, 2]), [0, 3]), ValueError, /indices\[1\] must be an integer in \[0, 2\], but got 3/],
  ['label out of range', () => T.crossEntropy(T.zeros([2, 3]), [0, 3]), ValueError, /crossEntropy: labels\[1\] must be an integer class index in \[0, 2\], but got 3/],
  ['fractional label', () => T.crossEntropy(T.zeros([2, 3]), [0.5, 1]), ValueError, /labels\[0\] must be an integer class index in \[0, 2\], but got 0.5/],
  ['label count', () => T.crossEntropy(T.zeros([2, 3]), [0]), ShapeError, /expected one label per row \(2\), but got 1 labels/],
  ['logits rank', () => T.crossEntropy(T.zeros([3]), [0]), ShapeError, /logits must be 2-D \[batch, classes\], but got shape \[3\]/],
  ['mse shapes', () => T.mse(T.zeros([2, 1]), T.zeros([2])), ShapeError, /mse: prediction has shape \[2,1\] but target has shape \[2\]/],
  ['non-tensor argument', () => T.add('x' as never, 1), ValueError, /add: argument 'a' must be a Tensor or a number, but got 'x'/],
  ['backward non-scalar', () => T.zeros([2]).requireGrad().mul(2).backward(), GradientError, /the output has shape \[2\]; a seed gradient is required/],
  ['rng missing', () => T.randn([2], undefined as never), ValueError, /randn: argument 'rng' must be an Rng/],
  ['NaN seed', () => new Rng(NaN), ValueError, /seed must be a finite number, but got NaN/],
  ['clamp bounds', () => T.clamp(T.zeros([1]), 1, 0), ValueError, /clamp: min must be <= max, but got min=1, max=0/],
  ['non-finite exponent', () => T.pow(T.zeros([1]), Infinity), ValueError, /pow: exponent must be finite, but got Infinity/],
  ['item of many', () => T.zeros([2]).item(), ShapeError, /item: the tensor must have exactly one element, but has shape \[2\]/],
];

describe('tensor: bad input', () => {
  for (const [name, fn, cls, pattern] of cases) {
    it(name, () => {
      expect(fn).to.throw(cls as never, pattern);
    });
  }

  it('empty tensors work where they make sense', () => {
    expect(T.zeros([0, 3]).size).to.equal(0);
    expect(T.add(T.zeros([0, 3]), T.ones([3])).shape).to.deep.equal([0, 3]);
    expect(T.matmul(T.zeros([0, 3]), T.zeros([3, 2])).shape).to.deep.equal([0, 2]);
    expect(tensor([]).shape).to.deep.equal([0]);
  });
});
