import { expect } from 'chai';
import { DTypeError, ShapeError, ValueError, tensor, type Tensor } from '@descent/tensor';
import { BCEWithLogitsLoss, CrossEntropyLoss, MSELoss, bceWithLogits, crossEntropyLoss, mseLoss } from '@descent/layers';
import { expectClose } from './helpers.js';

const f64 = (v: number[]): Tensor => tensor(new Float64Array(v));

describe('losses', () => {
  it('crossEntropyLoss with integer labels and label smoothing (numbers from numpy)', () => {
    const logits = tensor([[2, 0], [0, 2]]);
    expect(crossEntropyLoss(logits, [0, 1]).item()).to.be.closeTo(0.1269280110429727, 1e-6);
    expect(crossEntropyLoss(logits, [0, 1], { labelSmoothing: 0.1 }).item()).to.be.closeTo(0.22692801104297272, 1e-6);
    expect(new CrossEntropyLoss({ labelSmoothing: 0.1 }).call(logits, [0, 1]).item()).to.be.closeTo(0.22692801104297272, 1e-6);
    expect(new CrossEntropyLoss({ reduction: 'sum' }).call(logits, [0, 1]).item()).to.be.closeTo(2 * 0.1269280110429727, 1e-6);
    expect(() => crossEntropyLoss(logits, [0, 2])).to.throw(ValueError, /labels\[1\] must be an integer class index in \[0, 1\], but got 2/);
    expect(() => new CrossEntropyLoss({ labelSmoothing: 2 })).to.throw(ValueError, /labelSmoothing must be a number in \[0, 1\], but got 2/);
  });

  it('mseLoss with mean, sum and none', () => {
    const p = tensor([1, 2, 3]);
    const y = tensor([1, 4, 0]);
    expect(mseLoss(p, y).item()).to.be.closeTo(13 / 3, 1e-6);
    expect(mseLoss(p, y, { reduction: 'sum' }).item()).to.equal(13);
    expect(mseLoss(p, [1, 4, 0], { reduction: 'none' }).toArray()).to.deep.equal([0, 4, 9]);
    expect(new MSELoss().call(p, y).item()).to.be.closeTo(13 / 3, 1e-6);
    expect(() => mseLoss(p, tensor([1, 2]))).to.throw(ShapeError, /mseLoss: target has 2 values, but input has shape \[3\]|input has shape \[3\] but target has shape \[2\]/);
    expect(() => mseLoss(p, f64([1, 2, 3]))).to.throw(DTypeError, /input is float32 but target is float64/);
    expect(() => mseLoss(p, y, { reduction: 'avg' as never })).to.throw(ValueError, /reduction must be 'mean', 'sum' or 'none', but got 'avg'/);
  });

  it('bceWithLogits equals the naive formula where that is finite', () => {
    const x = f64([-3, -0.5, 0, 0.7, 4]);
    const y = f64([0, 1, 1, 0.3, 1]);
    const naive = [-3, -0.5, 0, 0.7, 4].map((v, i) => {
      const s = 1 / (1 + Math.exp(-v));
      const t = [0, 1, 1, 0.3, 1][i]!;
      return -(t * Math.log(s) + (1 - t) * Math.log(1 - s));
    });
    expectClose(bceWithLogits(x, y, { reduction: 'none' }).data(), naive, 1e-14);
    expect(bceWithLogits(x, y).item()).to.be.closeTo(naive.reduce((a, b) => a + b) / 5, 1e-14);
    expect(new BCEWithLogitsLoss({ reduction: 'sum' }).call(x, y).item()).to.be.closeTo(naive.reduce((a, b) => a + b), 1e-13);
  });

  it('bceWithLogits is stable for large |x| and has gradient σ(x) − y, also at 0', () => {
    const x = f64([1000, -1000, 0, 0]).requireGrad();
    const y = f64([0, 1, 1, 0]);
    const l = bceWithLogits(x, y, { reduction: 'none' });
    expectClose(l.data(), [1000, 1000, Math.LN2, Math.LN2], 1e-15);
    l.sum().backward();
    expect(Array.from(x.grad!.data())).to.deep.equal([1, -1, -0.5, 0.5]);
  });

  it('bceWithLogits posWeight weighs the positive term (PyTorch formula)', () => {
    const x = f64([0.3, -1.2]);
    const y = f64([1, 0.4]);
    const s = (v: number) => 1 / (1 + Math.exp(-v));
    const expected = [0.3, -1.2].map((v, i) => {
      const t = [1, 0.4][i]!;
      return -(3 * t * Math.log(s(v)) + (1 - t) * Math.log(1 - s(v)));
    });
    expectClose(bceWithLogits(x, y, { reduction: 'none', posWeight: 3 }).data(), expected, 1e-14);
    expectClose(bceWithLogits(x, y, { reduction: 'none', posWeight: f64([3, 3]) }).data(), expected, 1e-14);
  });
});
