import { expect } from 'chai';
import * as T from '@descent/tensor';
import { GradientError, Rng, tensor } from '@descent/tensor';
import { expectClose } from '../helpers/close.js';

describe('autodiff', () => {
  it('backward accumulates into .grad of leaves until zeroGrad', () => {
    const w = tensor([1, 2, 3], { dtype: 'float64' }).requireGrad();
    w.mul(w).sum().backward();
    expectClose(w.grad!, [2, 4, 6]);
    w.mul(3).sum().backward();
    expectClose(w.grad!, [5, 7, 9]);
    w.zeroGrad();
    expect(w.grad).to.equal(null);
  });

  it('sums broadcast gradients back to the input shape in the engine', () => {
    const b = tensor([1, 2], { dtype: 'float64' }).requireGrad();
    const x = T.ones([3, 2], { dtype: 'float64' });
    T.add(x, b).sum().backward();
    expectClose(b.grad!, [3, 3]);
    const c = tensor([[2], [3]], { dtype: 'float64' }).requireGrad();
    T.mul(T.ones([2, 4], { dtype: 'float64' }), c).sum().backward();
    expectClose(c.grad!, [4, 4]);
  });

  it('reuses a tensor on several paths (gradients add up)', () => {
    const x = tensor([3], { dtype: 'float64' }).requireGrad();
    const y = x.mul(x).add(x.mul(2)).add(x.exp());
    y.sum().backward();
    expectClose(x.grad!, [2 * 3 + 2 + Math.exp(3)]);
  });

  it('relu(x·W + b): the README example', () => {
    const x = tensor([[1, -1], [2, 0.5]], { dtype: 'float64' });
    const W = tensor([[0.5, -1], [1, 2]], { dtype: 'float64' }).requireGrad();
    const b = tensor([0.1, -0.2], { dtype: 'float64' }).requireGrad();
    const loss = T.relu(T.matmul(x, W).add(b)).sum();
    loss.backward();
    // pre-activations: [[-0.4, -3.2], [1.6, -1.2]] → only (1,0) is active
    expectClose(loss, [1.6]);
    expectClose(W.grad!, [2, 0, 0.5, 0]);
    expectClose(b.grad!, [1, 0]);
  });

  it('grad, grads, valueAndGrad, valueAndGrads', () => {
    const x = tensor([1, 2], { dtype: 'float64' });
    expectClose(T.grad((v) => v.mul(v).sum())(x), [2, 4]);
    const [ga, gb] = T.grads((a, b) => a.mul(b).sum())(x, tensor([3, 4], { dtype: 'float64' }));
    expectClose(ga!, [3, 4]);
    expectClose(gb!, [1, 2]);
    const { value, grad } = T.valueAndGrad((v) => v.square().sum())(x);
    expect(value.item()).to.equal(5);
    expectClose(grad, [2, 4]);
    expect(x.requiresGrad, 'inputs are not modified').to.equal(false);
    const vg = T.valueAndGrads((a) => a.sum())(x);
    expect(vg.value.item()).to.equal(3);
  });

  it('noGrad records nothing; detach cuts the graph', () => {
    const w = tensor([1, 2]).requireGrad();
    const y = T.noGrad(() => w.mul(2));
    expect(y.requiresGrad).to.equal(false);
    expect(y.node).to.equal(null);
    const d = w.mul(2).detach();
    expect(d.requiresGrad).to.equal(false);
    expect(() => d.sum().backward()).to.throw(GradientError, /does not require grad/);
  });

  it('a second backward through a freed graph is an error unless retainGraph', () => {
    const w = tensor([1, 2]).requireGrad();
    const loss = w.mul(w).sum();
    loss.backward();
    expect(() => loss.backward()).to.throw(GradientError, /already freed/);
    const loss2 = w.mul(w).sum();
    loss2.backward({ retainGraph: true });
    loss2.backward();
    expectClose(w.grad!, [2 + 2 + 2, 4 + 4 + 4], 1e-6);
  });

  it('backward on a non-scalar needs a seed of the same shape', () => {
    const w = tensor([1, 2]).requireGrad();
    const y = w.mul(3);
    expect(() => y.backward()).to.throw(GradientError, /shape \[2\]; a seed gradient is required/);
    y.backward({ seed: tensor([1, 10]) });
    expect(w.grad!.toArray()).to.deep.equal([3, 30]);
  });

  it('gradients flow through every part of a 2-layer MLP in float32', () => {
    const rng = new Rng(0);
    const x = T.randn([8, 4], rng);
    const W1 = T.randn([4, 5], rng).requireGrad();
    const W2 = T.randn([5, 3], rng).requireGrad();
    T.crossEntropy(T.relu(x.matmul(W1)).matmul(W2), [0, 1, 2, 0, 1, 2, 0, 1]).backward();
    expect(W1.grad!.shape).to.deep.equal([4, 5]);
    expect(W2.grad!.dtype).to.equal('float32');
  });
});
