import { expect } from 'chai';
import { ConfigError, Rng, tensor, ValueError, type Tensor } from '@descent/tensor';
import {
  batchSizes, CurriculumOrder, difficultyFromLoss, orders, pacingFraction, sequentialOrder, shuffleOrder, splitIntoBatches,
  type DataOrder, type OrderContext,
} from '@descent/optim';

const ctx = (n: number, sizes: number[], rng: Rng, over: Partial<OrderContext> = {}): OrderContext =>
  ({ n, batchSizes: sizes, epoch: 0, step: 0, totalSteps: 100, rng, ...over });
const flat = (bs: Int32Array[]) => bs.flatMap((b) => Array.from(b));
const isPermutation = (xs: number[], n: number) => xs.length === n && new Set(xs).size === n && xs.every((v) => v >= 0 && v < n);
const dummyX = (n: number): Tensor => tensor(new Float64Array(n), { shape: [n, 1], dtype: 'float64' });

describe('data: batch sizes', () => {
  it('cuts full batches then the remainder, or drops it', () => {
    expect(batchSizes(10, 4)).to.deep.equal([4, 4, 2]);
    expect(batchSizes(10, 4, true)).to.deep.equal([4, 4]);
    expect(batchSizes(10, 10)).to.deep.equal([10]);
    expect(batchSizes(3, 1)).to.deep.equal([1, 1, 1]);
  });
  it('rejects batch size 0 or larger than the data', () => {
    expect(() => batchSizes(10, 0)).to.throw(ValueError, /batchSize must be an integer in \[1, 10\], but got 0/);
    expect(() => batchSizes(10, 11)).to.throw(ValueError, /but got 11/);
  });
  it('splitIntoBatches follows the sizes', () => {
    expect(splitIntoBatches([5, 6, 7], [2, 1]).map((b) => Array.from(b))).to.deep.equal([[5, 6], [7]]);
  });
});

describe('data: sequential and shuffle', () => {
  it('sequential keeps the stored order every epoch', () => {
    const o = sequentialOrder();
    const b = o.batches(ctx(5, [2, 2, 1], new Rng(0)));
    expect(b.map((x) => Array.from(x))).to.deep.equal([[0, 1], [2, 3], [4]]);
    expect(flat(o.batches(ctx(5, [2, 2, 1], new Rng(9), { epoch: 3 })))).to.deep.equal([0, 1, 2, 3, 4]);
  });

  it('shuffle gives a permutation per epoch, a new one each epoch, reproducible under a seed', () => {
    const run = (seed: number) => {
      const rng = new Rng(seed);
      const o = shuffleOrder();
      return [0, 1, 2].map((epoch) => flat(o.batches(ctx(50, batchSizes(50, 8), rng, { epoch }))));
    };
    const a = run(3);
    for (const epoch of a) expect(isPermutation(epoch, 50)).to.equal(true);
    expect(a[0]).to.not.deep.equal(a[1]);
    expect(a[1]).to.not.deep.equal(a[2]);
    expect(run(3)).to.deep.equal(a);
    expect(run(4)).to.not.deep.equal(a);
  });

  it('is registered, with no options', () => {
    expect(orders.names()).to.include.members(['sequential', 'shuffle', 'curriculum']);
    expect(orders.create('shuffle').name).to.equal('shuffle');
    expect(() => orders.create('shuffle', { seed: 1 })).to.throw(ConfigError, /unknown option 'seed'/);
  });
});

describe('data: pacing functions', () => {
  const o = { startFraction: 0.2, rampSteps: 100, stages: 4 };
  it('linear, root and step start at c0 and reach 1 at T', () => {
    for (const p of ['linear', 'root', 'step'] as const) {
      expect(pacingFraction(p, 0, o)).to.be.closeTo(0.2, 1e-12);
      expect(pacingFraction(p, 100, o)).to.equal(1);
      expect(pacingFraction(p, 1000, o)).to.equal(1);
    }
  });
  it('have the documented shapes', () => {
    expect(pacingFraction('linear', 50, o)).to.be.closeTo(0.6, 1e-12);
    // root: √(c0² + (1 − c0²)·t/T) = √(0.04 + 0.96·0.5)
    expect(pacingFraction('root', 50, o)).to.be.closeTo(Math.sqrt(0.04 + 0.48), 1e-12);
    // step: four equal increments at T/4, T/2, 3T/4, T
    expect([0, 24, 25, 49, 50, 74, 75, 99].map((t) => pacingFraction('step', t, o))).to.deep.equal([0.2, 0.2, 0.4, 0.4, 0.6000000000000001, 0.6000000000000001, 0.8, 0.8]);
  });
  it('are non-decreasing, and root grows faster than linear early', () => {
    for (const p of ['linear', 'root', 'step'] as const) {
      let prev = 0;
      for (let t = 0; t <= 120; t++) { const f = pacingFraction(p, t, o); expect(f).to.be.at.least(prev); prev = f; }
    }
    expect(pacingFraction('root', 10, o)).to.be.greaterThan(pacingFraction('linear', 10, o));
  });
});

