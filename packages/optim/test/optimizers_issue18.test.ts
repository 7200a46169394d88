import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, Rng, StateError, tensor, ValueError, type Tensor } from '@descent/tensor';
import { BatchNorm1d, Linear, ReLU, Sequential } from '@descent/layers';
import { createOptimizer, decodeSnapshot, decodeState, newtonSchulz, noDecayOn1d, readCheckpoint, snapshotModel, snapshotsEqual, Trainer, updateBatchNorm, type TrainerConfig } from '@descent/optim';
import { checkOptimizer } from '@descent/optim/testing';
import '../../../test/golden_runner/all_kinds.js';
import { runTraceFile } from '../../../test/golden_runner/runner.js';

const f64 = (values: number[], shape?: number[]) => tensor(Float64Array.from(values), { shape: shape ?? [values.length], dtype: 'float64' });
const values = (ts: readonly Tensor[]) => ts.map((t) => Array.from(t.buffer()));
/** Gradient of ½‖θ − c‖² with c = 1, 2, 3, … over the parameters. */
const quadGrads = (params: readonly Tensor[]) => { let k = 0; return params.map((p) => (p.buffer() as Float64Array).map((x) => x - ++k)); };

describe('optimizers of issue 18: conformance variants', () => {
  const variants: Record<string, Record<string, unknown>[]> = {
    adadelta: [{ weightDecay: 0.01, rho: 0.95 }],
    adafactor: [{ weightDecay: 0.01, d: 2, eps: [1e-30, 1e-3], beta2Decay: -0.5 }],
    adabelief: [{ amsgrad: true, weightDecay: 0.01 }, { rectify: false, weightDecouple: false, weightDecay: 0.01 }, { fixedDecay: true, weightDecay: 0.001, degeneratedToSgd: false }],
    yogi: [{ initialAccumulatorValue: 0.1, eps: 1e-6 }],
    adan: [{ weightDecay: 0.02 }, { weightDecay: 0.02, noProx: true }],
    muon: [{ nesterov: false, adjustLr: 'match_rms_adamw', weightDecay: 0 }, { useMuon: 'never' }, { fallback: { name: 'lion', options: { lr: 1e-4 } } }],
    prodigy: [{ weightDecay: 0.01, decouple: false, betas: [0, 0.99] }, { useBiasCorrection: true, safeguardWarmup: true, growthRate: 1.02, beta3: 0.9 }],
    dadaptadam: [{ weightDecay: 0.01, decouple: true, useBiasCorrection: true, growthRate: 1.02 }, { weightDecay: 0.01 }],
    'schedulefree-sgd': [{ warmupSteps: 3, weightDecay: 0.01, r: 1, weightLrPower: 0 }],
    'schedulefree-adamw': [{ warmupSteps: 3, weightDecay: 0.01, betas: [0.95, 0.99] }],
  };
  for (const [name, list] of Object.entries(variants)) {
    for (const options of list) it(`${name} ${JSON.stringify(options)}`, () => checkOptimizer(name, options));
  }

  it('rejects bad options with the option named', () => {
    const p = [f64([1, 2])];
    expect(() => createOptimizer('adafactor', p, { d: 0.5 })).to.throw(ValueError, /'d' must be a finite number ≥ 1/);
    expect(() => createOptimizer('adafactor', p, { eps: [1e-3] })).to.throw(ValueError, /'eps' must be \[eps1, eps2\]/);
    expect(() => createOptimizer('adan', p, { betas: [0.9, 0.9] })).to.throw(ValueError, /'betas' must be \[beta1, beta2, beta3\]/);
    expect(() => createOptimizer('muon', p, { adjustLr: 'rms' })).to.throw(ValueError, /'adjustLr' must be one of 'original', 'match_rms_adamw', 'none'/);
    expect(() => createOptimizer('muon', p, { fallback: { name: 'muon' } })).to.throw(ConfigError, /option 'fallback' must be an optimizer other than muon itself, but got 'muon'/);
    expect(() => createOptimizer('muon', p, { fallback: 3 })).to.throw(ConfigError, /option 'fallback' must be/);
    expect(() => createOptimizer('schedulefree-sgd', p, { momentum: 1 })).to.throw(ValueError, /'momentum' must be in \(0, 1\)/);
    expect(() => createOptimizer('prodigy', p, { growthRate: 0.5 })).to.throw(ValueError, /'growthRate' must be a number ≥ 1/);
  });
});

