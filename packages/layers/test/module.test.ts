import { expect } from 'chai';
import { Rng, StateError, ShapeError, DTypeError, ValueError, noGrad, ones, tensor, tidy, zeros, type Tensor } from '@descent/tensor';
import { BatchNorm1d, Dropout, Linear, Module, ReLU, Sequential, Tanh, mseLoss } from '@descent/layers';
import { expectSameBits } from './helpers.js';

class Block extends Module {
  readonly fc: Linear;
  readonly bn: BatchNorm1d;
  constructor(rng: Rng) {
    super();
    this.registerParameter('scale', ones([3]));
    this.fc = this.registerModule('fc', new Linear(2, 3, { rng }));
    this.bn = this.registerModule('bn', new BatchNorm1d(3));
  }
  forward(x: Tensor): Tensor { return this.bn.call(this.fc.call(x)).mul(this.getParameter('scale')!); }
}

function mlp(seed = 0, dtype: 'float32' | 'float64' = 'float32'): Sequential {
  const rng = new Rng(seed);
  return new Sequential(new Linear(2, 4, { rng, dtype }), new ReLU(), new BatchNorm1d(4, { dtype }), new Linear(4, 1, { rng, dtype }));
}

describe('Module', () => {
  describe('names', () => {
    it('gives stable dotted names in registration order, recursing into children', () => {
      const m = new Sequential(new Block(new Rng(0)), new Tanh(), new Linear(3, 1, { rng: new Rng(1) }));
      expect(m.namedParameters().map(([n]) => n)).to.deep.equal(['0.scale', '0.fc.weight', '0.fc.bias', '0.bn.weight', '0.bn.bias', '2.weight', '2.bias']);
      expect(m.namedBuffers().map(([n]) => n)).to.deep.equal(['0.bn.runningMean', '0.bn.runningVar', '0.bn.numBatchesTracked']);
      expect(m.parameters()).to.have.length(7);
      expect(m.buffers()).to.have.length(3);
      expect(Object.keys(m.stateDict())).to.deep.equal([
        '0.scale', '0.fc.weight', '0.fc.bias', '0.bn.weight', '0.bn.bias', '0.bn.runningMean', '0.bn.runningVar', '0.bn.numBatchesTracked', '2.weight', '2.bias',
      ]);
      expect(m.namedModules().map(([n]) => n)).to.deep.equal(['', '0', '0.fc', '0.bn', '1', '2']);
      expect(m.getModule('0.fc')).to.be.instanceOf(Linear);
      expect(() => m.getModule('0.nope')).to.throw(ValueError, /no submodule '0\.nope'.*children: fc, bn/);
    });

    it('parameters are leaves that require grad; buffers do not', () => {
      const m = mlp();
      for (const p of m.parameters()) expect(p.requiresGrad && p.isLeaf).to.equal(true);
      for (const b of m.buffers()) expect(b.requiresGrad).to.equal(false);
    });

    it('lists a shared parameter once', () => {
      const rng = new Rng(0);
      const a = new Linear(3, 3, { rng });
      const m = new Sequential(a, a);
      expect(m.namedParameters().map(([n]) => n)).to.deep.equal(['0.weight', '0.bias']);
    });

    it('rejects bad and duplicate names', () => {
      class Bad extends Module {
        constructor(name: string) { super(); this.registerParameter('w', zeros([1])); this.registerBuffer(name, zeros([1])); }
        forward(x: Tensor) { return x; }
      }
      expect(() => new Bad('w')).to.throw(ValueError, /'w' is already registered/);
      expect(() => new Bad('a.b')).to.throw(ValueError, /no '\.'/);
    });

    it('numParameters counts elements', () => {
      expect(new Linear(2, 3, { rng: new Rng(0) }).numParameters()).to.equal(9);
    });

    it('toString shows the tree', () => {
      const s = String(new Sequential(new Linear(2, 3, { rng: new Rng(0) }), new ReLU()));
      expect(s).to.equal('Sequential(\n  (0): Linear(in=2, out=3, bias=true, float32)\n  (1): ReLU()\n)');
    });
  });

  describe('train/eval', () => {
    it('sets the mode on the whole subtree, per tree (no global flag)', () => {
      const a = mlp();
      const b = mlp();
      a.eval();
      expect(a.modules().every((m) => !m.training)).to.equal(true);
      expect(b.modules().every((m) => m.training)).to.equal(true);
      a.train();
      expect(a.modules().every((m) => m.training)).to.equal(true);
      a.getModule('2').eval();
      expect(a.training).to.equal(true);
      expect(a.getModule('2').training).to.equal(false);
    });

    it('eval changes behaviour of Dropout', () => {
      const m = new Sequential(new Dropout(0.5, { rng: new Rng(0) }));
      const x = ones([4, 4]);
      expect(m.eval().call(x)).to.equal(x);
    });
  });

  describe('freeze/unfreeze', () => {
    it('a frozen layer receives no gradient and no update', () => {
      const m = mlp(3);
      m.getModule('0').freeze();
      const frozen = (m.getModule('0') as Linear);
      const before = frozen.weight.data();
      const otherBefore = (m.getModule('3') as Linear).weight.data();
      const x = tensor([[0, 1], [1, 0], [1, 1], [0, 0]]);
      const y = tensor([[1], [1], [0], [0]]);
      for (let step = 0; step < 3; step++) {
        mseLoss(m.call(x), y).backward();
        noGrad(() => { for (const p of m.parameters()) if (p.grad) p.assign(p.sub(p.grad.mul(0.1))); });
        expect(frozen.weight.grad).to.equal(null);
        expect(frozen.bias!.grad).to.equal(null);
        m.zeroGrad();
      }
      expect(Array.from(frozen.weight.data())).to.deep.equal(Array.from(before));
      expect(Array.from((m.getModule('3') as Linear).weight.data())).to.not.deep.equal(Array.from(otherBefore));
      expect(m.trainableParameters()).to.have.length(m.parameters().length - 2);
      m.unfreeze();
      expect(m.trainableParameters()).to.have.length(m.parameters().length);
    });
  });

  describe('setParameter', () => {
    it('replaces a parameter so gradients reach the given tensor', () => {
      const lin = new Linear(2, 1, { rng: new Rng(0) });
      const w = tensor([[1], [2]]).requireGrad();
      lin.weight = w;
      expect(lin.parameters()[0]).to.equal(w);
      lin.call(tensor([[3, 4]])).sum().backward();
      expect(Array.from(w.grad!.data())).to.deep.equal([3, 4]);
    });

    it('rejects a different shape or dtype', () => {
      const lin = new Linear(2, 1, { rng: new Rng(0) });
      expect(() => { lin.weight = zeros([1, 2]); }).to.throw(ShapeError, /'weight' has shape \[2,1\], but got a tensor of shape \[1,2\]/);
      expect(() => { lin.weight = zeros([2, 1], { dtype: 'float64' }); }).to.throw(DTypeError, /float32, but got a float64/);
    });
  });

  describe('stateDict / loadStateDict', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      it(`round-trips ${dtype} bit for bit, buffers included`, () => {
        const a = mlp(1, dtype);
        a.call(tensor(new Float64Array([0.3, -1.7, 2.2, 0.1, -0.5, 0.9]), { shape: [3, 2], dtype })); // moves running stats
        const b = mlp(2, dtype);
        const state = a.stateDict();
        b.loadStateDict(state);
        const sb = b.stateDict();
        for (const name of Object.keys(state)) expectSameBits(sb[name]!, state[name]!);
        expect(b.getModule('2').getBuffer('numBatchesTracked')!.item()).to.equal(1);
      });
    }

    it('returns copies: later training does not change a saved state dict', () => {
      const m = mlp();
      const state = m.stateDict();
      const w = (m.getModule('0') as Linear).weight;
      expect(state['0.weight']).to.not.equal(w);
      const saved = state['0.weight']!.data();
      w.assign(new Float32Array(w.size).fill(7));
      expect(Array.from(state['0.weight']!.data())).to.deep.equal(Array.from(saved));
      m.loadStateDict(state);
      expect(Array.from(w.data())).to.deep.equal(Array.from(saved));
    });

    it('on mismatch lists every missing, unexpected, mis-shaped and mis-typed entry and changes nothing', () => {
      const m = mlp();
      const before = m.stateDict();
      const state = m.stateDict();
      delete state['0.bias'];
      delete state['2.runningVar'];
      state['extra.weight'] = zeros([1]);
      state['3.weight'] = zeros([1, 4]);
      state['0.weight'] = zeros([2, 4], { dtype: 'float64' });
      (state as Record<string, unknown>)['3.bias'] = [1];
      state['2.weight'] = ones([4]).mul(5); // a valid entry that must not be written
      let err: unknown;
      try { m.loadStateDict(state); } catch (e) { err = e; }
      expect(err).to.be.instanceOf(StateError);
      const msg = (err as Error).message;
      expect(msg).to.match(/missing: 0\.bias, 2\.runningVar/);
      expect(msg).to.match(/unexpected: extra\.weight/);
      expect(msg).to.match(/wrong shape: 3\.weight \(model \[4,1\], state \[1,4\]\)/);
      expect(msg).to.match(/wrong dtype: 0\.weight \(model float32, state float64\)/);
      expect(msg).to.match(/not a tensor: 3\.bias/);
      const after = m.stateDict();
      for (const name of Object.keys(before)) expectSameBits(after[name]!, before[name]!);
    });

    it('strict: false ignores missing and unexpected names but not shapes', () => {
      const m = mlp();
      m.loadStateDict({ '0.bias': zeros([4]), other: zeros([2]) }, { strict: false });
      expect(Array.from((m.getModule('0') as Linear).bias!.data())).to.deep.equal([0, 0, 0, 0]);
      expect(() => m.loadStateDict({ '0.bias': zeros([5]) }, { strict: false })).to.throw(StateError, /wrong shape: 0\.bias/);
    });

    it('rejects a non-object state', () => {
      expect(() => mlp().loadStateDict(null as never)).to.throw(StateError, /state must be an object mapping names to tensors, but got null/);
    });
  });

  it('a module built inside a tidy scope keeps its parameters and buffers, frozen ones too', () => {
    let built: Sequential | null = null;
    tidy(() => {
      built = mlp(3).freeze();
      noGrad(() => built!.call(tensor([[1, 2], [3, 4]]))); // training mode: the running statistics are updated in the scope
    });
    for (const [name, t] of [...built!.namedParameters(), ...built!.namedBuffers()]) {
      expect(t.isDisposed, name).to.equal(false);
    }
    built!.eval();
    expect(built!.call(tensor([[1, 2]])).shape).to.deep.equal([1, 1]);
    const replacement = tidy(() => { built!.getModule('0').setParameter('bias', zeros([4])); return null; });
    expect(replacement).to.equal(null);
    expect(built!.getModule('0').getParameter('bias')!.isDisposed).to.equal(false);
  });
});
