import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, DTypeError, Rng, ShapeError, ValueError, conv2d, noGrad, randn, tensor } from '@descent/tensor';
import {
  AdaptiveAvgPool2d, AvgPool2d, BatchNorm2d, Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential, crossEntropyLoss, loadState, saveState,
} from '@descent/layers';
import { expectClose, expectSameBits } from './helpers.js';

function cnn(seed: number, dtype: 'float32' | 'float64' = 'float32'): Sequential {
  const rng = new Rng(seed);
  return new Sequential(
    new Conv2d(1, 4, 3, { rng, padding: 1, dtype }), new BatchNorm2d(4, { dtype }), new ReLU(), new MaxPool2d(2),
    new Conv2d(4, 6, 3, { rng, stride: 2, dtype }), new ReLU(), new AvgPool2d(2, { stride: 1 }), new AdaptiveAvgPool2d(1),
    new Flatten(), new Linear(6, 3, { rng, dtype }),
  );
}

describe('Conv2d', () => {
  it('stores the weight as [out, in/groups, kh, kw] and computes conv2d(x, W) + b', () => {
    const rng = new Rng(0);
    const conv = new Conv2d(4, 6, [3, 2], { rng, groups: 2, stride: 2, padding: [1, 0], dilation: [1, 2], dtype: 'float64' });
    expect(conv.weight.shape).to.deep.equal([6, 2, 3, 2]);
    expect(conv.bias!.shape).to.deep.equal([6]);
    const x = randn([2, 4, 7, 8], rng, { dtype: 'float64' });
    const expected = conv2d(x, conv.weight, { bias: conv.bias, groups: 2, stride: 2, padding: [1, 0], dilation: [1, 2] });
    expectSameBits(conv.call(x), expected);
  });

  it('initialises as PyTorch: weights and bias in ±1/√(in/groups·kh·kw), spread over the range', () => {
    const conv = new Conv2d(8, 16, 3, { rng: new Rng(1), groups: 2 });
    const bound = 1 / Math.sqrt(4 * 9);
    for (const p of [conv.weight, conv.bias!]) {
      const v = Array.from(p.data());
      expect(Math.max(...v.map(Math.abs))).to.be.at.most(bound);
      expect(Math.max(...v.map(Math.abs))).to.be.above(0.8 * bound);
    }
  });

  it("padding 'same' keeps the size (even kernels pad the extra row at the bottom) and unbatched inputs work", () => {
    const rng = new Rng(2);
    const conv = new Conv2d(2, 3, 4, { rng, padding: 'same', bias: false });
    expect(conv.bias).to.equal(null);
    expect(conv.call(randn([1, 2, 5, 6], rng)).shape).to.deep.equal([1, 3, 5, 6]);
    expect(conv.call(randn([2, 5, 6], rng)).shape).to.deep.equal([3, 5, 6]);
  });

  it('gradients reach weight, bias and input', () => {
    const rng = new Rng(3);
    const conv = new Conv2d(2, 3, 3, { rng, padding: 1, dtype: 'float64' });
    const x = randn([2, 2, 4, 4], rng, { dtype: 'float64' }).requireGrad();
    conv.call(x).sum().backward();
    for (const g of [conv.weight.grad, conv.bias!.grad, x.grad]) expect(g).to.not.equal(null);
    // d(sum)/d(bias_o) = N·Ho·Wo
    expectClose(conv.bias!.grad!.data(), [32, 32, 32]);
  });

  it('rejects bad arguments and inputs, naming the layer', () => {
    const rng = new Rng(0);
    expect(() => new Conv2d(3, 4, 3, { rng, groups: 2 })).to.throw(ValueError, /Conv2d\(3→4\): options.groups=2 must divide both inChannels \(3\) and outChannels \(4\)/);
    expect(() => new Conv2d(2, 4, 0, { rng })).to.throw(ValueError, /kernelSize must be an integer >= 1/);
    expect(() => new Conv2d(2, 4, 3, { rng, stride: 2, padding: 'same' })).to.throw(ValueError, /'same' needs stride 1/);
    expect(() => new Conv2d(2, 4, 3, { rng, padding: -1 })).to.throw(ValueError, /options.padding/);
    expect(() => new Conv2d(2, 4, 3, {} as never)).to.throw(ValueError, /options.rng must be an Rng/);
    expect(() => new Conv2d(2, 4, 3, { rng, pad: 1 } as never)).to.throw(ConfigError, /unknown option 'pad'/);
    const conv = new Conv2d(2, 4, 3, { rng });
    expect(() => conv.call(randn([1, 3, 5, 5], rng))).to.throw(ShapeError, /expects 2 input channels/);
    expect(() => conv.call(randn([5, 5], rng))).to.throw(ShapeError, /Conv2d\(2→4\): input must be \[batch, channels, height, width\]/);
    expect(() => conv.call(randn([1, 2, 2, 2], rng))).to.throw(ShapeError, /larger than the padded input/);
    expect(() => conv.call(randn([1, 2, 5, 5], rng, { dtype: 'float64' }))).to.throw(DTypeError);
  });
});