describe('muon', () => {
  it('Newton–Schulz maps a matrix to singular values near 1 (tall and wide)', () => {
    const rng = new Rng(3);
    for (const [r, c] of [[3, 5], [5, 3], [4, 4]] as const) {
      const m = Float64Array.from({ length: r * c }, () => rng.normal());
      const x = newtonSchulz(m, r, c, [3.4445, -4.775, 2.0315], 5, 1e-7);
      // XᵀX (or XXᵀ, the small side) has eigenvalues = singular values², all in (0.5², 1.5²) after 5 steps
      const k = Math.min(r, c);
      const gram = new Float64Array(k * k);
      for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) {
        let s = 0;
        for (let l = 0; l < Math.max(r, c); l++) s += r <= c ? x[i * c + l]! * x[j * c + l]! : x[l * c + i]! * x[l * c + j]!;
        gram[i * k + j] = s;
      }
      const trace = Array.from({ length: k }, (_, i) => gram[i * k + i]!).reduce((a, b) => a + b, 0);
      expect(trace / k).to.be.within(0.25, 2.25);
    }
  });

  it('routes non-2-D parameters, and groups with useMuon never, to the fallback optimizer', () => {
    const make = () => [f64([1, -2, 3, 0.5, 0.25, -1], [2, 3]), f64([0.5, -0.5])];
    const pm = make(), pa = make();
    const m = createOptimizer('muon', [{ params: [pm[0]!] }, { params: [pm[1]!], options: {} }], { lr: 0.02, fallback: { name: 'adamw', options: { lr: 0.1 } } });
    const a = createOptimizer('adamw', [pa[1]!], { lr: 0.1 });
    for (let t = 0; t < 3; t++) { m.stepWithGrads(quadGrads(pm)); a.stepWithGrads([quadGrads(pa)[1]!]); }
    expect(values([pm[1]!])).to.deep.equal(values([pa[1]!]));
    expect(values([pm[0]!])).to.not.deep.equal(values([make()[0]!]));

    const pn = make(), pw = make();
    const never = createOptimizer('muon', [{ params: pn, options: { useMuon: 'never' } }], { lr: 0.05 });
    const adamw = createOptimizer('adamw', pw, { lr: 0.05 });
    for (let t = 0; t < 3; t++) { never.stepWithGrads(quadGrads(pn)); adamw.stepWithGrads(quadGrads(pw)); }
    expect(values(pn)).to.deep.equal(values(pw));
  });

  it('scales the fallback lr with the step lr (a scheduler drives both)', () => {
    const pm = [f64([0.5, -0.5])], pa = [f64([0.5, -0.5])];
    const m = createOptimizer('muon', pm, { lr: 0.02, fallback: { name: 'sgd', options: { lr: 0.1 } } });
    const s = createOptimizer('sgd', pa, { lr: 0.1 });
    m.stepWithGrads(quadGrads(pm), 0.01);
    s.stepWithGrads(quadGrads(pa), 0.05);
    expect(values(pm)).to.deep.equal(values(pa));
  });
});

describe('prodigy / dadaptadam: all-zero gradients skip the step, as the reference does', () => {
  for (const name of ['prodigy', 'dadaptadam']) {
    it(name, () => {
      const p = [f64([1, 2, 3])];
      const opt = createOptimizer(name, p);
      opt.stepWithGrads([new Float64Array(3)]);
      expect(values(p)).to.deep.equal([[1, 2, 3]]);
      expect((opt.state().groups[0]!.state as { k: number }).k).to.equal(0);
      opt.stepWithGrads([new Float64Array([1, -1, 0.5])]);
      expect(values(p)).to.not.deep.equal([[1, 2, 3]]);
    });
  }
});

