// Scheduler properties that packages/optim/test/schedulers.test.ts does not cover (it checks that
// valid options give finite lrs ≥ 0 from a positive base lr): every registered scheduler gets a
// generator here, so a new one cannot go untested; for each, with a base lr that may be 0, the lr
// is finite and ≥ 0 and the momentum (where cycled) is finite and within [baseMomentum, maxMomentum];
// and a state round trip through JSON at any point leaves the rest of the series unchanged.
// One-cycle is checked on steps 0…totalSteps − 1, the steps a run uses: lr(totalSteps) is allowed
// and extrapolates the last phase as PyTorch does, which with linear annealing goes below 0.
import { expect } from 'chai';
import fc from 'fast-check';
import { createScheduler, schedulers, type Scheduler } from '@descent/optim';

const unit = fc.double({ min: 0, max: 1, noNaN: true });
const positive = (max: number) => fc.double({ min: 1e-3, max, noNaN: true });
const momenta = fc.tuple(unit, unit).map(([a, b]) => ({ baseMomentum: Math.min(a, b), maxMomentum: Math.max(a, b) }));

/** Valid random options per registered scheduler, and the steps to check. */
const generators: Record<string, [fc.Arbitrary<Record<string, unknown>>, number]> = {
  constant: [fc.record({ factor: unit, totalIters: fc.nat(40) }), 80],
  step: [fc.record({ stepSize: fc.integer({ min: 1, max: 30 }), gamma: positive(2) }), 120],
  multistep: [fc.record({ milestones: fc.array(fc.nat(100), { maxLength: 5 }), gamma: positive(2) }), 120],
  exponential: [fc.record({ gamma: fc.double({ min: 0.5, max: 1.2, noNaN: true }) }), 120],
  linear: [fc.record({ startFactor: fc.double({ min: 1e-6, max: 1, noNaN: true }), endFactor: unit, totalIters: fc.integer({ min: 1, max: 60 }) }), 100],
  cosine: [fc.record({ tMax: fc.integer({ min: 1, max: 60 }), etaMin: fc.double({ min: 0, max: 1e-2, noNaN: true }) }), 150],
  sgdr: [fc.record({ t0: fc.integer({ min: 1, max: 30 }), tMult: fc.integer({ min: 1, max: 3 }), etaMin: fc.double({ min: 0, max: 1e-2, noNaN: true }) }), 150],
  cyclic: [fc.record({
    baseLr: unit, amplitude: unit, stepSizeUp: positive(30), mode: fc.constantFrom('triangular', 'triangular2', 'exp_range'),
    gamma: fc.double({ min: 0.5, max: 1, noNaN: true }), m: momenta,
  }).map(({ amplitude, m, ...o }) => ({ ...o, ...m, maxLr: (o.baseLr as number) + (amplitude as number) })), 150],
  onecycle: [fc.record({
    maxLr: positive(5), totalSteps: fc.integer({ min: 120, max: 300 }), pctStart: fc.double({ min: 0.3, max: 0.7, noNaN: true }),
    annealStrategy: fc.constantFrom('cos', 'linear'), threePhase: fc.boolean(), m: momenta,
  }).map(({ m, ...o }) => ({ ...o, ...m })), 120],
  sequential: [fc.record({ milestone: fc.integer({ min: 1, max: 40 }), tMax: fc.integer({ min: 1, max: 40 }) })
    .map(({ milestone, tMax }) => ({ schedulers: [{ name: 'linear', options: { startFactor: 0.1, totalIters: milestone } }, { name: 'cosine', options: { tMax } }], milestones: [milestone] })), 100],
  plateau: [fc.record({
    mode: fc.constantFrom('min', 'max'), factor: fc.double({ min: 0, max: 0.99, noNaN: true }), patience: fc.nat(4),
    threshold: fc.double({ min: 0, max: 0.2, noNaN: true }), cooldown: fc.nat(3), minLr: fc.double({ min: 0, max: 1e-3, noNaN: true }),
  }), 60],
  polynomial: [fc.record({ totalIters: fc.integer({ min: 1, max: 60 }), power: fc.double({ min: 0, max: 4, noNaN: true }) }), 100],
  wsd: [fc.record({
    warmupSteps: fc.nat(20), stableSteps: fc.nat(20), decaySteps: fc.nat(40), warmupType: fc.constantFrom('linear', 'cosine', '1-sqrt'),
    decayType: fc.constantFrom('linear', 'cosine', '1-sqrt'), minLrRatio: unit, numCycles: fc.double({ min: 0, max: 0.5, noNaN: true }),
  }), 100],
  lambda: [fc.record({ k: fc.double({ min: 0, max: 0.2, noNaN: true }) }).map(({ k }) => ({ lrLambda: (t: number) => 1 / (1 + k * t) })), 100],
  multiplicative: [fc.record({ g: fc.double({ min: 0.5, max: 1.05, noNaN: true }) }).map(({ g }) => ({ lrLambda: () => g })), 100],
  swalr: [fc.record({ swaLr: fc.oneof(fc.constant(0), fc.double({ min: 1e-8, max: 10, noNaN: true })), annealEpochs: fc.nat(60), annealStrategy: fc.constantFrom('cos', 'linear') }), 100],
};

const baseLr = fc.oneof(fc.constant(0), fc.double({ min: 1e-8, max: 10, noNaN: true }));
const metrics = fc.array(fc.double({ min: -100, max: 100, noNaN: true }), { minLength: 60, maxLength: 60 });

/** The lr series of steps 0…n−1, a plateau scheduler observing metrics[t] before step t. */
function series(s: Scheduler, from: number, to: number, m: number[]): number[] {
  const out: number[] = [];
  for (let t = from; t < to; t++) {
    if (s.observe) s.observe(m[t]!, t);
    out.push(s.lr(t));
  }
  return out;
}

describe('properties: schedulers', () => {
  it('every registered scheduler has a generator here', () => {
    expect(schedulers.names().filter((n) => !(n in generators))).to.deep.equal([]);
  });

  for (const name of schedulers.names()) {
    const [options, steps] = generators[name] ?? [fc.constant({}), 0];
    it(`${name}: finite lrs ≥ 0 (base lr may be 0), momentum within its bounds, state round trip mid-run`, () => {
      fc.assert(fc.property(baseLr, options, metrics, fc.nat(steps - 1), (base, o, m, cut) => {
        const s = createScheduler(name, o, base);
        const lrs = series(s, 0, steps, m);
        lrs.forEach((lr, t) => { if (!Number.isFinite(lr) || lr < 0) throw new Error(`lr(${t}) = ${lr}`); });
        if (s.momentum) {
          const lo = (o.baseMomentum as number | undefined) ?? 0, hi = (o.maxMomentum as number | undefined) ?? 1;
          for (let t = 0; t < steps; t++) {
            const mom = s.momentum(t);
            if (mom !== null && !(Number.isFinite(mom) && mom >= lo - 1e-12 && mom <= hi + 1e-12)) throw new Error(`momentum(${t}) = ${mom} outside [${lo}, ${hi}]`);
          }
        }
        // Save at `cut`, load into a fresh scheduler, continue: the same series.
        const a = createScheduler(name, o, base);
        series(a, 0, cut, m);
        const b = createScheduler(name, o, base);
        b.loadState(JSON.parse(JSON.stringify(a.state())));
        expect(series(b, cut, steps, m)).to.deep.equal(lrs.slice(cut));
      }), { numRuns: 60 });
    });
  }
});