describe('MaxPool2d, AvgPool2d, AdaptiveAvgPool2d', () => {
  const x = tensor([[[[1, 2, 5, 0], [3, 4, 1, 1], [0, 0, 2, 2], [7, 0, 2, 9]]]]);
  it('compute PyTorch values by hand', () => {
    expect(new MaxPool2d(2).call(x).toArray()).to.deep.equal([[[[4, 5], [7, 9]]]]);
    expect(new AvgPool2d(2).call(x).toArray()).to.deep.equal([[[[2.5, 1.75], [1.75, 3.75]]]]);
    // padding 1, stride 2, 3×3 windows: the corner window holds 1, 2, 3, 4 and five zeros of padding
    expect(new AvgPool2d(3, { stride: 2, padding: 1 }).call(x).data()[0]).to.be.closeTo(10 / 9, 1e-6);
    expect(new AvgPool2d(3, { stride: 2, padding: 1, countIncludePad: false }).call(x).data()[0]).to.be.closeTo(10 / 4, 1e-6);
    expect(new AdaptiveAvgPool2d(1).call(x).toArray()).to.deep.equal([[[[39 / 16]]]]);
    expect(new AdaptiveAvgPool2d([1, 2]).call(x).shape).to.deep.equal([1, 1, 1, 2]);
  });

  it('max pooling routes the gradient to the first maximum of a tie, as PyTorch', () => {
    const t = tensor([[[[1, 3], [3, 0]]]]).requireGrad();
    new MaxPool2d(2).call(t).sum().backward();
    expect(t.grad!.toArray()).to.deep.equal([[[[0, 1], [0, 0]]]]);
  });

  it('reject bad sizes and inputs', () => {
    expect(() => new MaxPool2d(2, { padding: 2 }).call(x)).to.throw(ValueError, /at most half the kernel/);
    expect(() => new MaxPool2d(0)).to.throw(ValueError, /MaxPool2d\(0\): kernelSize/);
    expect(() => new AvgPool2d(2, { countIncludePad: 1 } as never)).to.throw(ValueError, /countIncludePad.* must be a boolean/);
    expect(() => new AdaptiveAvgPool2d(0)).to.throw(ValueError, /outputSize/);
    expect(() => new MaxPool2d(5).call(x)).to.throw(ShapeError, /larger than the padded input/);
    expect(() => new AvgPool2d(2).call(tensor([1, 2]))).to.throw(ShapeError, /input must be \[batch, channels, height, width\]/);
  });
});

describe('BatchNorm2d', () => {
  it('normalises per channel over N, H, W and tracks running statistics as PyTorch', () => {
    const rng = new Rng(4);
    const bn = new BatchNorm2d(3, { dtype: 'float64' });
    const x = randn([4, 3, 2, 5], rng, { dtype: 'float64' });
    const y = bn.call(x);
    const mean = y.mean([0, 2, 3]).toArray() as number[];
    for (const m of mean) expect(Math.abs(m)).to.be.below(1e-12);
    const xm = x.mean([0, 2, 3]);
    const xv = x.sub(xm.reshape([1, 3, 1, 1])).pow(2).sum([0, 2, 3]).div(39); // unbiased: n − 1 = 39
    expectClose(bn.runningMean.data(), xm.mul(0.1).data(), 1e-12);
    expectClose(bn.runningVar.data(), xv.mul(0.1).add(0.9).data(), 1e-12);
    bn.eval();
    const z = bn.call(x);
    expectClose(z.data(), x.sub(bn.runningMean.reshape([1, 3, 1, 1])).div(bn.runningVar.add(1e-5).sqrt().reshape([1, 3, 1, 1])).data(), 1e-12);
  });

  it('rejects inputs that are not [N, C, H, W] with C channels', () => {
    const bn = new BatchNorm2d(3);
    expect(() => bn.call(randn([4, 3], new Rng(0)))).to.throw(ShapeError, /BatchNorm2d\(3\): input must be \[batch, channels, height, width\]/);
    expect(() => bn.call(randn([4, 2, 3, 3], new Rng(0)))).to.throw(ShapeError, /input has 2 channels/);
    expect(() => bn.call(randn([1, 3, 1, 1], new Rng(0)))).to.throw(ValueError, /more than 1 value per feature/);
  });
});

describe('CNN layers in a model: save/load and freeze', () => {
  it('a CNN round-trips through saveState/loadState bit for bit, buffers included', () => {
    const dir = mkdtempSync(join(tmpdir(), 'descent-cnn-'));
    try {
      const a = cnn(1, 'float64');
      a.call(randn([2, 1, 12, 12], new Rng(5), { dtype: 'float64' }));
      saveState(a, join(dir, 'm.json'));
      const b = cnn(2, 'float64');
      loadState(b, join(dir, 'm.json'));
      const sa = a.stateDict(), sb = b.stateDict();
      expect(Object.keys(sb)).to.deep.equal(Object.keys(sa));
      expect(Object.keys(sa)).to.include.members(['0.weight', '0.bias', '1.runningMean', '1.runningVar', '1.numBatchesTracked', '4.weight']);
      for (const k of Object.keys(sa)) expectSameBits(sb[k]!, sa[k]!);
      a.eval(); b.eval();
      const x = randn([2, 1, 12, 12], new Rng(6), { dtype: 'float64' });
      expectSameBits(b.call(x), a.call(x));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a frozen Conv2d gets no gradient while the rest trains', () => {
    const m = cnn(3);
    const conv = m.getModule('0') as Conv2d;
    conv.freeze();
    const before = conv.weight.data().slice();
    const x = randn([4, 1, 12, 12], new Rng(7));
    for (let step = 0; step < 2; step++) {
      crossEntropyLoss(m.call(x), [0, 1, 2, 1]).backward();
      expect(conv.weight.grad).to.equal(null);
      expect((m.getModule('4') as Conv2d).weight.grad).to.not.equal(null);
      noGrad(() => { for (const p of m.trainableParameters()) p.assign(p.sub(p.grad!.mul(0.1))); });
      m.zeroGrad();
    }
    expect(Array.from(conv.weight.data())).to.deep.equal(Array.from(before));
  });
});