describe('data: curriculum', () => {
  const n = 40;
  // difficulty = the sample index reversed, so the easiest sample is 39, the hardest 0
  const difficulty = Array.from({ length: n }, (_, i) => n - i);
  const make = (opts: Record<string, unknown>, totalSteps = 40, seed = 1): [DataOrder, Rng] => {
    const order = orders.create('curriculum', { difficulty, ...opts });
    const rng = new Rng(seed);
    order.init!({ x: dummyX(n), y: new Array(n).fill(0), n, totalSteps, rng });
    return [order, rng];
  };
  const epochs = (order: DataOrder, rng: Rng, sizes: number[], count: number) =>
    Array.from({ length: count }, (_, e) => order.batches(ctx(n, sizes, rng, { epoch: e, step: e * sizes.length, totalSteps: count * sizes.length })));

  it('ranks easy → hard, and hard → easy with anti', () => {
    const [easy] = make({});
    expect(Array.from((easy as CurriculumOrder).ranking()).slice(0, 3)).to.deep.equal([39, 38, 37]);
    const [hard] = make({ anti: true });
    expect(Array.from((hard as CurriculumOrder).ranking()).slice(0, 3)).to.deep.equal([0, 1, 2]);
  });

  it('respects its pacing: every batch at step t comes from the m(t) easiest samples', () => {
    for (const pacing of ['linear', 'root', 'step'] as const) {
      const [order, rng] = make({ pacing, startFraction: 0.25, rampSteps: 12 });
      const cur = order as CurriculumOrder;
      const rank = new Map(Array.from(cur.ranking(), (s, r) => [s, r]));
      const sizes = batchSizes(n, 8);
      epochs(order, rng, sizes, 4).forEach((batches, e) => batches.forEach((b, i) => {
        const step = e * sizes.length + i;
        const pool = cur.poolSize(step, b.length);
        expect(pool).to.equal(Math.max(Math.ceil(order.fractionAt!(step) * n - 1e-9), b.length));
        for (const s of b) expect(rank.get(s)!, `${pacing} step ${step}`).to.be.lessThan(pool);
        expect(new Set(b).size).to.equal(b.length); // no repeats inside a batch
      }));
    }
  });

  it('starts from startFraction of the data and grows to all of it', () => {
    const [order, rng] = make({ startFraction: 0.25, rampSteps: 10 });
    const sizes = batchSizes(n, 5);
    const [first] = epochs(order, rng, sizes, 1);
    const rank = new Map(Array.from((order as CurriculumOrder).ranking(), (s, r) => [s, r]));
    expect(Math.max(...Array.from(first![0]!, (s) => rank.get(s)!))).to.be.lessThan(10); // ⌈0.25·40⌉
    expect(order.fractionAt!(0)).to.equal(0.25);
    expect(order.fractionAt!(10)).to.equal(1);
  });

  it('within the pool draws without replacement: an epoch is a permutation once the pool is full', () => {
    const [order, rng] = make({ startFraction: 0.5, rampSteps: 5 });
    const sizes = batchSizes(n, 6); // 7 steps per epoch: the pool is full from step 5
    const all = epochs(order, rng, sizes, 3);
    for (const e of [1, 2]) expect(isPermutation(flat(all[e]!), n), `epoch ${e}`).to.equal(true);
    // epoch 0: the pool grows, so easy samples repeat but never inside a pass of the pool
    const e0 = flat(all[0]!);
    expect(e0.length).to.equal(n);
    const counts = new Map<number, number>();
    for (const s of e0) counts.set(s, (counts.get(s) ?? 0) + 1);
    expect(Math.max(...counts.values())).to.be.at.most(2); // the pool holds ≥ 20 samples: at most two passes
    expect(flat(all[1]!)).to.not.deep.equal(flat(all[2]!));
  });

  it('with startFraction 1 behaves like a seeded shuffle (a permutation every epoch)', () => {
    const [order, rng] = make({ startFraction: 1 });
    for (const batches of epochs(order, rng, batchSizes(n, 7), 3)) expect(isPermutation(flat(batches), n)).to.equal(true);
  });

  it('is reproducible under a seed and changes with it', () => {
    const plan = (seed: number) => { const [o, r] = make({ pacing: 'root' }, 40, seed); return epochs(o, r, batchSizes(n, 8), 3).map(flat); };
    expect(plan(5)).to.deep.equal(plan(5));
    expect(plan(5)).to.not.deep.equal(plan(6));
  });

  it('breaks ties in difficulty at random (reproducibly)', () => {
    const ties = new Array(n).fill(1);
    const rank = (seed: number) => {
      const o = new CurriculumOrder({ difficulty: ties });
      o.init({ x: dummyX(n), y: [], n, totalSteps: 10, rng: new Rng(seed) });
      return Array.from(o.ranking());
    };
    expect(rank(1)).to.deep.equal(rank(1));
    expect(rank(1)).to.not.deep.equal(rank(2));
    expect(rank(1)).to.not.deep.equal(Array.from({ length: n }, (_, i) => i));
  });

  it('accepts a custom pacing function and a difficulty function', () => {
    const o = new CurriculumOrder({ difficulty: ({ x }) => Array.from(x.data(), (v) => -v), pacing: (t) => (t < 3 ? 0.1 : 1) });
    const x = tensor(Float64Array.from({ length: n }, (_, i) => i), { shape: [n, 1], dtype: 'float64' });
    o.init({ x, y: [], n, totalSteps: 10, rng: new Rng(0) });
    expect(Array.from(o.ranking()).slice(0, 2)).to.deep.equal([39, 38]);
    expect(o.fractionAt(2)).to.equal(0.1);
    expect(o.poolSize(0, 2)).to.equal(4);
    expect(o.poolSize(3, 2)).to.equal(n);
    // the function gets (step, totalSteps), as its type says, not the ramp length (half the run by default)
    const seen: number[] = [];
    const p = new CurriculumOrder({ difficulty: Array.from({ length: n }, (_, i) => i), pacing: (t, total) => { seen.push(total); return t / total; } });
    p.init({ x, y: [], n, totalSteps: 10, rng: new Rng(0) });
    expect(p.fractionAt(5)).to.equal(0.5);
    expect(seen).to.deep.equal([10]);
  });

  it('difficultyFromLoss scores samples by a reference model\'s per-sample loss', () => {
    const w = tensor([[1, -1]], { dtype: 'float64' });
    const ref = { forward: (x: Tensor) => x.matmul(w), parameters: () => [w] };
    const x = tensor([[3], [-3], [0]], { dtype: 'float64' });
    const scores = difficultyFromLoss(ref)({ x, y: [0, 0, 0] });
    // logits [3,-3] → easy, [-3,3] → hard, [0,0] → ln 2
    expect(scores[0]).to.be.lessThan(scores[2]!);
    expect(scores[2]).to.be.closeTo(Math.LN2, 1e-12);
    expect(scores[1]).to.be.greaterThan(scores[2]!);
  });

  it('validates its options and the scores', () => {
    expect(() => orders.create('curriculum', {})).to.throw(ConfigError, /'difficulty' is required/);
    expect(() => orders.create('curriculum', { difficulty, pacing: 'cubic' })).to.throw(ValueError, /pacing/);
    expect(() => orders.create('curriculum', { difficulty, startFraction: 0 })).to.throw(ValueError, /startFraction/);
    expect(() => orders.create('curriculum', { difficulty, pace: 'root' })).to.throw(ConfigError, /unknown option 'pace'/);
    const o = orders.create('curriculum', { difficulty: [1, 2] });
    expect(() => o.init!({ x: dummyX(3), y: [0, 0, 0], n: 3, totalSteps: 3, rng: new Rng(0) })).to.throw(ValueError, /one score per sample \(3\), but got 2/);
  });
});
