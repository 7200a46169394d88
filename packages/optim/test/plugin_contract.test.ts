import { expect } from 'chai';
import { ConfigError, Rng, StateError, tensor, type TypedArray } from '@descent/tensor';
import { Linear, ReLU, Sequential } from '@descent/layers';
import { createOptimizer, registerOptimizer, rules, Trainer, zeroBuffer, type OptimizerPlugin, type TrainerConfig } from '@descent/optim';
import { checkOptimizer } from '@descent/optim/testing';

/** Momentum SGD whose momentum option is called `beta1` (no name convention can find it). */
interface Beta1Options { lr: number; beta1: number }
const beta1Sgd = (over: Partial<OptimizerPlugin<Beta1Options, { m: TypedArray[] }>> = {}): OptimizerPlugin<Beta1Options, { m: TypedArray[] }> => ({
  name: 'beta1sgd',
  defaults: { lr: 0.1, beta1: 0.9 },
  rules: { lr: rules.nonNegative, beta1: rules.inRange(0, 1) },
  momentum: { option: 'beta1' },
  init: (params) => ({ m: params.map(zeroBuffer) }),
  update(grads, state, params, { lr, options }) {
    const updates = grads.map((g, j) => {
      const m = state.m[j]!, u = zeroBuffer(params[j]!);
      for (let i = 0; i < g.length; i++) { m[i] = options.beta1 * m[i]! + g[i]!; u[i] = -lr * m[i]!; }
      return u;
    });
    return { updates, state };
  },
  ...over,
});

const w64 = () => tensor([1, -2, 3], { dtype: 'float64' });

describe('optimizer plugins: registration checks', () => {
  it('rejects a name that is not lower case, option keys that are not camelCase, rules for non-options and a bad momentum declaration', () => {
    expect(() => registerOptimizer(beta1Sgd({ name: 'Beta1Sgd' }))).to.throw(ConfigError, /name must be lower case .*'beta1sgd', but got 'Beta1Sgd'/);
    expect(() => registerOptimizer({ ...beta1Sgd(), defaults: { lr: 0.1, beta_1: 0.9 } } as never)).to.throw(ConfigError, /option keys must be camelCase \(e.g. 'beta1'\), but 'defaults' has 'beta_1'/);
    expect(() => registerOptimizer(beta1Sgd({ rules: { lr: rules.nonNegative, momentum: rules.nonNegative } as never }))).to.throw(ConfigError, /'rules' has a check for 'momentum', which is not an option; options .*: lr, beta1/);
    expect(() => registerOptimizer(beta1Sgd({ momentum: { option: 'betas', index: 0 } }))).to.throw(ConfigError, /'momentum.option' must be an option \(one of lr, beta1\), but got 'betas'/);
    expect(() => registerOptimizer(beta1Sgd({ momentum: { option: 'beta1', index: 0 } }))).to.throw(ConfigError, /has no number at that index/);
    // The same checks when the plugin object is used without registering.
    expect(() => createOptimizer(beta1Sgd({ name: 'Beta1Sgd' }), [w64()])).to.throw(ConfigError, /lower case/);
  });

  it('declares the momentum of every built-in that has one', async () => {
    const { getOptimizerPlugin } = await import('@descent/optim');
    expect(getOptimizerPlugin('adam').momentum).to.deep.equal({ option: 'betas', index: 0 });
    expect(getOptimizerPlugin('nag').momentum).to.deep.equal({ option: 'momentum' });
    expect(getOptimizerPlugin('lookahead').momentum).to.deep.equal({ option: 'inner', wraps: true });
    expect(getOptimizerPlugin('averaged').momentum).to.deep.equal({ option: 'inner', wraps: true });
    expect(getOptimizerPlugin('adagrad').momentum).to.equal(undefined);
  });
});

describe('optimizer plugins: first-step contract', () => {
  it('an update that forgets to return its state fails at the first step with a clear error, changing nothing', () => {
    const forgetful = beta1Sgd({ name: 'forgetful', update: (grads, _s, params, { lr }) => ({ updates: grads.map((g, j) => zeroBuffer(params[j]!).map((_, i) => -lr * g[i]!)) }) as never });
    const w = w64();
    const opt = createOptimizer(forgetful, [w]);
    expect(() => opt.stepWithGrads([new Float64Array([1, 1, 1])])).to.throw(StateError, /plugin 'forgetful'.update returned no state for parameter group 0; return \{ updates, state \}/);
    expect(Array.from(w.data())).to.deep.equal([1, -2, 3]);
    expect(opt.stepCount).to.equal(0);
  });

  it('so does an updateInPlace that returns nothing, with parameters and state put back', () => {
    const inPlace = beta1Sgd({
      name: 'inplaceforgetful',
      updateInPlace(grads, state, _params, { lr, options }, targets) {
        grads.forEach((g, j) => { const m = state.m[j]!, th = targets[j]!; for (let i = 0; i < g.length; i++) { m[i] = options.beta1 * m[i]! + g[i]!; th[i] = th[i]! - lr * m[i]!; } });
        return undefined as never;
      },
    });
    const w = w64();
    const opt = createOptimizer(inPlace, [w]);
    const before = JSON.stringify(opt.state());
    expect(() => opt.stepWithGrads([new Float64Array([1, 1, 1])])).to.throw(StateError, /updateInPlace returned no state .*return the next state/);
    expect(Array.from(w.data())).to.deep.equal([1, -2, 3]);
    expect(JSON.stringify(opt.state())).to.equal(before);
  });
});

