import { expect } from 'chai';
import { Rng, ValueError, tensor, zeros } from '@descent/tensor';
import { Flatten, Linear, ReLU, Sequential, Tanh } from '@descent/layers';

describe('Sequential', () => {
  it('applies its layers in order and names them 0, 1, …', () => {
    const rng = new Rng(0);
    const fc = new Linear(2, 2, { rng });
    fc.weight.assign([1, 0, 0, -1]);
    fc.bias!.assign([0, 0]);
    const m = new Sequential(fc, new ReLU());
    expect(m.call(tensor([[3, 4]])).toArray()).to.deep.equal([[3, 0]]);
    expect(m.length).to.equal(2);
    expect(m.at(0)).to.equal(fc);
    expect(m.at(-1)).to.be.instanceOf(ReLU);
    expect([...m].map((l) => l.constructor.name)).to.deep.equal(['Linear', 'ReLU']);
    m.append(new Tanh());
    expect(m.namedChildren().map(([n]) => n)).to.deep.equal(['0', '1', '2']);
  });

  it('rejects a non-module layer and a bad index', () => {
    expect(() => new Sequential(new ReLU(), ((x: unknown) => x) as never)).to.throw(ValueError, 'Sequential: layers[1] must be a Module, but got a function');
    expect(() => new Sequential(new ReLU()).at(3)).to.throw(ValueError, /index must be an integer in \[-1, 0\], but got 3/);
  });
});

describe('Flatten', () => {
  it('merges startDim…endDim (default: all but the batch axis)', () => {
    expect(new Flatten().call(zeros([2, 3, 4])).shape).to.deep.equal([2, 12]);
    expect(new Flatten({ startDim: 0, endDim: 1 }).call(zeros([2, 3, 4])).shape).to.deep.equal([6, 4]);
    expect(new Flatten({ startDim: 1, endDim: -2 }).call(zeros([2, 3, 4, 5])).shape).to.deep.equal([2, 12, 5]);
    const x = tensor([[[1, 2], [3, 4]]]);
    expect(new Flatten().call(x).toArray()).to.deep.equal([[1, 2, 3, 4]]);
  });

  it('passes gradients back in the input shape', () => {
    const x = zeros([2, 2, 2]).requireGrad();
    new Flatten().call(x).sum().backward();
    expect(x.grad!.shape).to.deep.equal([2, 2, 2]);
  });

  it('rejects axes outside the input', () => {
    expect(() => new Flatten({ startDim: 3 }).call(zeros([2, 3]))).to.throw(ValueError, /startDim=3 and endDim=-1 must be axes of the input .* shape \[2,3\]/);
    expect(() => new Flatten({ startDim: 1.5 })).to.throw(ValueError, /startDim must be an integer, but got 1.5/);
  });
});
