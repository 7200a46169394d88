// Properties of the data orders: every shuffle epoch is a permutation of the samples (or, with
// dropLast, distinct samples); a curriculum ranks every sample exactly once, never repeats a sample
// within a batch, draws only existing samples, and once its pool is the whole set an epoch is a
// permutation. Random sizes, batch sizes, seeds, difficulties (with ties) and pacing.
// (packages/optim/test/data.test.ts checks fixed examples; this varies them.)
import { expect } from 'chai';
import fc from 'fast-check';
import { Rng, tensor } from '@descent/tensor';
import { batchSizes, CurriculumOrder, orders, type DataOrder } from '@descent/optim';

const flat = (bs: Int32Array[]) => bs.flatMap((b) => Array.from(b));
const isPermutation = (xs: number[], n: number) => xs.length === n && new Set(xs).size === n && xs.every((v) => Number.isInteger(v) && v >= 0 && v < n);

const setup = fc.integer({ min: 1, max: 60 }).chain((n) => fc.record({
  n: fc.constant(n),
  batchSize: fc.integer({ min: 1, max: n }),
  dropLast: fc.boolean(),
  epochs: fc.integer({ min: 1, max: 4 }),
  seed: fc.integer(),
}));

describe('properties: data orders', () => {
  it('shuffle: every epoch is a permutation (distinct samples with dropLast), and the epochs are reproducible from the seed', () => {
    fc.assert(fc.property(setup, ({ n, batchSize, dropLast, epochs, seed }) => {
      const sizes = batchSizes(n, batchSize, dropLast);
      const plan = (order: DataOrder, rng: Rng) => Array.from({ length: epochs }, (_, epoch) =>
        order.batches({ n, batchSizes: sizes, epoch, step: epoch * sizes.length, totalSteps: epochs * sizes.length, rng }));
      const a = plan(orders.create('shuffle'), new Rng(seed));
      for (const epoch of a) {
        epoch.forEach((b, i) => expect(b.length).to.equal(sizes[i]));
        const xs = flat(epoch);
        if (dropLast) expect(new Set(xs).size === xs.length && xs.every((v) => v >= 0 && v < n)).to.equal(true);
        else expect(isPermutation(xs, n), `epoch ${JSON.stringify(xs)}`).to.equal(true);
      }
      expect(plan(orders.create('shuffle'), new Rng(seed)).map((e) => e.map((b) => Array.from(b)))).to.deep.equal(a.map((e) => e.map((b) => Array.from(b))));
    }), { numRuns: 150 });
  });

  it('curriculum: the ranking is a permutation; batches are distinct samples; epochs that start with the whole pool are permutations', () => {
    const curriculum = setup.chain((s) => fc.record({
      s: fc.constant(s),
      difficulty: fc.array(fc.integer({ min: 0, max: 4 }), { minLength: s.n, maxLength: s.n }), // small range: many ties
      pacing: fc.constantFrom('linear' as const, 'root' as const, 'step' as const),
      startFraction: fc.double({ min: 0.05, max: 1, noNaN: true }),
      anti: fc.boolean(),
      rampSteps: fc.option(fc.integer({ min: 1, max: 20 })),
    }));
    fc.assert(fc.property(curriculum, ({ s: { n, batchSize, dropLast, epochs, seed }, difficulty, pacing, startFraction, anti, rampSteps }) => {
      const sizes = batchSizes(n, batchSize, dropLast);
      const totalSteps = epochs * sizes.length;
      const order = new CurriculumOrder({ difficulty, pacing, startFraction, anti, rampSteps });
      const rng = new Rng(seed);
      order.init({ x: tensor(new Float64Array(n), { shape: [n, 1], dtype: 'float64' }), y: [], n, totalSteps, rng });
      const ranking = Array.from(order.ranking());
      expect(isPermutation(ranking, n), 'ranking').to.equal(true);
      for (let i = 1; i < n; i++) {
        const [d0, d1] = [difficulty[ranking[i - 1]!]!, difficulty[ranking[i]!]!];
        expect(anti ? d0 >= d1 : d0 <= d1, 'ranked by difficulty').to.equal(true);
      }
      for (let epoch = 0; epoch < epochs; epoch++) {
        const step = epoch * sizes.length;
        const batches = order.batches({ n, batchSizes: sizes, epoch, step, totalSteps, rng });
        let poolSize = 0; // NOTE: the pool never shrinks within an epoch (a smaller last batch keeps it)
        batches.forEach((b, i) => {
          expect(b.length).to.equal(sizes[i]);
          expect(new Set(b).size, 'no sample twice in a batch').to.equal(b.length);
          poolSize = Math.max(poolSize, order.poolSize(step + i, b.length));
          const pool = new Set(ranking.slice(0, poolSize));
          for (const v of b) expect(pool.has(v), `sample ${v} is in the pool of step ${step + i}`).to.equal(true);
        });
        if (order.poolSize(step, sizes[0]!) === n && !dropLast) expect(isPermutation(flat(batches), n), `epoch ${epoch}`).to.equal(true);
      }
    }), { numRuns: 150 });
  });
});