describe('optimizer plugins: what the kit catches', () => {
  it('passes a correct plugin', () => checkOptimizer(beta1Sgd(), { lr: 0.05 }, { stepDependent: false }));

  it('catches a plugin that caches options.lr (ignores schedules)', () => {
    const cached = beta1Sgd({ name: 'cachedlr', update(grads, state, params, { options }) { return beta1Sgd().update(grads, state, params, { lr: options.lr, step: 1, options }); } });
    expect(() => checkOptimizer(cached)).to.throw(/schedules.*use ctx.lr/);
  });

  it('catches a plugin that ignores the step count when it says it uses it', () => {
    expect(() => checkOptimizer(beta1Sgd(), {}, { stepDependent: true })).to.throw(/step count.*do not change when ctx.step does/);
    expect(() => checkOptimizer('adam', {}, { stepDependent: false })).to.throw(/step count.*change with ctx.step/);
    checkOptimizer('adam', {}, { stepDependent: true });
  });

  it('catches an update that throws after writing its state', () => {
    const late = beta1Sgd({
      name: 'latethrow',
      update(grads, state, params, ctx) {
        const r = beta1Sgd().update(grads, state, params, ctx);
        if (grads.some((g) => g.some(Number.isNaN))) throw new Error('NaN gradient');
        return r;
      },
    });
    expect(() => checkOptimizer(late)).to.throw(/atomic update.*after changing the state; validate before writing/);
    const early = beta1Sgd({
      name: 'earlythrow',
      update(grads, state, params, ctx) {
        if (grads.some((g) => g.some(Number.isNaN))) throw new Error('NaN gradient');
        return beta1Sgd().update(grads, state, params, ctx);
      },
    });
    checkOptimizer(early);
  });
});

describe('optimizer plugins: momentum cycling and the trainer', () => {
  const data = (() => {
    const rng = new Rng(3);
    const xs: number[][] = [], y: number[] = [];
    for (let i = 0; i < 12; i++) { const c = i % 2; xs.push([rng.normal() + (c ? 1 : -1), rng.normal()]); y.push(c); }
    return { x: tensor(xs, { dtype: 'float64' }), y };
  })();
  const model = () => { const rng = new Rng(0); return new Sequential(new Linear(2, 4, { rng, dtype: 'float64' }), new ReLU(), new Linear(4, 2, { rng, dtype: 'float64' })); };
  const config = (optimizer: TrainerConfig['optimizer'], over: Partial<TrainerConfig> = {}): TrainerConfig => ({
    model: model(), loss: 'crossEntropy', optimizer, scheduler: { name: 'onecycle', options: { maxLr: 0.2 } },
    batchSize: 4, epochs: 2, seed: 0, progressBar: false, ...over,
  });

  it('cycles the option a plugin declares as its momentum (beta1 here), given as a plugin object', () => {
    const plugin = beta1Sgd();
    const trainer = new Trainer(config(plugin));
    const h = trainer.fit(data);
    const momenta = h.steps.map((s) => s.momentum);
    expect(momenta[0]).to.be.closeTo(0.95, 1e-12);
    expect(momenta.every((m) => typeof m === 'number')).to.equal(true);
    expect((trainer.optimizer.groups[0]!.options as unknown as Beta1Options).beta1).to.equal(momenta.at(-1));
  });

  it('takes { name: plugin, options } where it takes { name, options }', () => {
    const trainer = new Trainer(config({ name: beta1Sgd(), options: { lr: 0.05, beta1: 0.5 } }, { scheduler: null }));
    expect(trainer.optimizer.name).to.equal('beta1sgd');
    expect(trainer.optimizer.groups[0]!.options).to.deep.include({ lr: 0.05, beta1: 0.5 });
    expect(() => new Trainer(config({ name: beta1Sgd(), options: { lr: 0.05 }, extra: 1 } as never))).to.throw(ConfigError, /unknown field 'extra'/);
  });

  it('fails loudly when a momentum-cycling schedule meets a plugin that declares no momentum (and not with cycleMomentum: false)', () => {
    const undeclared = beta1Sgd({ name: 'nomomentum', momentum: undefined });
    expect(() => new Trainer(config(undeclared)).fit(data)).to.throw(ConfigError, /scheduler 'onecycle' cycles momentum, but optimizer 'nomomentum' declares no momentum option .*cycleMomentum: false/);
    expect(() => new Trainer(config('adagrad')).fit(data)).to.throw(ConfigError, /optimizer 'adagrad' declares no momentum option/);
    const h = new Trainer(config(undeclared, { cycleMomentum: false })).fit(data);
    expect(h.steps.every((s) => s.momentum === undefined)).to.equal(true);
  });

  it('reaches a declared momentum through Lookahead to a plugin it wraps', () => {
    const inner = beta1Sgd();
    const t = new Trainer(config({ name: 'lookahead', options: { inner, k: 2 } }));
    const h = t.fit(data);
    expect(h.steps[0]!.momentum).to.be.closeTo(0.95, 1e-12);
    // The plugin object where lookahead's inner takes a name.
    const named = new Trainer(config({ name: 'lookahead', options: { inner: { name: inner, options: { beta1: 0.5 } }, k: 2 } }, { scheduler: null }));
    expect((named.optimizer.groups[0]!.options as unknown as { inner: { name: string; options: Beta1Options } }).inner).to.deep.include({ name: 'beta1sgd' });
    expect((named.optimizer.groups[0]!.options as unknown as { inner: { options: Beta1Options } }).inner.options.beta1).to.equal(0.5);
  });
});

