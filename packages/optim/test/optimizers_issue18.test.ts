import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, Rng, StateError, tensor, ValueError, type Tensor } from '@descent/tensor';
import { Linear, ReLU, Sequential } from '@descent/layers';
import { createOptimizer, decodeSnapshot, decodeState, newtonSchulz, readCheckpoint, snapshotModel, snapshotsEqual, Trainer, type TrainerConfig } from '@descent/optim';
import { checkOptimizer } from '@descent/optim/testing';

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
    expect(() => createOptimizer('muon', p, { fallback: { name: 'muon' } })).to.throw(ConfigError, /cannot be muon itself/);
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
