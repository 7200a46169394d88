import { expect } from 'chai';
import { Rng, ValueError, randn, tensor, type Tensor } from '@descent/tensor';
import { GELU, Identity, LeakyReLU, LogSoftmax, ReLU, Sigmoid, Softmax, Tanh, gelu } from '@descent/layers';
import { expectClose, numericGrad } from './helpers.js';

const xs = [-3, -1, -0.5, 0, 0.5, 1, 2.5];
const f64 = (v: number[]): Tensor => tensor(new Float64Array(v));

describe('activations', () => {
  it('ReLU, LeakyReLU, Tanh, Sigmoid, Identity', () => {
    const x = tensor([-2, 0, 3]);
    expect(new ReLU().call(x).toArray()).to.deep.equal([0, 0, 3]);
    expectClose(new LeakyReLU().call(x).data(), [-0.02, 0, 3]);
    expectClose(new LeakyReLU({ negativeSlope: 0.2 }).call(x).data(), [-0.4, 0, 3]);
    expectClose(new Tanh().call(x).data(), [Math.tanh(-2), 0, Math.tanh(3)]);
    expectClose(new Sigmoid().call(x).data(), [1 / (1 + Math.exp(2)), 0.5, 1 / (1 + Math.exp(-3))]);
    expect(new Identity().call(x)).to.equal(x);
    expect(() => new LeakyReLU({ negativeSlope: NaN })).to.throw(ValueError, /negativeSlope must be a finite number, but got NaN/);
  });

  it('LeakyReLU has slope negativeSlope at and below 0', () => {
    const x = f64([-1, 0, 2]).requireGrad();
    new LeakyReLU({ negativeSlope: 0.1 }).call(x).sum().backward();
    expect(Array.from(x.grad!.data())).to.deep.equal([0.1, 0.1, 1]);
  });

  it('Softmax and LogSoftmax along the last axis', () => {
    const x = tensor([[1, 1], [0, Math.log(3)]]);
    expectClose(new Softmax().call(x).data(), [0.5, 0.5, 0.25, 0.75]);
    expectClose(new LogSoftmax().call(x).data(), [Math.log(0.5), Math.log(0.5), Math.log(0.25), Math.log(0.75)]);
    expectClose(new Softmax(0).call(tensor([[0, 0], [0, 0]])).data(), [0.5, 0.5, 0.5, 0.5]);
  });

  describe('GELU', () => {
    // x·Φ(x) from Python's math.erfc, float64
    const exact = [-0.004049694094890287, -0.15865525393145707, -0.15426876936299344, 0, 0.34573123063700656, 0.8413447460685429, 2.4844758366855597];
    const exactGrad = [-0.011945647204183927, -0.08331547058768629, 0.13250487534383712, 0.5, 0.8674951246561629, 1.0833154705876864, 1.037611085908145];
    const tanhApprox = [-0.0036373920817729943, -0.15880800939172324, -0.15428599017485606, 0, 0.34571400982514394, 0.8411919906082768, 2.484915733910001];

    it('is exact (erf form) by default, value and gradient', () => {
      const x = f64(xs).requireGrad();
      const y = new GELU().call(x);
      expectClose(y.data(), exact, 1e-14);
      y.sum().backward();
      expectClose(x.grad!.data(), exactGrad, 1e-13);
    });

    it('tanh approximation on request', () => {
      const x = f64(xs).requireGrad();
      expectClose(new GELU({ approximate: 'tanh' }).call(x).data(), tanhApprox, 1e-14);
      const g = numericGrad((t) => gelu(t, 'tanh').sum(), x);
      gelu(x, 'tanh').sum().backward();
      expectClose(x.grad!.data(), g, 1e-7);
    });

    it('float32 input gives float32 output', () => {
      expect(new GELU().call(randn([3], new Rng(0))).dtype).to.equal('float32');
      expect(() => new GELU({ approximate: 'fast' as never })).to.throw(ValueError, /approximate must be 'none' or 'tanh', but got 'fast'/);
    });
  });
});