describe('schedule-free: train/eval parameter switch', () => {
  for (const name of ['schedulefree-sgd', 'schedulefree-adamw']) {
    it(`${name}: evalMode sets x = lerp(y, z, 1 − 1/β), trainMode restores y bit for bit`, () => {
      const p = [f64([1, -2, 0.5])];
      const opt = createOptimizer(name, p, { lr: 0.05 });
      for (let t = 0; t < 4; t++) opt.stepWithGrads(quadGrads(p));
      const y = values(p);
      const { z } = decodeState(opt.state().groups[0]!.state) as { z: Float64Array[] };
      const beta = 0.9; // momentum (sgd) and β₁ (adamw) defaults
      expect(opt.evalMode()).to.equal(true);
      const x = values(p);
      expect(x[0]).to.deep.equal(y[0]!.map((yi, i) => yi + (1 - 1 / beta) * (z[0]![i]! - yi)));
      expect(x).to.not.deep.equal(y);
      expect(opt.evalMode()).to.equal(false); // already in evaluation mode
      expect(() => opt.stepWithGrads(quadGrads(p))).to.throw(StateError, /evaluation mode; call trainMode\(\)/);
      expect(values(p)).to.deep.equal(x); // the failed step changed nothing
      expect(opt.trainMode()).to.equal(true);
      expect(values(p)).to.deep.equal(y);
      expect(opt.trainMode()).to.equal(false);
    });
  }

  it('x is the average: for a constant gradient, SGD x tracks the mean of the z iterates', () => {
    // weights (k+1)^0·γ² are uniform, so x_k = mean(z_1..z_k); z_k = z_0 − kγg
    const p = [f64([0])];
    const opt = createOptimizer('schedulefree-sgd', p, { lr: 0.1, momentum: 0.5 });
    for (let t = 0; t < 4; t++) opt.stepWithGrads([new Float64Array([1])]);
    opt.evalMode();
    // z after the steps: −0.1, −0.2, −0.3, −0.4, and x is their mean
    expect(p[0]!.buffer()[0]).to.be.closeTo(-(0.1 + 0.2 + 0.3 + 0.4) / 4, 1e-12);
  });

  it('a state saved in evaluation mode resumes exactly', () => {
    const p1 = [f64([1, -2, 0.5])];
    const o1 = createOptimizer('schedulefree-adamw', p1, { lr: 0.05 });
    for (let t = 0; t < 3; t++) o1.stepWithGrads(quadGrads(p1));
    o1.evalMode();
    const saved = JSON.parse(JSON.stringify(o1.state()));
    const p2 = [f64(Array.from(p1[0]!.buffer()))];
    const o2 = createOptimizer('schedulefree-adamw', p2, { lr: 0.05 });
    o2.loadState(saved);
    o1.trainMode(); o2.trainMode();
    for (let t = 0; t < 3; t++) { o1.stepWithGrads(quadGrads(p1)); o2.stepWithGrads(quadGrads(p2)); }
    expect(values(p2)).to.deep.equal(values(p1));
  });

  it('optimizers without the hooks: evalMode/trainMode are no-ops', () => {
    const p = [f64([1, 2])];
    const opt = createOptimizer('adam', p);
    expect(opt.evalMode()).to.equal(false);
    expect(opt.trainMode()).to.equal(false);
  });
});

