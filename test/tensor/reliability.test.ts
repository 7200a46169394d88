// Issue 13 (tensor package): the one options check, duplicate reduction axes, gradients asked for
// tensors that do not require grad, version counters against in-place writes, and the size limit.
// The failing calls themselves are rows of test/bad-input.test.ts; here is what still works and why.
import { expect } from 'chai';
import {
  ConfigError, GradientError, MAX_ELEMENTS, SavedTensorModifiedError, SizeLimitError, ValueError,
  arange, checkOptions, checkSize, closestName, gradients, matmul, ones, reshape, sum, tensor, zeros,
} from '@descent/tensor';

const f64 = (v: number[]) => tensor(v, { dtype: 'float64' });

describe('options: one check for every options object', () => {
  it('suggests the closest known name (case, _ and - ignored, at most 2 edits)', () => {
    expect(closestName('keepdim', ['keepDims'])).to.equal('keepDims');
    expect(closestName('transpose_b', ['transposeA', 'transposeB'])).to.equal('transposeB');
    expect(closestName('dtyp', ['dtype', 'shape'])).to.equal('dtype');
    expect(closestName('weight_decay', ['lr', 'weightDecay'])).to.equal('weightDecay');
    expect(closestName('colour', ['dtype'])).to.equal(undefined);
  });

  it('accepts known options, undefined values and no options at all', () => {
    expect(zeros([2], { dtype: undefined }).dtype).to.equal('float32');
    expect(sum(ones([2, 3]), 1, { keepDims: true }).shape).to.deep.equal([2, 1]);
    expect(sum(ones([2, 3]), 1, undefined).shape).to.deep.equal([2]);
    expect(matmul(ones([2, 3]), ones([2, 3]), { transposeB: true }).shape).to.deep.equal([2, 2]);
    expect(tensor(new Float64Array(4), { shape: [2, 2] }).shape).to.deep.equal([2, 2]);
  });

  it('reports an unknown key as a ConfigError and a wrong type as a ValueError, naming both', () => {
    const spec = { flag: 'boolean', n: 'number', f: ['function', 'null'] } as const;
    expect(() => checkOptions({ flg: true } as never, spec, 'op')).to.throw(ConfigError, "op: unknown option 'flg' (did you mean 'flag'?). Known options: flag, n, f");
    expect(() => checkOptions({ flag: 'no' } as never, spec, 'op')).to.throw(ValueError, "op: option 'flag' must be a boolean, but got 'no' (string)");
    expect(() => checkOptions({ f: 1 } as never, spec, 'op')).to.throw(ValueError, "op: option 'f' must be a function or null, but got 1 (number)");
    expect(checkOptions({ f: null }, spec, 'op')).to.deep.equal({ f: null });
    for (const bad of [null, 3, 'x', [], new Float32Array(1), ones([1])]) {
      expect(() => checkOptions(bad as never, spec, 'op'), String(bad)).to.throw(ValueError, /op: options must be an object/);
    }
  });

  it('a wrong type is never coerced: transposeB "no" used to transpose', () => {
    expect(() => matmul(ones([2, 3]), ones([2, 3]), { transposeB: 'no' } as never)).to.throw(ValueError, /transposeB/);
  });
});

describe('reductions: each axis once', () => {
  it('distinct axes in any order and sign still reduce', () => {
    expect(sum(ones([2, 3, 4]), [-1, 0]).toArray()).to.deep.equal([8, 8, 8]);
  });
  it('an axis given twice, directly or through a negative index, is a ValueError', () => {
    expect(() => sum(ones([2, 3]), [1, 1])).to.throw(ValueError, /axis 1 appears more than once in \[1,1\]/);
    expect(() => sum(ones([2, 3]), [1, -1])).to.throw(ValueError, /axis 1 appears more than once in \[1,-1\]/);
  });
});

