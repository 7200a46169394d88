import { expect } from 'chai';
import { DTypeError, Rng, ShapeError, ValueError, randn, tensor, type Tensor } from '@descent/tensor';
import { BatchNorm1d, mseLoss } from '@descent/layers';
import { expectClose, numericGrad } from './helpers.js';

const f64 = (rows: number[][]): Tensor => tensor(new Float64Array(rows.flat()), { shape: [rows.length, rows[0]!.length] });

describe('BatchNorm1d', () => {
  it('normalises with batch statistics (biased variance) in training', () => {
    const bn = new BatchNorm1d(2, { dtype: 'float64' });
    const y = bn.call(f64([[1, 10], [3, 30], [5, 20]]));
    // feature 0: mean 3, biased var 8/3; feature 1: mean 20, biased var 200/3
    const s0 = Math.sqrt(8 / 3 + 1e-5);
    const s1 = Math.sqrt(200 / 3 + 1e-5);
    expectClose(y.data(), [-2 / s0, -10 / s1, 0, 10 / s1, 2 / s0, 0], 1e-14);
  });

  it('updates running mean and UNBIASED running variance with momentum 0.1 (values by hand)', () => {
    const bn = new BatchNorm1d(2, { dtype: 'float64' });
    expect(Array.from(bn.runningMean.data())).to.deep.equal([0, 0]);
    expect(Array.from(bn.runningVar.data())).to.deep.equal([1, 1]);
    bn.call(f64([[1, 10], [3, 30], [5, 20]]));
    // mean [3, 20]; unbiased var [8/2, 200/2] = [4, 100]
    // runningMean = 0.9·0 + 0.1·[3, 20] = [0.3, 2]; runningVar = 0.9·1 + 0.1·[4, 100] = [1.3, 10.9]
    expectClose(bn.runningMean.data(), [0.3, 2], 1e-15);
    expectClose(bn.runningVar.data(), [1.3, 10.9], 1e-15);
    bn.call(f64([[0, 0], [2, 4]]));
    // mean [1, 2]; unbiased var [2, 8]
    // runningMean = 0.9·[0.3, 2] + 0.1·[1, 2] = [0.37, 2]; runningVar = 0.9·[1.3, 10.9] + 0.1·[2, 8] = [1.37, 10.61]
    expectClose(bn.runningMean.data(), [0.37, 2], 1e-15);
    expectClose(bn.runningVar.data(), [1.37, 10.61], 1e-15);
    expect(bn.numBatchesTracked.item()).to.equal(2);
  });

  it('uses the running statistics in eval mode and leaves them alone', () => {
    const bn = new BatchNorm1d(2, { dtype: 'float64' });
    bn.call(f64([[1, 10], [3, 30], [5, 20]]));
    bn.eval();
    const y = bn.call(f64([[1, 1]]));
    // (x − [0.3, 2]) / √([1.3, 10.9] + 1e-5); batch size 1 is fine in eval
    expectClose(y.data(), [0.7 / Math.sqrt(1.3 + 1e-5), -1 / Math.sqrt(10.9 + 1e-5)], 1e-14);
    expectClose(bn.runningMean.data(), [0.3, 2], 1e-15);
    expect(bn.numBatchesTracked.item()).to.equal(1);
  });

  it('momentum null is a cumulative average', () => {
    const bn = new BatchNorm1d(2, { dtype: 'float64', momentum: null });
    bn.call(f64([[1, 10], [3, 30], [5, 20]]));
    bn.call(f64([[0, 0], [2, 4]]));
    // ([3, 20] + [1, 2]) / 2 and ([4, 100] + [2, 8]) / 2
    expectClose(bn.runningMean.data(), [2, 11], 1e-15);
    expectClose(bn.runningVar.data(), [3, 54], 1e-15);
  });

  it('accepts [N, C, L] inputs, with statistics over N and L', () => {
    const bn = new BatchNorm1d(1, { dtype: 'float64' });
    const x = tensor(new Float64Array([1, 2, 3, 6]), { shape: [2, 1, 2] });
    const y = bn.call(x);
    // mean 3, biased var (4 + 1 + 0 + 9)/4 = 3.5, unbiased 14/3
    expectClose(y.data(), [-2, -1, 0, 3].map((d) => d / Math.sqrt(3.5 + 1e-5)), 1e-14);
    expectClose(bn.runningVar.data(), [0.9 + 0.1 * 14 / 3], 1e-15);
  });

  it('gradient wrt x, γ and β matches finite differences (x − mean keeps its gradient)', () => {
    const rng = new Rng(11);
    const x = randn([5, 3], rng, { dtype: 'float64' }).requireGrad();
    const target = randn([5, 3], rng, { dtype: 'float64' });
    const bn = new BatchNorm1d(3, { dtype: 'float64' });
    bn.weight!.assign([1.5, -0.5, 2]);
    bn.bias!.assign([0.1, 0.2, -0.3]);
    const f = (t: Tensor) => mseLoss(bn.call(t), target);
    f(x).backward();
    expectClose(x.grad!.data(), numericGrad(f, x), 1e-6);
    const gw = bn.weight!.grad!.data();
    const w0 = bn.weight!.data();
    const fw = (w: Tensor) => { bn.weight!.assign(w); const v = f(x.detach()); bn.weight!.assign(w0); return v; };
    expectClose(gw, numericGrad(fw, bn.weight!.detach()), 1e-6);
  });

  it('affine: false and trackRunningStats: false', () => {
    const bn = new BatchNorm1d(2, { affine: false, trackRunningStats: false });
    expect(bn.parameters()).to.have.length(0);
    expect(bn.buffers()).to.have.length(0);
    bn.eval();
    // no running statistics: eval uses batch statistics too
    expectClose(bn.call(tensor([[1, 2], [3, 2]])).data(), [-1, 0, 1, 0], 1e-4);
    expect(() => bn.runningMean).to.throw(ValueError, /trackRunningStats: false/);
  });

  it('rejects batch size 1 in training, as PyTorch', () => {
    const bn = new BatchNorm1d(3);
    expect(() => bn.call(tensor([[1, 2, 3]]))).to.throw(ValueError, 'BatchNorm1d(3): expected more than 1 value per feature when training, but got input of shape [1,3]; use a batch of 2 or more, or call eval()');
    expect(bn.numBatchesTracked.item()).to.equal(0);
  });

  it('rejects wrong shapes, dtypes and options', () => {
    const bn = new BatchNorm1d(3);
    expect(() => bn.call(tensor([[1, 2], [3, 4]]))).to.throw(ShapeError, 'BatchNorm1d(3): input has 2 features in shape [2,2], expected 3');
    expect(() => bn.call(tensor([1, 2, 3]))).to.throw(ShapeError, /must be \[batch, features\] or \[batch, features, length\], but got shape \[3\]/);
    expect(() => bn.call(tensor(new Float64Array(6), { shape: [2, 3] }))).to.throw(DTypeError, /input is float64/);
    expect(() => new BatchNorm1d(3, { momentum: 2 })).to.throw(ValueError, /momentum must be a number in \[0, 1\] or null, but got 2/);
    expect(() => new BatchNorm1d(3, { eps: -1 })).to.throw(ValueError, /eps must be a finite number >= 0, but got -1/);
    expect(() => new BatchNorm1d(0)).to.throw(ValueError, /numFeatures must be a positive integer, but got 0/);
  });
});
