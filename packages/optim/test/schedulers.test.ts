import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { expect } from 'chai';
import fc from 'fast-check';
import { ConfigError, RegistryError, StateError, ValueError } from '@descent/tensor';
import {
  createScheduler, cyclicLR, lineChart, oneCycleLR, reduceLROnPlateau, registry, scheduleSeries, scheduleSvg, schedulers,
  type Scheduler,
} from '@descent/optim';
import { goldenDir, listTraceFiles, runTraceFile } from '../../../test/golden_runner/runner.js';
import '../../../test/golden_runner/kinds/scheduler.js';
import '../../../test/golden_runner/kinds/plateau.js';
import { curves, writeSchedulerCurves } from '../../../examples/scheduler-curves/main.js';

/** |a − e| ≤ 1e-12 or relative 1e-12, element-wise. */
function expectLrs(actual: readonly number[], expected: readonly number[], label = 'lrs'): void {
  expect(actual, label).to.have.length(expected.length);
  expected.forEach((e, i) => {
    const err = Math.abs(actual[i]! - e);
    expect(err <= 1e-12 || err <= 1e-12 * Math.abs(e), `${label}[${i}]: expected ${e}, got ${actual[i]}`).to.equal(true);
  });
}

const momenta = (s: Scheduler, n: number) => Array.from({ length: n }, (_, t) => s.momentum!(t)!);