describe('gradients: tensors that do not require grad', () => {
  it('one the output depends on is a GradientError, as in PyTorch', () => {
    const w = f64([1, 2]).requireGrad();
    const x = f64([3, 4]);
    const loss = w.mul(x).sum();
    expect(() => gradients(loss, [x])).to.throw(GradientError, /xs\[0\] does not require grad, but the output depends on it/);
    // the graph is not freed by the failed call
    expect(gradients(loss, [w])[0]!.toArray()).to.deep.equal([3, 4]);
  });

  it("one the output does not depend on gets zeros (PyTorch's allow_unused with materialized grads), required grad or not", () => {
    const w = f64([1, 2]).requireGrad();
    const unusedLeaf = f64([5, 6, 7]).requireGrad();
    const unusedConstant = f64([8]);
    const [gw, gu, gc] = gradients(w.mul(w).sum(), [w, unusedLeaf, unusedConstant]);
    expect(gw!.toArray()).to.deep.equal([2, 4]);
    expect(gu!.toArray()).to.deep.equal([0, 0, 0]);
    expect(gc!.toArray()).to.deep.equal([0]);
  });
});

describe('version counters: in-place writes between forward and backward', () => {
  it('assign increases the version, shared by detached aliases and reshaped views', () => {
    const w = f64([1, 2, 3, 4]);
    const alias = w.detach();
    const view = reshape(w, [2, 2]);
    expect([w.version, alias.version, view.version]).to.deep.equal([0, 0, 0]);
    w.assign([4, 3, 2, 1]);
    expect([w.version, alias.version, view.version]).to.deep.equal([1, 1, 1]);
    view.assign([0, 0, 0, 0]);
    expect(w.version).to.equal(2);
    expect(f64([1]).version, 'an unrelated tensor').to.equal(0);
  });

  it('a write before the forward pass, or to a tensor the graph does not use, is fine', () => {
    const w = f64([1, 2]).requireGrad();
    w.assign([3, 4]);
    const other = f64([9]);
    const loss = w.mul(w).sum();
    other.assign([1]);
    loss.backward();
    expect(w.grad!.toArray()).to.deep.equal([6, 8]);
  });

  it('a write after the forward pass makes backward fail without touching .grad; a new forward pass works', () => {
    const w = f64([1, 2]).requireGrad();
    const loss = w.mul(w).sum();
    w.assign([3, 4]);
    expect(() => loss.backward()).to.throw(SavedTensorModifiedError, /at version 1, expected version 0/);
    expect(w.grad).to.equal(null);
    w.mul(w).sum().backward();
    expect(w.grad!.toArray()).to.deep.equal([6, 8]);
  });

  it('a write into an output the gradient rule reads (Exp uses its output) is caught too', () => {
    const w = f64([0, 1]).requireGrad();
    const e = w.exp();
    const loss = e.sum();
    e.assign([5, 5]);
    expect(() => loss.backward()).to.throw(SavedTensorModifiedError, /input 'x' of 'Sum'/);
    const e2 = w.exp();
    e2.assign([5, 5]);
    expect(() => e2.backward({ seed: f64([1, 1]) })).to.throw(SavedTensorModifiedError, /the output of 'Exp'/);
  });

  it('bumpVersion marks a write made through the live buffer', () => {
    const w = f64([1, 2]).requireGrad();
    const loss = w.mul(w).sum();
    w.buffer()[0] = 10;
    w.bumpVersion();
    expect(() => loss.backward()).to.throw(SavedTensorModifiedError);
  });

  it('SavedTensorModifiedError is a GradientError', () => {
    expect(new SavedTensorModifiedError('x')).to.be.instanceOf(GradientError);
  });
});

describe('sizes past what a typed array can hold', () => {
  it('the limit is the typed-array length limit; sizes up to it pass the check', () => {
    expect(MAX_ELEMENTS).to.equal(2 ** 32);
    expect(() => checkSize(MAX_ELEMENTS, 'op')).to.not.throw();
    expect(() => checkSize(MAX_ELEMENTS + 1, 'op', 'shape [x]')).to.throw(SizeLimitError, `op: shape [x] has ${MAX_ELEMENTS + 1} elements, more than a tensor can hold (${MAX_ELEMENTS}`);
    expect(() => checkSize(Infinity, 'op')).to.throw(SizeLimitError);
  });
  it('SizeLimitError is a ValueError, never a raw RangeError', () => {
    expect(() => zeros([1e6, 1e6])).to.throw(SizeLimitError);
    expect(() => arange(0, 1e12)).to.throw(ValueError);
    expect(() => arange(0, 1e12)).to.not.throw(RangeError);
  });
});
