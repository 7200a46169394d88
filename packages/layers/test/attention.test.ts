import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, Rng, ShapeError, ValueError, add, causalMask, permute, randn, tensor, zeros } from '@descent/tensor';
import {
  Embedding, Linear, MultiheadAttention, ReLU, Residual, Sequential, TransformerEncoderLayer, loadState, saveState,
} from '@descent/layers';
import { expectClose, expectSameBits } from './helpers.js';

const f64 = { dtype: 'float64' } as const;

describe('Embedding', () => {
  it('initialises N(0, 1) with the padding row zeroed, and looks rows up', () => {
    const emb = new Embedding(200, 50, { rng: new Rng(0), paddingIdx: -1, dtype: 'float64' });
    expect(emb.paddingIdx).to.equal(199);
    const w = emb.weight.data();
    expect(Array.from(w.subarray(199 * 50))).to.deep.equal(new Array(50).fill(0));
    const rest = Array.from(w.subarray(0, 199 * 50));
    const mean = rest.reduce((a, b) => a + b, 0) / rest.length;
    const sd = Math.sqrt(rest.reduce((a, b) => a + (b - mean) ** 2, 0) / rest.length);
    expect(Math.abs(mean)).to.be.below(0.05);
    expect(Math.abs(sd - 1)).to.be.below(0.05);
    expect(emb.call(tensor([[3]])).toArray()).to.deep.equal([[Array.from(w.subarray(150, 200))]]);
  });

  it('rejects bad sizes, paddingIdx and indices', () => {
    const rng = new Rng(0);
    expect(() => new Embedding(0, 2, { rng })).to.throw(ValueError, /numEmbeddings must be a positive integer, but got 0/);
    expect(() => new Embedding(4, 2, { rng, paddingIdx: 4 })).to.throw(ValueError, /paddingIdx must be an integer in \[-4, 3\] or null, but got 4/);
    expect(() => new Embedding(4, 2, { rng }).call([[0, -1]])).to.throw(ValueError, /element 1 is -1/);
  });
});

describe('MultiheadAttention', () => {
  it('initialises as PyTorch: Xavier-uniform in-projection, zero biases', () => {
    const mha = new MultiheadAttention(16, 4, { rng: new Rng(1) });
    const bound = Math.sqrt(6 / (16 + 48));
    const w = Array.from(mha.inProjWeight.data());
    expect(mha.inProjWeight.shape).to.deep.equal([48, 16]);
    expect(Math.max(...w.map(Math.abs))).to.be.at.most(bound);
    expect(Math.max(...w.map(Math.abs))).to.be.above(0.9 * bound);
    expect(Array.from(mha.inProjBias!.data()).every((b) => b === 0)).to.equal(true);
    expect(Array.from(mha.outProj.bias!.data()).every((b) => b === 0)).to.equal(true);
    expect(mha.namedParameters().map(([n]) => n)).to.deep.equal(['inProjWeight', 'inProjBias', 'outProj.weight', 'outProj.bias']);
    expect(new MultiheadAttention(4, 2, { rng: new Rng(1), bias: false }).namedParameters().map(([n]) => n)).to.deep.equal(['inProjWeight', 'outProj.weight']);
  });

  it('batchFirst and sequence-first layouts agree; causal equals the explicit causal mask; weights rows sum to 1', () => {
    const a = new MultiheadAttention(8, 2, { rng: new Rng(2), dtype: 'float64', batchFirst: true });
    const b = new MultiheadAttention(8, 2, { rng: new Rng(3), dtype: 'float64' });
    b.loadStateDict(a.stateDict());
    const x = randn([3, 5, 8], new Rng(4), f64);
    const [ya, wa] = a.call(x, x, x, { causal: true });
    const xs = permute(x, [1, 0, 2]);
    const [yb, wb] = b.call(xs, xs, xs, { attnMask: causalMask(5, f64) });
    expectClose(permute(ya, [1, 0, 2]).data(), yb.data(), 1e-12);
    expectClose(wa!.data(), wb!.data(), 1e-12);
    const w = wa!.toArray() as number[][][];
    for (const row of w[1]!) expect(row.reduce((s, v) => s + v, 0)).to.be.closeTo(1, 1e-12);
    expect(w[0]![0]!.slice(1)).to.deep.equal([0, 0, 0, 0]);
    const [, none] = a.call(x, x, x, { needWeights: false });
    expect(none).to.equal(null);
    const [, perHead] = a.call(x, x, x, { averageAttnWeights: false });
    expect(perHead!.shape).to.deep.equal([3, 2, 5, 5]);
  });

  it('a query whose keys are all masked gets NaN, as in PyTorch', () => {
    const mha = new MultiheadAttention(4, 1, { rng: new Rng(5), dtype: 'float64', batchFirst: true });
    const x = randn([2, 3, 4], new Rng(6), f64);
    const [y] = mha.call(x, x, x, { keyPaddingMask: tensor([[1, 1, 1], [0, 0, 1]], f64) });
    const rows = y.toArray() as number[][][];
    expect(rows[0]!.flat().every(Number.isNaN)).to.equal(true);
    expect(rows[1]!.flat().every(Number.isFinite)).to.equal(true);
  });

  it('drops attention weights in training only, drawing from its rng', () => {
    const mha = new MultiheadAttention(8, 2, { rng: new Rng(7), dtype: 'float64', dropout: 0.5, batchFirst: true });
    const x = randn([2, 4, 8], new Rng(8), f64);
    const [, w1] = mha.call(x, x, x, { averageAttnWeights: false });
    expect(Array.from(w1!.data()).filter((v) => v === 0).length).to.be.above(0);
    mha.eval();
    const [e1] = mha.call(x, x, x);
    const [e2] = mha.call(x, x, x);
    expectSameBits(e1, e2);
  });

  it('rejects bad configurations, inputs and masks', () => {
    const rng = new Rng(0);
    expect(() => new MultiheadAttention(10, 3, { rng })).to.throw(ValueError, /embedDim must be divisible by numHeads, but got embedDim 10 and numHeads 3/);
    expect(() => new MultiheadAttention(8, 2, { rng, dropout: 1 })).to.throw(ValueError, /options.dropout must be a number in \[0, 1\), but got 1/);
    const mha = new MultiheadAttention(8, 2, { rng, batchFirst: true });
    const x = zeros([2, 3, 8]);
    expect(() => mha.call(x, x, zeros([2, 3, 7]))).to.throw(ShapeError, /value must be \[batch, seq, embed\].*embed = 8.*\[2,3,7\]/);
    expect(() => mha.call(x, x, x, { attnMask: zeros([3, 4]) })).to.throw(ShapeError, /attnMask must have shape \[3, 3\] or \[4, 3, 3\].*\[3,4\]/);
    expect(() => mha.call(x, x, x, { keyPaddingMask: zeros([3, 3]) })).to.throw(ShapeError, /keyPaddingMask must be a Tensor of shape \[2, 3\]/);
    expect(() => mha.call(x, x, x, { causl: true } as never)).to.throw(ConfigError, /unknown option 'causl'/);
  });
});