describe('trainer with schedule-free: evaluation and checkpoints use x', () => {
  const rng = new Rng(5);
  const xs: number[][] = [], ys: number[] = [];
  for (let i = 0; i < 24; i++) { const c = i % 3; xs.push([rng.normal() + c, rng.normal() - c]); ys.push(c); }
  const data = { x: tensor(xs, { dtype: 'float64' }), y: ys };
  const model = () => { const r = new Rng(2); return new Sequential(new Linear(2, 5, { rng: r, dtype: 'float64' }), new ReLU(), new Linear(5, 3, { rng: r, dtype: 'float64' })); };
  const config = (over: Partial<TrainerConfig> = {}): TrainerConfig => ({
    model: model(), loss: 'crossEntropy', optimizer: { name: 'schedulefree-adamw', options: { lr: 0.02 } },
    batchSize: 8, epochs: 3, seed: 1, progressBar: false, ...over,
  });

  it('evaluate() runs at x and leaves the training iterate y untouched', () => {
    const t = new Trainer(config());
    t.fit(data);
    const y = values(t.model.parameters());
    const atX = t.evaluate(data).loss;
    expect(values(t.model.parameters())).to.deep.equal(y);
    t.optimizer.evalMode();
    const direct = t.evaluate(data).loss; // already at x: evaluate switches nothing
    t.optimizer.trainMode();
    expect(atX).to.equal(direct);
  });

  it('a checkpoint holds x, and resuming from it continues exactly', () => {
    const dir = mkdtempSync(join(tmpdir(), 'descent-sf-'));
    try {
      const path = join(dir, 'sf.json');
      const full = new Trainer(config({ epochs: 2 }));
      full.fit(data, { validation: data });
      const first = new Trainer(config({ epochs: 1, callbacks: [{ name: 'checkpoint', options: { path, everyEpochs: 1 } }] }));
      first.fit(data, { validation: data });
      const y = values(first.model.parameters());
      first.optimizer.evalMode();
      const x = values(first.model.parameters());
      const saved = decodeSnapshot(readCheckpoint(path).body.model);
      expect(snapshotsEqual(saved, snapshotModel(first.model)), 'the checkpoint holds x').to.equal(true);
      first.optimizer.trainMode();
      const resumed = new Trainer(config({ epochs: 2 }));
      resumed.fit(data, { validation: data, resumeFrom: path });
      expect(values(resumed.model.parameters())).to.deep.equal(values(full.model.parameters()));
      expect(x).to.not.deep.equal(y);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('closure optimizers: L-BFGS, SAM, ASAM', () => {
  for (const [name, options] of [
    ['lbfgs', { lineSearch: 'strong_wolfe' }], ['lbfgs', { historySize: 2, maxIter: 3, lr: 0.5 }],
    ['sam', { rho: 0.1, base: { name: 'adam', options: { lr: 0.01 } } }], ['asam', { base: { name: 'sgd', options: { lr: 0.05, momentum: 0.9 } } }],
  ] as const) {
    it(`${name} ${JSON.stringify(options)} passes checkOptimizer (with the kit's closure)`, () => checkOptimizer(name, options as Record<string, unknown>));
  }

  it('refuses a step without a closure, changing nothing', () => {
    for (const name of ['lbfgs', 'sam']) {
      const p = [f64([1, 2])];
      const opt = createOptimizer(name, p);
      expect(() => opt.stepWithGrads([new Float64Array([1, 1])])).to.throw(ValueError, /needs a closure; call stepWithClosure/);
      expect(values(p)).to.deep.equal([[1, 2]]);
      expect(opt.stepCount).to.equal(0);
    }
  });

  it('a closure with a bad result is a ValueError, and the step changes nothing', () => {
    const p = [f64([1, 2])];
    const opt = createOptimizer('lbfgs', p);
    expect(() => opt.stepWithClosure((() => 3) as never)).to.throw(ValueError, /closure must return \{ loss: number, grads/);
    let calls = 0;
    const flaky = () => { if (++calls > 1) throw new ValueError('boom'); return { loss: 1, grads: [new Float64Array([1, 1])] }; };
    const before = JSON.stringify(opt.state());
    expect(() => opt.stepWithClosure(flaky)).to.throw(ValueError, /boom/);
    expect(values(p)).to.deep.equal([[1, 2]]);
    expect(JSON.stringify(opt.state())).to.equal(before);
  });

  it('sam = the gradient at θ + ρ g/‖g‖, applied by the base optimizer at θ', () => {
    const p = [f64([1, -2, 0.5])];
    const grad = (v: ArrayLike<number>) => Float64Array.from(v, (x, i) => 3 * x ** 3 - (i + 1)); // ∇ of ¾x⁴ − (i+1)x
    const opt = createOptimizer('sam', p, { rho: 0.1, base: { name: 'sgd', options: { lr: 0.01 } } });
    const theta = Array.from(p[0]!.buffer());
    opt.stepWithClosure(() => ({ loss: 0, grads: [grad(p[0]!.buffer())] }));
    const g = grad(theta), norm = Math.hypot(...g);
    const expected = theta.map((x, i) => x - 0.01 * grad(theta.map((y, k) => y + g[k]! * (0.1 / (norm + 1e-12))))[i]!);
    Array.from(p[0]!.buffer()).forEach((v, i) => expect(v).to.be.closeTo(expected[i]!, 1e-14));
  });

  it('the float64-only L-BFGS strong-Wolfe Rosenbrock trace matches PyTorch 1.13', () => {
    const file = new URL('../../../test/golden/float64-only/opt-lbfgs-wolfe-rosenbrock.json', import.meta.url).pathname;
    const r = runTraceFile(file);
    expect(r.status, r.message).to.equal('pass');
  });

  describe('in the Trainer (a closure per batch)', () => {
    const rng = new Rng(9);
    const xs: number[][] = [], ys: number[] = [];
    for (let i = 0; i < 30; i++) { const c = i % 3; xs.push([rng.normal() + 2 * c, rng.normal() - c]); ys.push(c); }
    const data = { x: tensor(xs, { dtype: 'float64' }), y: ys };
    const model = () => { const r = new Rng(4); return new Sequential(new Linear(2, 6, { rng: r, dtype: 'float64' }), new ReLU(), new Linear(6, 3, { rng: r, dtype: 'float64' })); };
    for (const [optimizer, batchSize] of [[{ name: 'lbfgs', options: { lineSearch: 'strong_wolfe', maxIter: 5 } }, 30], [{ name: 'sam', options: { base: { name: 'sgd', options: { lr: 0.1, momentum: 0.9 } } } }, 10]] as const) {
      it(`${optimizer.name} trains (full batch ${batchSize === 30})`, () => {
        const t = new Trainer({ model: model(), loss: 'crossEntropy', optimizer, batchSize, epochs: 4, seed: 3, progressBar: false, regularizers: [{ name: 'l2', options: { lambda: 1e-4 } }] });
        const h = t.fit(data);
        expect(h.epochs[h.epochs.length - 1]!.loss).to.be.below(h.epochs[0]!.loss * 0.8);
      });
    }
  });
});

describe('noDecayOn1d: weight-decay exclusion in one line', () => {
  it('1-D parameters get weightDecay 0; group options are kept', () => {
    const w = f64([1, 2, 3, 4], [2, 2]), b = f64([1, 1]), gain = f64([2]);
    const groups = noDecayOn1d([{ params: [w, b], options: { lr: 0.1 } }, { params: [gain] }]);
    expect(groups.map((g) => [g.params.length, g.options ?? null])).to.deep.equal([[1, { lr: 0.1 }], [1, { lr: 0.1, weightDecay: 0 }], [1, { weightDecay: 0 }]]);
    const opt = createOptimizer('adamw', noDecayOn1d([w, b]), { lr: 0.1, weightDecay: 0.5 });
    opt.stepWithGrads([new Float64Array(4), new Float64Array(2)]);
    expect(Array.from(b.buffer())).to.deep.equal([1, 1]);                // not decayed
    expect(Array.from(w.buffer())).to.deep.equal([0.95, 1.9, 2.85, 3.8]); // decayed by ηλ = 0.05
    expect(() => noDecayOn1d([])).to.throw(ValueError, /noDecayOn1d: params must be a non-empty list/);
  });
});

describe('averaged: SWA / EMA of the weights (torch.optim.swa_utils.AveragedModel)', () => {
  const fixture = JSON.parse(readFileSync(new URL('./fixtures/averaged-model.json', import.meta.url), 'utf8')) as {
    init: number[]; runs: Array<{ options: Record<string, unknown>; steps: number; averages: number[][] }>;
  };
  const A = (JSON.parse(readFileSync(new URL('../../../test/golden/opt-adam-quadratic.json', import.meta.url), 'utf8')) as { problem: { A: number[][]; b: number[] } }).problem;
  const grad = (theta: number[]) => theta.map((_, i) => A.A[i]!.reduce((s, a, j) => s + a * theta[j]!, 0) - A.b[i]!);

  for (const run of fixture.runs) {
    it(`matches PyTorch 1.13 AveragedModel: ${JSON.stringify({ averaging: run.options.averaging, start: run.options.start, every: run.options.every })}`, () => {
      const params = [f64(fixture.init.slice(0, 4), [2, 2]), f64(fixture.init.slice(4))];
      const opt = createOptimizer('averaged', params, run.options);
      for (let t = 0; t < run.steps; t++) {
        const g = grad(values(params).flat());
        opt.stepWithGrads([Float64Array.from(g.slice(0, 4)), Float64Array.from(g.slice(4))]);
        const trained = values(params).flat();
        if (opt.evalMode()) {
          values(params).flat().forEach((v, i) => expect(Math.abs(v - run.averages[t]![i]!), `step ${t + 1} [${i}]`).to.be.at.most(1e-12 + 1e-9 * Math.abs(run.averages[t]![i]!)));
          opt.trainMode();
        } else {
          expect(run.averages[t]).to.deep.equal(fixture.init); // nothing averaged yet: AveragedModel still holds its copy of θ₀
        }
        expect(values(params).flat()).to.deep.equal(trained);
      }
    });
  }

  it('passes checkOptimizer and refuses to step in evaluation mode', () => {
    checkOptimizer('averaged', { inner: { name: 'adam', options: { lr: 0.01 } }, averaging: 'ema', decay: 0.9 });
    const p = [f64([1, 2])];
    const opt = createOptimizer('averaged', p, { inner: { name: 'sgd', options: { lr: 0.1 } } });
    opt.stepWithGrads([new Float64Array([1, 1])]);
    opt.stepWithGrads([new Float64Array([1, 1])]);
    expect(opt.evalMode()).to.equal(true);
    values(p)[0]!.forEach((v, i) => expect(v).to.be.closeTo([0.85, 1.85][i]!, 1e-15)); // mean of 0.9 and 0.8 (and of 1.9 and 1.8)
    expect(() => opt.stepWithGrads([new Float64Array([1, 1])])).to.throw(StateError, /evaluation mode/);
    expect(() => createOptimizer('averaged', p, { inner: { name: 'lbfgs' } })).to.throw(ConfigError, /without a closure/);
  });

  it('in the Trainer, evaluation uses the averaged weights', () => {
    const rng = new Rng(8);
    const xs: number[][] = [], ys: number[] = [];
    for (let i = 0; i < 24; i++) { const c = i % 3; xs.push([rng.normal() + c, rng.normal() - c]); ys.push(c); }
    const data = { x: tensor(xs, { dtype: 'float64' }), y: ys };
    const r = new Rng(1);
    const model = new Sequential(new Linear(2, 4, { rng: r, dtype: 'float64' }), new ReLU(), new Linear(4, 3, { rng: r, dtype: 'float64' }));
    const t = new Trainer({ model, loss: 'crossEntropy', optimizer: { name: 'averaged', options: { inner: { name: 'sgd', options: { lr: 0.1 } }, averaging: 'ema', decay: 0.5 } }, batchSize: 8, epochs: 2, seed: 1, progressBar: false });
    t.fit(data);
    const trained = values(t.model.parameters());
    const atAverage = t.evaluate(data).loss;
    expect(values(t.model.parameters())).to.deep.equal(trained);
    t.optimizer.evalMode();
    expect(values(t.model.parameters())).to.not.deep.equal(trained);
    const direct = t.evaluate(data).loss;
    t.optimizer.trainMode();
    expect(atAverage).to.equal(direct);
  });
});

describe('updateBatchNorm (torch.optim.swa_utils.update_bn)', () => {
  it('recomputes running statistics as the cumulative average over the data; momentum and mode are restored', () => {
    const bn = new BatchNorm1d(2, { dtype: 'float64' });
    const model = new Sequential(bn);
    model.eval();
    const rows = [[1, 10], [3, 14], [5, 0], [7, 4]];
    const x = tensor(rows, { dtype: 'float64' });
    bn.runningMean.assign([100, 100]);
    updateBatchNorm(model, x, { batchSize: 2 });
    // batches {1,3},{5,7} and {10,14},{0,4}: means 2, 6 → 4 and 12, 2 → 7; unbiased variances 2, 2 and 8, 8
    expect(Array.from(bn.runningMean.buffer())).to.deep.equal([4, 7]);
    expect(Array.from(bn.runningVar.buffer())).to.deep.equal([2, 8]);
    expect(bn.momentum).to.equal(0.1);
    expect((model as unknown as { training: boolean }).training).to.equal(false);
    expect(() => updateBatchNorm(model, x, { batchSize: 0 })).to.throw(ValueError, /batchSize must be a positive integer/);
  });
});

describe('dadaptadam: a learning rate so small that (1 − √β₂)‖s‖₁ underflows', () => {
  it('keeps d as it was (Python max/min as the reference), so the state stays finite and round-trips', () => {
    // Found by the state round-trip property (test/properties/optimizer-state.test.ts, seed 271689015).
    const p = [f64([0, 0]), f64([0])].map((t) => t.requireGrad());
    const o = createOptimizer('dadaptadam', p, {});
    o.stepWithGrads([Float64Array.from([-2.274661779516406e-9, 0]), Float64Array.from([0])], 2.1714968874045882e-306);
    const state = o.state() as unknown as { groups: Array<{ state: { d: number } }> };
    expect(state.groups[0]!.state.d).to.equal(1e-6);
    o.loadState(JSON.parse(JSON.stringify(o.state())));
  });
});