describe('schedulers', () => {
  describe('golden traces (PyTorch 1.13, float64)', () => {
    const files = listTraceFiles(goldenDir()).filter((f) => {
      const kind = (JSON.parse(readFileSync(f, 'utf8')) as { kind: string }).kind;
      return kind === 'scheduler' || kind === 'plateau';
    });
    it('finds the scheduler and plateau traces', () => {
      expect(files.length).to.be.greaterThan(0);
    });
    for (const file of files) {
      it(basename(file), () => {
        const r = runTraceFile(file);
        expect(r.status, r.message).to.equal('pass');
      });
    }
  });

  describe('registry', () => {
    it('registers every scheduler of FORMAT.md in the one registry', () => {
      expect(schedulers.names()).to.include.members([
        'constant', 'step', 'multistep', 'exponential', 'cosine', 'sgdr', 'cyclic', 'onecycle', 'linear', 'sequential', 'plateau',
      ]);
      expect(registry.names('scheduler')).to.deep.equal(schedulers.names());
    });

    it('createScheduler takes a name, a {name, options} spec or an instance', () => {
      const a = createScheduler('step', { stepSize: 2 }, 1);
      const b = createScheduler({ name: 'step', options: { stepSize: 2 } }, {}, 1);
      expect(a.lr(2)).to.be.closeTo(0.1, 1e-15);
      expect(b.lr(2)).to.be.closeTo(0.1, 1e-15);
      expect(createScheduler(a)).to.equal(a);
    });

    it('reports an unknown name with the registered ones', () => {
      expect(() => createScheduler('cosin', {}, 0.1)).to.throw(RegistryError, /unknown scheduler 'cosin'. Registered: .*cosine/);
    });

    it('a schedule that needs the optimizer lr says how to pass it', () => {
      expect(() => schedulers.create('cosine', { tMax: 5 })).to.throw(ConfigError, /createScheduler\('cosine', options, baseLr\)/);
      expect(schedulers.create('cosine', { tMax: 5, initialLr: 0.1 }).lr(0)).to.equal(0.1);
    });
  });

  describe('hand-checked values (PyTorch 1.13 formulas)', () => {
    it('multistep counts milestones ≤ t with multiplicity, in any order', () => {
      // milestones [6, 3, 6], gamma 0.5: t < 3 → 1; 3 ≤ t < 6 → 0.5; t ≥ 6 → 0.5³ = 0.125
      const s = createScheduler('multistep', { milestones: [6, 3, 6], gamma: 0.5 }, 1);
      expectLrs(scheduleSeries(s, 8), [1, 1, 1, 0.5, 0.5, 0.5, 0.125, 0.125]);
    });

    it('cyclic exp_range with stepSizeDown ≠ stepSizeUp', () => {
      // baseLr 0.01, maxLr 0.1, up 3, down 5, gamma 0.9: total 8, ratio 3/8, scale_mode 'iterations' (f = 0.9^N)
      // N=2: x = 2/8 ≤ 3/8 → scale 2/3 → 0.01 + 0.09·(2/3)·0.9² = 0.0586
      // N=3: x = 3/8 → scale 1 → 0.01 + 0.09·0.9³ = 0.07561
      // N=5: x = 5/8 > 3/8 → scale (5/8 − 1)/(3/8 − 1) = 0.6 → 0.01 + 0.09·0.6·0.9⁵ = 0.04188646
      // N=8: a new cycle, x = 0 → 0.01;  N=11: scale 1 → 0.01 + 0.09·0.9¹¹ = 0.0382429536481
      const s = createScheduler('cyclic', { baseLr: 0.01, maxLr: 0.1, stepSizeUp: 3, stepSizeDown: 5, mode: 'exp_range', gamma: 0.9 }, 0.1);
      expectLrs(scheduleSeries(s, 12), [
        0.01, 0.037, 0.0586, 0.07561, 0.0572392, 0.04188646, 0.029131876, 0.0186093442, 0.01, 0.02162261467, 0.030920706406, 0.0382429536481,
      ]);
      // momentum = 0.9 − (0.9 − 0.8)·scale·f: N=3 → 0.9 − 0.1·0.729 = 0.8271; N=5 → 0.9 − 0.1·0.6·0.59049 = 0.8645706
      const m = momenta(s, 12);
      expect(m[0]).to.be.closeTo(0.9, 1e-15);
      expect(m[3]).to.be.closeTo(0.8271, 1e-15);
      expect(m[5]).to.be.closeTo(0.8645706, 1e-15);
    });

    it('cyclic ignores the optimizer lr and uses its own baseLr (default: the optimizer lr)', () => {
      const own = cyclicLR(0.5, { baseLr: 0.01, maxLr: 0.1, stepSizeUp: 2 });
      expect(own.lr(0)).to.equal(0.01);
      const dflt = createScheduler('cyclic', { maxLr: 1, stepSizeUp: 2 }, 0.5);
      expect(dflt.lr(0)).to.equal(0.5);
      expect(dflt.lr(2)).to.equal(1);
      expect(cyclicLR(0.5, { baseLr: 0.01, maxLr: 0.1, cycleMomentum: false }).momentum(3)).to.equal(null);
    });

    it('onecycle three-phase linear, and steps past totalSteps', () => {
      // maxLr 1, totalSteps 20, pctStart 0.25 → initial 1/25 = 0.04, min 0.04/1e4 = 4e-6
      // phases end at 0.25·20 − 1 = 4 (0.04 → 1), 2·0.25·20 − 2 = 8 (1 → 0.04), 19 (0.04 → 4e-6)
      // s=2: 0.04 + 0.96·0.5 = 0.52;  s=6: 1 − 0.96·0.5 = 0.52;  s=9: 0.04 + (4e-6 − 0.04)·(1/11)
      // s=20 (allowed, as in PyTorch) extrapolates the last phase: 0.04 + (4e-6 − 0.04)·12/11 = −0.003632
      const s = createScheduler('onecycle', { maxLr: 1, totalSteps: 20, pctStart: 0.25, annealStrategy: 'linear', threePhase: true }, 0.1);
      expectLrs(scheduleSeries(s, 21), [
        0.04, 0.28, 0.52, 0.76, 1, 0.76, 0.52, 0.28, 0.04,
        0.036364, 0.032728, 0.029092, 0.025456, 0.02182, 0.018184, 0.014548, 0.010912, 0.007276, 0.00364, 4e-6, -0.003632,
      ]);
      // momentum: 0.95 → 0.85 (phase 1), 0.85 → 0.95 (phase 2), then stays 0.95
      const m = momenta(s, 21);
      [0.95, 0.925, 0.9, 0.875, 0.85, 0.875, 0.9, 0.925, 0.95].forEach((v, i) => expect(m[i]).to.be.closeTo(v, 1e-15));
      m.slice(9).forEach((v) => expect(v).to.be.closeTo(0.95, 1e-15));
      expect(() => s.lr(21)).to.throw(ValueError, /Tried to step 21 times. The specified number of total steps is 20/);
    });

    it('onecycle two-phase cosine matches its closed form', () => {
      // maxLr 0.1, totalSteps 10, pctStart 0.3: phase 1 ends at 2: s=1 → pct 0.5 → 0.1 + (0.004 − 0.1)/2·(cos(π/2) + 1) = 0.052
      const s = oneCycleLR(undefined, { maxLr: 0.1, totalSteps: 10 });
      expect(s.lr(0)).to.be.closeTo(0.004, 1e-15);
      expect(s.lr(1)).to.be.closeTo(0.052, 1e-15);
      expect(s.lr(2)).to.be.closeTo(0.1, 1e-15);
      expect(s.lr(9)).to.be.closeTo(0.004 / 1e4, 1e-15);
      expect(oneCycleLR(undefined, { maxLr: 0.1, epochs: 2, stepsPerEpoch: 5 }).totalSteps).to.equal(10);
    });

    it('sequential: warm-up then sgdr restarts at the milestone', () => {
      // baseLr 0.2; linear startFactor 0.25 over 8 steps, but sgdr (t0 3, tMult 2, etaMin 0.01) takes over at step 4:
      // t<4: 0.2·(0.25 + 0.75·t/8);  t=4: PyTorch calls sgdr.step(0) → T_cur 0 → 0.2 (not linear's 0.125)
      // t=5: T_cur 1, T_i 3 → 0.01 + 0.19·(1 + cos(π/3))/2 = 0.1525;  t=6: 0.01 + 0.19·(1 + cos(2π/3))/2 = 0.0575
      // t=7: restart, T_i 6 → 0.2;  t=10: T_cur 3/6 → 0.105;  t=13: restart, T_i 12 → 0.2
      const s = createScheduler('sequential', {
        schedulers: [{ name: 'linear', options: { startFactor: 0.25, totalIters: 8 } }, { name: 'sgdr', options: { t0: 3, tMult: 2, etaMin: 0.01 } }],
        milestones: [4],
      }, 0.2);
      expectLrs(scheduleSeries(s, 14), [
        0.05, 0.06875, 0.0875, 0.10625, 0.2, 0.1525, 0.0575, 0.2,
        0.01 + 0.19 * (1 + Math.cos(Math.PI / 6)) / 2, 0.1525, 0.105, 0.0575, 0.01 + 0.19 * (1 + Math.cos((5 * Math.PI) / 6)) / 2, 0.2,
      ]);
    });

    it('sequential: at the milestone the next schedule starts at its step 0', () => {
      // exponential(0.5) for 3 steps, then linear(startFactor 0.5, totalIters 4): t=3 → 1·0.5 (linear's step 0), not 0.125
      const s = createScheduler('sequential', {
        schedulers: [{ name: 'exponential', options: { gamma: 0.5 } }, { name: 'linear', options: { startFactor: 0.5, totalIters: 4 } }],
        milestones: [3],
      }, 1);
      expectLrs(scheduleSeries(s, 9), [1, 0.5, 0.25, 0.5, 0.625, 0.75, 0.875, 1, 1]);
    });

    it('sequential: a onecycle overwrites initial_lr for the other schedules, as in PyTorch 1.13', () => {
      // OneCycleLR sets group['initial_lr'] = maxLr/divFactor = 0.02; SequentialLR resets the lr to it before the
      // first (recursive) LinearLR's initial step: t=0 → 0.02·0.5 = 0.01; t=1 → 0.01·(1 + 0.5/(4·0.5)) = 0.0125
      const s = createScheduler('sequential', {
        schedulers: [{ name: 'linear', options: { startFactor: 0.5, totalIters: 4 } }, { name: 'onecycle', options: { maxLr: 0.5, totalSteps: 10 } }],
        milestones: [3],
      }, 1);
      expectLrs(scheduleSeries(s, 4), [0.01, 0.0125, 0.015, 0.02]);
    });

    it('cosine follows PyTorch past tMax (the lr rises again)', () => {
      // tMax 4, etaMin 0: lr(4) = 0, lr(6) = 0.5·base (cos(6π/4) = 0), lr(8) = base
      const s = createScheduler('cosine', { tMax: 4 }, 1);
      expect(s.lr(4)).to.be.closeTo(0, 1e-15);
      expect(s.lr(6)).to.be.closeTo(0.5, 1e-15);
      expect(s.lr(8)).to.be.closeTo(1, 1e-15);
      // random access gives the same values as sequential access
      const seq = scheduleSeries(createScheduler('cosine', { tMax: 7, etaMin: 0.01 }, 1), 500);
      const rnd = createScheduler('cosine', { tMax: 7, etaMin: 0.01 }, 1);
      for (const t of [499, 3, 250, 64, 63, 128, 0, 499]) expect(rnd.lr(t)).to.equal(seq[t]);
    });

    it('constant is constant by default, ConstantLR with factor/totalIters', () => {
      expectLrs(scheduleSeries(createScheduler('constant', {}, 0.3), 3), [0.3, 0.3, 0.3]);
      expectLrs(scheduleSeries(createScheduler('constant', { factor: 0.5, totalIters: 2 }, 0.2), 4), [0.1, 0.1, 0.2, 0.2]);
    });

    describe('plateau', () => {
      const run = (options: Record<string, unknown>, metrics: number[], baseLr = 1) =>
        scheduleSeries(createScheduler('plateau', options, baseLr), metrics.length, { metrics });

      it('min mode, rel threshold: an improvement must beat best·(1 − 1e-4)', () => {
        // patience 1: 1.0 sets best; 0.99995 ≮ 0.9999 (bad 1); 0.9999 ≮ 0.9999 (bad 2 > 1) → lr 0.1
        // 0.9 improves; 0.95, 0.96 bad → 0.01; 0.97, 0.98 bad → 0.001
        expectLrs(run({ patience: 1 }, [1.0, 0.99995, 0.9999, 0.9, 0.95, 0.96, 0.97, 0.98]), [1, 1, 0.1, 0.1, 0.1, 0.01, 0.01, 0.001]);
      });

      it('min mode, abs threshold: an improvement must beat best − threshold', () => {
        // threshold 0.05 abs, patience 1: 0.9 < 1 − 0.05 improves (best 0.9); 0.89, 0.88 do not (< 0.85 needed) → reduce
        expectLrs(run({ patience: 1, thresholdMode: 'abs', threshold: 0.05 }, [1.0, 0.9, 0.89, 0.88, 0.84, 0.83]), [1, 1, 1, 0.1, 0.1, 0.1]);
      });

      it('max mode, rel threshold', () => {
        // factor 0.5, patience 1: 0.5 best; 0.6 > 0.5·1.0001 best; 0.55 bad 1; 0.58 bad 2 → 0.5; 0.61 best; 0.6, 0.6 → 0.25
        expectLrs(run({ mode: 'max', patience: 1, factor: 0.5 }, [0.5, 0.6, 0.55, 0.58, 0.61, 0.6, 0.6]), [1, 1, 1, 0.5, 0.5, 0.5, 0.25]);
      });

      it('max mode, abs threshold, cooldown and minLr', () => {
        // patience 0, factor 0.5, abs 0.05, cooldown 2, minLr 0.2:
        // 0.5 best; 0.52 ≯ 0.55 → bad 1 > 0 → 0.5, cooldown 2; 0.53: cooldown (2→1), bad reset; 0.6: improves, cooldown 1→0;
        // 0.61 bad → 0.25, cooldown 2; 0.6, 0.6: cooldown; 0.7 improves; 0.69 bad → max(0.125, 0.2) = 0.2; then stays 0.2
        expectLrs(
          run({ mode: 'max', patience: 0, factor: 0.5, thresholdMode: 'abs', threshold: 0.05, cooldown: 2, minLr: 0.2 }, [0.5, 0.52, 0.53, 0.6, 0.61, 0.6, 0.6, 0.7, 0.69, 0.68, 0.67, 0.66]),
          [1, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.25, 0.2, 0.2, 0.2, 0.2],
        );
      });

      it('cooldown ignores bad epochs; a reduction below minLr is clamped, a zero change skipped', () => {
        // patience 0, factor 0.5, cooldown 1, minLr 0.3 on a rising loss:
        // 2 → 0.5 (cooldown 1); 3: in cooldown; 4 → max(0.25, 0.3) = 0.3; 6 → max(0.15, 0.3) = 0.3 (no change ≤ eps)
        expectLrs(run({ patience: 0, factor: 0.5, cooldown: 1, minLr: 0.3 }, [1, 2, 3, 4, 5, 6, 7, 8]), [1, 0.5, 0.5, 0.3, 0.3, 0.3, 0.3, 0.3]);
      });

      it('an infinite best survives a JSON round trip with its sign (no null standing for either)', () => {
        for (const [mode, metric] of [['min', -Infinity], ['max', Infinity], ['min', 2], ['max', -3]] as const) {
          const a = reduceLROnPlateau(1, { mode, patience: 1 });
          a.observe(metric);
          const b = reduceLROnPlateau(1, { mode, patience: 1 });
          b.loadState(JSON.parse(JSON.stringify(a.state())));
          expect(b.state(), `${mode} ${metric}`).to.deep.equal(a.state());
          // The restored best decides as the original: the same metric is no improvement for either.
          for (const s of [a, b]) s.observe(metric);
          expect(b.state()).to.deep.equal(a.state());
        }
        expect(reduceLROnPlateau(1).state().best).to.equal('Infinity');
        const minusInf = reduceLROnPlateau(1);
        minusInf.observe(-Infinity);
        expect(minusInf.state().best).to.equal('-Infinity');
      });

      it('saves and restores its state as JSON', () => {
        const a = reduceLROnPlateau(1, { patience: 1, factor: 0.5 });
        for (const m of [1, 2, 3, 0.5, 0.6]) a.observe(m);
        const saved = JSON.parse(JSON.stringify(a.state()));
        const b = reduceLROnPlateau(1, { patience: 1, factor: 0.5 });
        b.loadState(saved);
        expect(b.state()).to.deep.equal(a.state());
        for (const m of [0.7, 0.8, 0.9]) { a.observe(m); b.observe(m); }
        // 1 best; 2, 3 bad → 0.5; 0.5 best; 0.6 bad 1 (saved here); 0.7 bad 2 → 0.25; 0.8 bad 1; 0.9 bad 2 → 0.125
        expect(b.lr()).to.equal(a.lr());
        expect(b.lr()).to.equal(0.125);
        expect(reduceLROnPlateau(1).state().best).to.equal('Infinity');
        expect(reduceLROnPlateau(1, { mode: 'max' }).state().best).to.equal('-Infinity');
        expect(() => b.loadState({ lr: -1 })).to.throw(StateError, /'lr' is invalid/);
        expect(b.lr()).to.equal(0.125);
      });
    });

    it('stateless schedulers checkpoint trivially', () => {
      const s = createScheduler('sgdr', { t0: 3 }, 0.1);
      expect(s.stateful).to.equal(false);
      expect(s.state()).to.deep.equal({});
      s.loadState({});
      const q = createScheduler('sequential', { schedulers: [{ name: 'constant' }, { name: 'cosine', options: { tMax: 3 } }], milestones: [2] }, 0.1);
      expect(q.state()).to.deep.equal({ schedulers: [{}, {}] });
      expect(() => q.loadState({ schedulers: [{}] })).to.throw(StateError);
    });
  });

  describe('invalid options', () => {
    const cases: Array<[string, Record<string, unknown>, Function, RegExp]> = [
      ['onecycle', { maxLr: 0.1, totalSteps: 0 }, ValueError, /onecycle: option 'totalSteps' must be a positive integer, but got 0/],
      ['onecycle', { maxLr: 0.1, totalSteps: -5 }, ValueError, /'totalSteps'.*got -5/],
      ['onecycle', { maxLr: 0.1 }, ValueError, /'totalSteps' is required/],
      ['onecycle', { maxLr: 0.1, totalSteps: 10, pctStart: 0.1 }, ValueError, /zero length/],
      ['onecycle', { maxLr: 0.1, totalSteps: 10, annealStrategy: 'cosine' }, ValueError, /'annealStrategy' must be one of 'cos', 'linear', but got "cosine"/],
      ['cyclic', { baseLr: 0.1, maxLr: 0.01 }, ValueError, /cyclic: option 'maxLr' must be ≥ baseLr \(0.1\), but got 0.01/],
      ['cyclic', { baseLr: 0.01, maxLr: 0.1, mode: 'triangle' }, ValueError, /'mode' must be one of/],
      ['cyclic', { baseLr: 0.01 }, ValueError, /'maxLr' is required/],
      ['step', { stepSize: 0 }, ValueError, /step: option 'stepSize' must be a positive integer, but got 0/],
      ['step', {}, ValueError, /'stepSize' is required/],
      ['step', { stepSize: 3, gamma: 0 }, ValueError, /'gamma' must be a finite number > 0, but got 0/],
      ['exponential', { gamma: -0.5 }, ValueError, /'gamma' must be a finite number > 0, but got -0.5/],
      ['multistep', { milestones: [1, -2] }, ValueError, /'milestones' must be a list of integers ≥ 0/],
      ['plateau', { factor: 1 }, ValueError, /plateau: option 'factor' must be in \[0, 1\), but got 1/],
      ['plateau', { factor: 1.5 }, ValueError, /'factor'.*got 1.5/],
      ['plateau', { mode: 'minimum' }, ValueError, /'mode' must be one of 'min', 'max'/],
      ['linear', { startFactor: 0 }, ValueError, /'startFactor' must be in \(0, 1\]/],
      ['sgdr', { t0: 2.5 }, ValueError, /'t0' must be a positive integer, but got 2.5/],
      ['sgdr', { t0: 2, tMult: 0 }, ValueError, /'tMult' must be an integer ≥ 1/],
      ['cosine', {}, ValueError, /'tMax' is required/],
      ['step', { step_size: 3 }, ConfigError, /step: unknown option 'step_size' \(did you mean 'stepSize'\?\)/],
      ['cosine', { tmax: 3 }, ConfigError, /unknown option 'tmax' \(did you mean 'tMax'\?\)/],
      ['step', { stepSize: '3' }, ValueError, /'stepSize' must be a positive integer, but got "3"/],
      ['onecycle', { maxLr: 0.1, totalSteps: 10, threePhase: 'yes' }, ConfigError, /'threePhase' must be a boolean, but got "yes"/],
      ['sequential', { schedulers: [{ name: 'constant' }, { name: 'constant' }], milestones: [] }, ValueError, /'milestones' must hold one fewer entry/],
      ['sequential', { schedulers: [{ name: 'constant' }, { name: 'constant' }, { name: 'constant' }], milestones: [5, 3] }, ValueError, /strictly increasing/],
      ['sequential', { schedulers: [{ name: 'constant' }, { name: 'plateau' }], milestones: [3] }, ConfigError, /plateau/],
      ['sequential', { schedulers: [{ name: 'constant' }, { name: 'step', options: { stepSize: 0 } }], milestones: [3] }, ValueError, /schedulers\[1\] \(step\).*stepSize/],
    ];
    for (const [name, options, cls, re] of cases) {
      it(`${name} ${JSON.stringify(options)}`, () => {
        expect(() => createScheduler(name, options, 0.1)).to.throw(cls as new () => Error, re);
      });
    }

    it('lr(step) needs an integer step ≥ 0', () => {
      const s = createScheduler('step', { stepSize: 3 }, 0.1);
      expect(() => s.lr(-1)).to.throw(ValueError, /integer ≥ 0.*got -1/);
      expect(() => s.lr(1.5)).to.throw(ValueError, /got 1.5/);
      expect(() => createScheduler('constant', {}, -0.1)).to.throw(ValueError, /baseLr must be a finite number ≥ 0, but got -0.1/);
    });
  });

  describe('property: valid options never give a negative or non-finite lr', () => {
    const lr0 = fc.double({ min: 1e-6, max: 10, noNaN: true });
    const unit = fc.double({ min: 0, max: 1, noNaN: true });
    const specs: Array<[string, fc.Arbitrary<Record<string, unknown>>, number]> = [
      ['constant', fc.record({ factor: unit, totalIters: fc.nat(50) }), 200],
      ['step', fc.record({ stepSize: fc.integer({ min: 1, max: 50 }), gamma: fc.double({ min: 1e-3, max: 2, noNaN: true }) }), 300],
      ['multistep', fc.record({ milestones: fc.array(fc.nat(300), { maxLength: 6 }), gamma: fc.double({ min: 1e-3, max: 2, noNaN: true }) }), 300],
      ['exponential', fc.record({ gamma: fc.double({ min: 0.5, max: 1.5, noNaN: true }) }), 300],
      ['linear', fc.record({ startFactor: fc.double({ min: 1e-6, max: 1, noNaN: true }), endFactor: unit, totalIters: fc.integer({ min: 1, max: 100 }) }), 200],
      ['cosine', fc.record({ tMax: fc.oneof(fc.integer({ min: 1, max: 100 }), fc.double({ min: 0.5, max: 100, noNaN: true })), etaMin: fc.double({ min: 0, max: 1e-3, noNaN: true }) }), 300],
      ['sgdr', fc.record({ t0: fc.integer({ min: 1, max: 50 }), tMult: fc.integer({ min: 1, max: 3 }), etaMin: fc.double({ min: 0, max: 1e-3, noNaN: true }) }), 300],
      ['cyclic', fc.record({
        baseLr: unit, amplitude: unit, stepSizeUp: fc.double({ min: 0.5, max: 50, noNaN: true }), stepSizeDown: fc.option(fc.double({ min: 0.5, max: 50, noNaN: true })),
        mode: fc.constantFrom('triangular', 'triangular2', 'exp_range'), gamma: fc.double({ min: 0.5, max: 1, noNaN: true }),
      }).map(({ amplitude, ...o }) => ({ ...o, maxLr: (o.baseLr as number) + (amplitude as number) })), 300],
      ['sequential', fc.record({ m: fc.integer({ min: 1, max: 50 }), second: fc.constantFrom<Record<string, unknown>>(
        { name: 'cosine', options: { tMax: 30 } }, { name: 'sgdr', options: { t0: 7, tMult: 2 } }, { name: 'exponential', options: { gamma: 0.97 } },
        { name: 'cyclic', options: { baseLr: 0.001, maxLr: 5, stepSizeUp: 4 } }, { name: 'onecycle', options: { maxLr: 1, totalSteps: 500 } },
      ) }).map(({ m, second }) => ({ schedulers: [{ name: 'linear', options: { startFactor: 0.1, totalIters: m } }, second], milestones: [m] })), 300],
    ];
    for (const [name, options, steps] of specs) {
      it(name, () => {
        fc.assert(fc.property(lr0, options, (base, o) => {
          const s = createScheduler(name, o, base);
          for (let t = 0; t < steps; t++) {
            const lr = s.lr(t);
            if (!Number.isFinite(lr) || lr < 0) throw new Error(`lr(${t}) = ${lr}`);
          }
        }), { numRuns: 150 });
      });
    }

    it('onecycle (steps 0 … totalSteps − 1)', () => {
      const options = fc.record({
        maxLr: fc.double({ min: 1e-6, max: 10, noNaN: true }), totalSteps: fc.integer({ min: 1, max: 300 }), pctStart: fc.double({ min: 0, max: 1, noNaN: true }),
        annealStrategy: fc.constantFrom('cos', 'linear'), threePhase: fc.boolean(),
        divFactor: fc.double({ min: 1, max: 1e3, noNaN: true }), finalDivFactor: fc.double({ min: 1, max: 1e5, noNaN: true }),
      });
      fc.assert(fc.property(lr0, options, (base, o) => {
        let s: Scheduler;
        try {
          s = createScheduler('onecycle', o, base);
        } catch (e) {
          // NOTE: pctStart·totalSteps = 1 makes PyTorch divide by zero at construction; we throw a ValueError instead.
          if (e instanceof ValueError && /zero length/.test(e.message)) return;
          throw e;
        }
        for (let t = 0; t < o.totalSteps; t++) {
          const lr = s.lr(t);
          const m = s.momentum!(t)!;
          if (!Number.isFinite(lr) || lr < 0 || !Number.isFinite(m)) throw new Error(`lr(${t}) = ${lr}, momentum ${m}`);
        }
      }), { numRuns: 200 });
    });

    it('plateau', () => {
      const options = fc.record({
        mode: fc.constantFrom('min', 'max'), factor: fc.double({ min: 0, max: 0.999, noNaN: true }), patience: fc.nat(5),
        threshold: fc.double({ min: 0, max: 0.5, noNaN: true }), thresholdMode: fc.constantFrom('rel', 'abs'), cooldown: fc.nat(3),
        minLr: fc.double({ min: 0, max: 1e-3, noNaN: true }),
      });
      fc.assert(fc.property(lr0, options, fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { maxLength: 60 }), (base, o, metrics) => {
        const lrs = scheduleSeries(createScheduler('plateau', o, base), metrics.length, { metrics });
        lrs.forEach((lr) => {
          if (!Number.isFinite(lr) || lr < 0 || lr > base) throw new Error(`lr ${lr}`);
        });
      }), { numRuns: 200 });
    });
  });

  describe('series and plots', () => {
    it('scheduleSeries reads lr(0 … n−1)', () => {
      expect(scheduleSeries(createScheduler('step', { stepSize: 2, gamma: 0.5 }, 1), 5)).to.deep.equal([1, 1, 0.5, 0.5, 0.25]);
      expect(() => scheduleSeries(createScheduler('plateau', {}, 1), 3, { metrics: [1] })).to.throw(ValueError, /metrics has 1 values/);
    });

    it('scheduleSvg draws one or several series as SVG', async () => {
      const one = await scheduleSvg(scheduleSeries(createScheduler('cosine', { tMax: 20 }, 0.1), 20), { title: 'cosine', width: 120, height: 60 });
      expect(one).to.match(/^<svg[^>]*>/).and.to.include('cosine').and.to.include('learning rate');
      const two = await scheduleSvg({ a: [0.1, 0.2, 0.3], b: [0.3, 0.2, 0.1] }, { width: 120, height: 60, logY: true });
      expect(two).to.include('>a<').and.to.include('>b<');
    });

    it('lineChart takes {x, y} series, log axes and markers, and rejects bad data', async () => {
      const svg = await lineChart({ x: [1e-5, 1e-4, 1e-3, 1e-2], y: [2.3, 2.1, 1.5, 9] }, { logX: true, markers: [{ x: 1e-3, label: 'suggested' }], width: 150, height: 80 });
      expect(svg).to.include('suggested');
      await Promise.resolve().then(() => lineChart([1, Number.NaN])).then(
        () => expect.fail('expected a ValueError'),
        (e: unknown) => expect(e).to.be.instanceOf(ValueError).with.property('message').that.matches(/non-finite point at index 1/),
      );
      await lineChart([0, 1], { logY: true }).then(() => expect.fail('expected a ValueError'), (e: unknown) => expect(e).to.be.instanceOf(ValueError));
    });

    it('examples/scheduler-curves writes one SVG per scheduler', async function () {
      this.timeout(60000);
      const dir = mkdtempSync(join(tmpdir(), 'descent-curves-'));
      try {
        const files = await writeSchedulerCurves({ outDir: dir, width: 120, height: 50 });
        expect(files).to.have.length(curves.length);
        const names = new Set(curves.map((c) => c.file));
        for (const n of schedulers.names().filter((n) => ['constant', 'step', 'multistep', 'exponential', 'cosine', 'sgdr', 'cyclic', 'onecycle', 'linear', 'sequential', 'plateau'].includes(n))) {
          expect(names.has(n), `a chart for ${n}`).to.equal(true);
        }
        for (const f of files) expect(readFileSync(f, 'utf8')).to.match(/^<svg/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