describe('TransformerEncoderLayer', () => {
  it('has PyTorch defaults and children', () => {
    const layer = new TransformerEncoderLayer(8, 2, { rng: new Rng(9) });
    expect(layer.linear1.outFeatures).to.equal(2048);
    expect(layer.dropout.p).to.equal(0.1);
    expect(layer.norm1.eps).to.equal(1e-5);
    expect(layer.activation).to.equal('relu');
    expect(layer.normFirst).to.equal(false);
    expect(layer.namedChildren().map(([n]) => n)).to.deep.equal(['selfAttn', 'linear1', 'dropout', 'linear2', 'norm1', 'norm2', 'dropout1', 'dropout2']);
  });

  it('pre-norm is x + sa(norm1 x) then + ff(norm2 x)', () => {
    const layer = new TransformerEncoderLayer(8, 2, { rng: new Rng(10), dimFeedforward: 16, normFirst: true, batchFirst: true, dtype: 'float64' }).eval();
    const x = randn([2, 3, 8], new Rng(11), f64);
    const n1 = layer.norm1.call(x);
    const h = add(x, layer.selfAttn.call(n1, n1, n1)[0]);
    const expected = add(h, layer.linear2.call(layer.linear1.call(layer.norm2.call(h)).relu()));
    expectClose(layer.call(x).data(), expected.data(), 1e-12);
  });

  it('saves, loads and freezes like any layer', () => {
    const dir = mkdtempSync(join(tmpdir(), 'descent-attn-'));
    try {
      const a = new TransformerEncoderLayer(8, 2, { rng: new Rng(12), dimFeedforward: 16 }).eval();
      const b = new TransformerEncoderLayer(8, 2, { rng: new Rng(13), dimFeedforward: 16 }).eval();
      saveState(a, join(dir, 'enc.json'));
      loadState(b, join(dir, 'enc.json'));
      const x = randn([3, 2, 8], new Rng(14));
      expectSameBits(b.call(x), a.call(x));
      b.selfAttn.freeze();
      expect(b.trainableParameters().length).to.equal(b.parameters().length - 4);
      b.call(x).sum().backward();
      expect(b.selfAttn.inProjWeight.grad).to.equal(null);
      expect(b.linear1.weight.grad).to.not.equal(null);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects bad options', () => {
    const rng = new Rng(0);
    expect(() => new TransformerEncoderLayer(8, 2, { rng, activation: 'tanh' as never })).to.throw(ValueError, /activation must be 'relu' or 'gelu', but got 'tanh'/);
    expect(() => new TransformerEncoderLayer(8, 3, { rng })).to.throw(ValueError, /embedDim must be divisible by numHeads/);
  });
});

describe('Residual', () => {
  it('adds the wrapped block to its input and owns its parameters', () => {
    const rng = new Rng(15);
    const block = new Residual(new Sequential(new Linear(3, 3, { rng, dtype: 'float64' }), new ReLU()));
    expect(block.namedParameters().map(([n]) => n)).to.deep.equal(['fn.0.weight', 'fn.0.bias']);
    const x = randn([2, 3], rng, f64);
    const inner = block.getModule('fn') as Sequential;
    expectClose(block.call(x).data(), add(x, inner.call(x)).data(), 0);
    expect(new Residual((t) => t.mul(2)).call(tensor([1, 2])).toArray()).to.deep.equal([3, 6]);
    expect(() => new Residual((t) => t.sum()).call(tensor([1, 2]))).to.throw(ShapeError, /must keep the input's shape \[2\], but returned \[\]/);
    expect(() => new Residual(3 as never)).to.throw(ValueError, /fn must be a Module or a function/);
  });
});
