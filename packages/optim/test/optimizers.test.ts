import { expect } from 'chai';
import { ConfigError, DTypeError, RegistryError, ShapeError, StateError, tensor, ValueError, type Tensor } from '@descent/tensor';
import {
  adam, applyUpdates, builtinOptimizers, createOptimizer, getOptimizerPlugin, Optimizer, optimizers,
  registerOptimizer, resolveOptimizerOptions, sgd, type OptimizerPlugin,
} from '@descent/optim';
import { checkOptimizer } from '@descent/optim/testing';

const ALL = ['adabelief', 'adabound', 'adadelta', 'adafactor', 'adagrad', 'adam', 'adamax', 'adamw', 'adan', 'amsgrad', 'dadaptadam', 'lamb', 'lion', 'lookahead', 'muon', 'nadam', 'nag', 'prodigy', 'radam', 'rmsprop', 'schedulefree-adamw', 'schedulefree-sgd', 'sgd', 'sgdm', 'sgdw', 'yogi'];

const f64 = (values: number[], shape?: number[]) => tensor(Float64Array.from(values), { shape: shape ?? [values.length], dtype: 'float64' });
const bits = (ts: readonly Tensor[]) => ts.map((t) => Array.from(t.buffer()));

/** Gradient of ½‖θ − c‖² with c = 1, 2, 3, … (flattened over the parameters). */
function quadGrads(params: readonly Tensor[]): Float64Array[] {
  let k = 0;
  return params.map((p) => (p.buffer() as Float64Array).map((x) => x - ++k));
}

describe('optimizers: registry', () => {
  it('registers every built-in optimizer', () => {
    for (const name of ALL) expect(optimizers.names(), name).to.include(name);
    expect(builtinOptimizers.map((p) => p.name).sort()).to.deep.equal(ALL);
  });

  it('an unknown name lists the registered ones', () => {
    expect(() => createOptimizer('adma', [f64([1])])).to.throw(RegistryError, /unknown optimizer 'adma'\. Registered: .*adam, .*sgd/);
  });

  it('create(name, options) returns the plugin and resolved options', () => {
    const { plugin, options } = optimizers.create('adam', { lr: 0.01 });
    expect(plugin).to.equal(adam);
    expect(options).to.deep.include({ lr: 0.01, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false });
  });

  it('registering a taken name is an error unless replacing', () => {
    const mine = { ...sgd, name: 'test-dup-sgd' }; // a valid plugin: other suites may loop over the registry
    registerOptimizer(mine);
    expect(() => registerOptimizer(mine)).to.throw(RegistryError, /already registered/);
    registerOptimizer(mine, { replace: true });
  });

  it('defaults equal PyTorch (and FORMAT.md where PyTorch has none)', () => {
    const d = (n: string) => getOptimizerPlugin(n).defaults as Record<string, unknown>;
    expect(d('sgd')).to.deep.equal({ lr: 1e-3, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0 });
    expect(d('sgdm')).to.include({ momentum: 0.9, nesterov: false });
    expect(d('nag')).to.include({ momentum: 0.9, nesterov: true });
    expect(d('adagrad')).to.deep.equal({ lr: 1e-2, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10 });
    expect(d('rmsprop')).to.deep.equal({ lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false, initFromGrad: false });
    expect(d('adam')).to.deep.equal({ lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false });
    expect(d('amsgrad')).to.include({ amsgrad: true });
    expect(d('adamw')).to.include({ weightDecay: 0.01 });
    expect(d('sgdw')).to.include({ momentum: 0, weightDecay: 0 });
    expect(d('adabound')).to.deep.equal({ lr: 1e-3, betas: [0.9, 0.999], finalLr: 0.1, gamma: 1e-3, eps: 1e-8, weightDecay: 0, amsbound: false });
    expect(d('lookahead')).to.include({ k: 5, alpha: 0.5 });
    expect(d('nadam')).to.include({ lr: 2e-3, momentumDecay: 4e-3, eps: 1e-8 });
    expect(d('radam')).to.include({ lr: 1e-3, eps: 1e-8 });
    expect(d('adamax')).to.include({ lr: 2e-3, eps: 1e-8 });
  });
});

describe('optimizers: conformance kit over the registry', () => {
  const variants: Record<string, Record<string, unknown>[]> = {
    sgd: [{}, { lr: 0.1, momentum: 0.9, dampening: 0.1, weightDecay: 0.01 }, { lr: 0.1, momentum: 0.9, nesterov: true }],
    sgdw: [{ lr: 0.05, momentum: 0.9, weightDecay: 0.05 }],
    adagrad: [{ lr: 0.1, lrDecay: 0.01, weightDecay: 0.01, initialAccumulatorValue: 0.1 }],
    rmsprop: [{ centered: true, momentum: 0.9, weightDecay: 0.01 }, { initFromGrad: true }],
    adam: [{ amsgrad: true, weightDecay: 0.01 }],
    adamw: [{ amsgrad: true }],
    adabound: [{ amsbound: true, weightDecay: 0.01 }],
    lookahead: [{ inner: { name: 'adam', options: { lr: 0.01 } }, k: 3, alpha: 0.8 }, { inner: adam, k: 1, alpha: 1 }],
    nadam: [{ weightDecay: 0.01 }, { weightDecay: 0.01, decoupledWeightDecay: true }],
    radam: [{ weightDecay: 0.01 }, { weightDecay: 0.01, decoupledWeightDecay: true }],
    adamax: [{ weightDecay: 0.01 }],
    lion: [{ weightDecay: 0.1 }],
    lamb: [{ weightDecay: 0.01 }],
  };
  // every registered optimizer (the built-ins, and any plugin registered by other suites)
  for (const name of [...new Set([...ALL, ...optimizers.names()])]) {
    for (const options of [{}, ...(variants[name] ?? [])]) {
      it(`${name} ${JSON.stringify(options, (_k, v) => (v === adam ? 'adam plugin' : v))}`, () => checkOptimizer(name, options));
    }
  }

  it('the kit reports a plugin that mutates its gradients', () => {
    const bad: OptimizerPlugin<{ lr: number }, object> = {
      name: 'bad-mutates', defaults: { lr: 0.1 }, init: () => ({}),
      update(grads, state, params, ctx) {
        const updates = grads.map((g) => g.map((x) => -ctx.lr * x));
        (grads[0] as Float64Array)[0] = 42;
        return { updates, state };
      },
    };
    expect(() => checkOptimizer(bad)).to.throw(/inputs not mutated.*gradient 0/);
  });

  it('the kit reports a plugin whose state does not survive a save/load', () => {
    let hidden = 0; // state kept outside the state object
    const bad: OptimizerPlugin<{ lr: number }, object> = {
      name: 'bad-hidden-state', defaults: { lr: 0.1 }, init: () => { hidden = 0; return {}; },
      update(grads, state, params, ctx) {
        hidden++;
        return { updates: grads.map((g) => g.map((x) => -ctx.lr * hidden * x)), state };
      },
    };
    expect(() => checkOptimizer(bad)).to.throw(/determinism|state round trip/);
  });

  it('the kit reports a plugin that is not finite on zero gradients', () => {
    const bad: OptimizerPlugin<{ lr: number }, object> = {
      name: 'bad-normalized', defaults: { lr: 0.1 }, init: () => ({}),
      update(grads, state, params, ctx) {
        // g/‖g‖ without a guard: 0/0 on a zero gradient
        const updates = grads.map((g) => { const n = Math.hypot(...g); return g.map((x) => -ctx.lr * x / n); });
        return { updates, state };
      },
    };
    expect(() => checkOptimizer(bad)).to.throw(/zero gradients/);
  });
});

describe('optimizers: options are validated at creation', () => {
  const p = () => [f64([1, 2])];
  const bad: [string, Record<string, unknown>, new (...a: never[]) => Error, RegExp][] = [
    ['sgd', { lr: -0.1 }, ValueError, /sgd: option 'lr' must be a finite number ≥ 0, but got -0.1/],
    ['sgd', { lr: NaN }, ValueError, /option 'lr'/],
    ['sgd', { lr: '0.1' }, ConfigError, /option 'lr' must be a number, but got "0.1"/],
    ['sgd', { momentum: -0.5 }, ValueError, /option 'momentum' must be a finite number ≥ 0, but got -0.5/],
    ['sgd', { dampening: 2 }, ValueError, /option 'dampening' must be in \[0, 1\], but got 2/],
    ['sgd', { weightDecay: -1 }, ValueError, /option 'weightDecay'.*got -1/],
    ['sgd', { nesterov: true }, ValueError, /option 'nesterov' requires momentum > 0 and dampening = 0, but got momentum 0/],
    ['sgd', { nesterov: true, momentum: 0.9, dampening: 0.1 }, ValueError, /nesterov.*dampening 0.1/],
    ['nag', { momentum: 0 }, ValueError, /nag: option 'nesterov' requires momentum > 0/],
    ['sgd', { nesterov: 'yes' }, ConfigError, /option 'nesterov' must be a boolean/],
    ['sgd', { weight_decay: 0.1 }, ConfigError, /sgd: unknown option 'weight_decay' \(did you mean 'weightDecay'\?\)/],
    ['adam', { lR: 0.1 }, ConfigError, /adam: unknown option 'lR' \(did you mean 'lr'\?\)/],
    ['adam', { betas: [0.9, 1] }, ValueError, /option 'betas' must be a pair \[beta1, beta2\] with each in \[0, 1\), but got \[0.9,1\]/],
    ['adam', { betas: [-0.1, 0.9] }, ValueError, /option 'betas'/],
    ['adam', { betas: 0.9 }, ValueError, /option 'betas'/],
    ['adam', { eps: 0 }, ValueError, /option 'eps' must be a finite number > 0, but got 0/],
    ['adam', { eps: -1e-8 }, ValueError, /option 'eps'/],
    ['adam', { amsgrad: 1 }, ConfigError, /option 'amsgrad' must be a boolean/],
    ['adamw', { weightDecay: -0.01 }, ValueError, /adamw: option 'weightDecay'/],
    ['adagrad', { lrDecay: -1 }, ValueError, /option 'lrDecay'/],
    ['adagrad', { initialAccumulatorValue: -1 }, ValueError, /option 'initialAccumulatorValue'/],
    ['adagrad', { eps: 0 }, ValueError, /option 'eps'/],
    ['rmsprop', { alpha: -0.1 }, ValueError, /option 'alpha' must be in \[0, 1\]/],
    ['rmsprop', { momentum: -1 }, ValueError, /option 'momentum'/],
    ['rmsprop', { centered: 'no' }, ConfigError, /option 'centered' must be a boolean/],
    ['adabound', { lr: 0 }, ValueError, /adabound: option 'lr' must be a finite number > 0, but got 0/],
    ['adabound', { finalLr: -0.1 }, ValueError, /option 'finalLr'/],
    ['adabound', { gamma: 1 }, ValueError, /option 'gamma' must be in \[0, 1\)/],
    ['adabound', { betas: [1, 0.9] }, ValueError, /option 'betas'/],
    ['nadam', { momentumDecay: -1 }, ValueError, /option 'momentumDecay'/],
    ['radam', { eps: 0 }, ValueError, /radam: option 'eps'/],
    ['adamax', { betas: [0.9, 1.5] }, ValueError, /adamax: option 'betas'/],
    ['lion', { betas: [0.9, 1] }, ValueError, /lion: option 'betas'/],
    ['lion', { eps: 1e-8 }, ConfigError, /lion: unknown option 'eps'/],
    ['lamb', { weightDecay: -1 }, ValueError, /lamb: option 'weightDecay'/],
    ['lookahead', { k: 0 }, ValueError, /lookahead: option 'k' must be a positive integer, but got 0/],
    ['lookahead', { k: 2.5 }, ValueError, /option 'k' must be a positive integer, but got 2.5/],
    ['lookahead', { alpha: 0 }, ValueError, /lookahead: option 'alpha' must be in \(0, 1\], but got 0/],
    ['lookahead', { alpha: 1.5 }, ValueError, /option 'alpha' must be in \(0, 1\], but got 1.5/],
    ['lookahead', { lr: -1 }, ValueError, /lookahead: option 'lr'/],
    ['lookahead', { inner: { name: 'adma' } }, RegistryError, /unknown optimizer 'adma'/],
    ['lookahead', { inner: { name: 'adam', options: { betas: [1, 1] } } }, ValueError, /adam: option 'betas'/],
    ['lookahead', { inner: { name: 'adam', options: { weight_decay: 1 } } }, ConfigError, /adam: unknown option 'weight_decay'/],
    ['lookahead', { inner: 42 }, ConfigError, /lookahead: option 'inner' must be \{ name, options \}.*but got 42/],
    ['lookahead', { sync: 5 }, ConfigError, /lookahead: unknown option 'sync'/],
  ];
  for (const [name, options, cls, re] of bad) {
    it(`${name} ${JSON.stringify(options)}`, () => {
      expect(() => createOptimizer(name, p(), options)).to.throw(cls as never, re);
    });
  }

  it('options must be an object', () => {
    expect(() => createOptimizer('sgd', p(), 0.1 as never)).to.throw(ConfigError, /options must be an object/);
  });

  it('parameters must be a non-empty list of tensors or groups, each parameter once', () => {
    expect(() => createOptimizer('sgd', [])).to.throw(ValueError, /non-empty list/);
    const w = f64([1]);
    expect(() => createOptimizer('sgd', [w, w])).to.throw(ValueError, /appears more than once/);
    expect(() => createOptimizer('sgd', [{ params: [w] }, { params: [w] }])).to.throw(ValueError, /appears more than once/);
    expect(() => createOptimizer('sgd', [{ params: [] }])).to.throw(ValueError, /group 0 has no parameters/);
    expect(() => createOptimizer('sgd', [{ params: [w], options: { lr: -1 } }, { params: [f64([1])] }])).to.throw(ValueError, /option 'lr'.*\(parameter group 0\)/);
  });
});

describe('optimizers: hand-derived steps', () => {
  it('sgd: θ ← θ − η g', () => {
    const w = f64([1, -2]);
    createOptimizer('sgd', [w], { lr: 0.1 }).stepWithGrads([Float64Array.of(0.5, -1)]);
    expect(Array.from(w.buffer())).to.deep.equal([1 - 0.1 * 0.5, -2 + 0.1]);
  });

  it('sgdm: the first buffer is g, then b ← μb + g', () => {
    const w = f64([0]);
    const opt = createOptimizer('sgdm', [w], { lr: 1 });
    opt.stepWithGrads([Float64Array.of(1)]); // b = 1, θ = −1
    opt.stepWithGrads([Float64Array.of(1)]); // b = 1.9, θ = −2.9
    expect(w.buffer()[0]).to.be.closeTo(-2.9, 1e-15);
  });

  it('adam: the first step is −η·g/(|g| + ε)', () => {
    const w = f64([0, 0]);
    createOptimizer('adam', [w], { lr: 0.1 }).stepWithGrads([Float64Array.of(3, -0.5)]);
    expect(w.buffer()[0]).to.be.closeTo(-0.1, 1e-8);
    expect(w.buffer()[1]).to.be.closeTo(0.1, 1e-8);
  });

  it('adamw: decays θ by (1 − ηλ) in addition to the Adam step', () => {
    const a = f64([2]), b = f64([2]);
    createOptimizer('adamw', [a], { lr: 0.1, weightDecay: 0.5 }).stepWithGrads([Float64Array.of(1)]);
    createOptimizer('adam', [b], { lr: 0.1 }).stepWithGrads([Float64Array.of(1)]);
    expect(a.buffer()[0]! - b.buffer()[0]!).to.be.closeTo(-0.1 * 0.5 * 2, 1e-12);
  });

  it('lion: every coordinate moves by η (sign of the interpolated momentum)', () => {
    const w = f64([0, 0, 0]);
    createOptimizer('lion', [w], { lr: 0.01 }).stepWithGrads([Float64Array.of(5, -1e-9, 0)]);
    expect(Array.from(w.buffer())).to.deep.equal([-0.01, 0.01, 0]);
  });

  it('lamb: a layer moves by η·‖θ‖ in total on its first step (trust ratio)', () => {
    const w = f64([3, 4]); // ‖θ‖ = 5
    createOptimizer('lamb', [w], { lr: 0.1 }).stepWithGrads([Float64Array.of(1, 1)]);
    // r ≈ (1, 1) (first Adam step), ‖r‖ = √2, so θ moves by 0.1·5/√2·(1, 1)
    const d = 0.1 * 5 / Math.SQRT2;
    expect(w.buffer()[0]).to.be.closeTo(3 - d, 1e-6);
    expect(w.buffer()[1]).to.be.closeTo(4 - d, 1e-6);
  });

  it('adamax, lion, lamb: several steps with weight decay match their reference formulas (no traces cover them)', () => {
    const theta0 = [0.5, -1.5, 2], grad = (th: number[], t: number) => th.map((v, i) => 2 * v + Math.sin(t + i)); // a noisy quadratic
    const run = (name: string, options: Record<string, unknown>) => {
      const w = f64(theta0);
      const opt = createOptimizer(name, [w], options);
      for (let t = 1; t <= 6; t++) opt.stepWithGrads([Float64Array.from(grad(Array.from(w.buffer()), t))]);
      return Array.from(w.buffer());
    };
    // torch.optim.Adamax: L2 into g, u = max(β₂u, |g| + ε), θ -= lr/(1−β₁ᵗ)·m/u
    let th = theta0.slice(), m = [0, 0, 0], u = [0, 0, 0];
    for (let t = 1; t <= 6; t++) {
      const g = grad(th, t).map((v, i) => v + 0.1 * th[i]!);
      m = m.map((mi, i) => 0.9 * mi + 0.1 * g[i]!);
      u = u.map((ui, i) => Math.max(0.999 * ui, Math.abs(g[i]!) + 1e-8));
      th = th.map((v, i) => v - (0.05 / (1 - 0.9 ** t)) * m[i]! / u[i]!);
    }
    run('adamax', { lr: 0.05, weightDecay: 0.1 }).forEach((v, i) => expect(v).to.be.closeTo(th[i]!, 1e-12));
    // Lion (Chen et al. 2023, Alg. 2): θ -= lr·(sign(β₁m + (1−β₁)g) + λθ); m = β₂m + (1−β₂)g
    th = theta0.slice(); m = [0, 0, 0];
    for (let t = 1; t <= 6; t++) {
      const g = grad(th, t);
      const c = m.map((mi, i) => 0.9 * mi + 0.1 * g[i]!);
      th = th.map((v, i) => v - 0.01 * (Math.sign(c[i]!) + 0.5 * v));
      m = m.map((mi, i) => 0.99 * mi + 0.01 * g[i]!);
    }
    run('lion', { lr: 0.01, weightDecay: 0.5 }).forEach((v, i) => expect(v).to.be.closeTo(th[i]!, 1e-12));
    // LAMB (You et al. 2020, Alg. 2, φ = identity): r = m̂/(√v̂ + ε) + λθ; θ -= lr·‖θ‖/‖r‖·r
    th = theta0.slice(); m = [0, 0, 0]; let v2 = [0, 0, 0];
    for (let t = 1; t <= 6; t++) {
      const g = grad(th, t);
      m = m.map((mi, i) => 0.9 * mi + 0.1 * g[i]!);
      v2 = v2.map((vi, i) => 0.999 * vi + 0.001 * g[i]! * g[i]!);
      const r = m.map((mi, i) => (mi / (1 - 0.9 ** t)) / (Math.sqrt(v2[i]! / (1 - 0.999 ** t)) + 1e-6) + 0.01 * th[i]!);
      const ratio = Math.hypot(...th) / Math.hypot(...r);
      th = th.map((v, i) => v - 0.02 * ratio * r[i]!);
    }
    run('lamb', { lr: 0.02, weightDecay: 0.01 }).forEach((v, i) => expect(v).to.be.closeTo(th[i]!, 1e-12));
  });

  it('lookahead: k fast steps, then θ ← φ + α(θ − φ)', () => {
    const w = f64([0]);
    const opt = createOptimizer('lookahead', [w], { inner: { name: 'sgd', options: { lr: 1 } }, k: 2, alpha: 0.5 });
    opt.stepWithGrads([Float64Array.of(1)]); // fast −1
    expect(w.buffer()[0]).to.equal(-1);
    opt.stepWithGrads([Float64Array.of(1)]); // fast −2, sync: φ = 0 + 0.5·(−2 − 0) = −1
    expect(w.buffer()[0]).to.equal(-1);
    opt.stepWithGrads([Float64Array.of(1)]); // fast −2
    opt.stepWithGrads([Float64Array.of(1)]); // fast −3, sync: φ = −1 + 0.5·(−3 + 1) = −2
    expect(w.buffer()[0]).to.equal(-2);
  });

  it('lookahead: the lr passed at each step drives the inner optimizer; lr defaults to the inner lr', () => {
    const w = f64([0]);
    const opt = createOptimizer('lookahead', [w], { inner: { name: 'sgd', options: { lr: 0.25 } }, k: 10 });
    expect(opt.baseLrs).to.deep.equal([0.25]);
    opt.stepWithGrads([Float64Array.of(1)]);
    expect(w.buffer()[0]).to.equal(-0.25);
    opt.stepWithGrads([Float64Array.of(1)], 0.5);
    expect(w.buffer()[0]).to.equal(-0.75);
  });

  it('rmsprop initFromGrad starts v at g₀² (the lecture), PyTorch starts at 0', () => {
    const a = f64([0]), b = f64([0]);
    createOptimizer('rmsprop', [a], { lr: 0.1, initFromGrad: true }).stepWithGrads([Float64Array.of(2)]);
    createOptimizer('rmsprop', [b], { lr: 0.1 }).stepWithGrads([Float64Array.of(2)]);
    expect(a.buffer()[0]).to.be.closeTo(-0.1, 1e-9); // g/√(g²)
    expect(b.buffer()[0]).to.be.closeTo(-0.1 / Math.sqrt(0.01), 1e-7); // g/√(0.01 g²)
  });

  it('adabound: the bounds follow lr / base lr when a scheduler changes the lr', () => {
    // With a huge finalLr window collapsed (gamma → large t), the step is clipped to finalLr·lr/baseLr.
    const w = f64([0]);
    const opt = createOptimizer('adabound', [w], { lr: 0.1, finalLr: 0.2, gamma: 0.999 });
    for (let i = 0; i < 3; i++) opt.stepWithGrads([Float64Array.of(1e-3)]);
    const before = w.buffer()[0]!;
    opt.stepWithGrads([Float64Array.of(1e-3)], 0.05); // bounds are now around 0.2·0.05/0.1 = 0.1
    const step = before - w.buffer()[0]!;
    expect(step).to.be.lessThan(0.1 * 1.3 * 1e-3 * 1.01);
  });
});

describe('optimizers: Optimizer', () => {
  it('step() reads .grad; zeroGrad() clears it', () => {
    const w = f64([1, 2]).requireGrad();
    const opt = createOptimizer('sgd', [w], { lr: 0.5 });
    w.grad = f64([1, 1]);
    opt.step();
    expect(Array.from(w.buffer())).to.deep.equal([0.5, 1.5]);
    expect(opt.stepCount).to.equal(1);
    opt.zeroGrad();
    expect(w.grad).to.equal(null);
  });

  it('the lr passed to step() takes effect at once (one number, or one per group)', () => {
    const w = f64([0]);
    const opt = createOptimizer('sgdm', [w], { lr: 0.1 });
    opt.stepWithGrads([Float64Array.of(1)], 0.1); // b = 1
    opt.stepWithGrads([Float64Array.of(1)], 0);   // lr 0: no move, b = 1.9
    expect(w.buffer()[0]).to.be.closeTo(-0.1, 1e-15);
    opt.stepWithGrads([Float64Array.of(1)], 1);   // b = 2.71
    expect(w.buffer()[0]).to.be.closeTo(-0.1 - 2.71, 1e-12);
    const a = f64([0]), b = f64([0]);
    const two = createOptimizer('sgd', [{ params: [a] }, { params: [b] }], { lr: 1 });
    two.stepWithGrads([Float64Array.of(1), Float64Array.of(1)], [0.1, 0.3]);
    expect([a.buffer()[0], b.buffer()[0]]).to.deep.equal([-0.1, -0.3]);
    expect(() => two.step(-1)).to.throw(ValueError, /lr must be a finite number ≥ 0, but got -1/);
    expect(() => two.stepWithGrads([Float64Array.of(1), Float64Array.of(1)], [0.1])).to.throw(ValueError, /one number per parameter group \(2\)/);
  });

  it('adam with lr changed mid-run equals PyTorch-style lr outside the moments', () => {
    const a = f64([1, -1]), b = f64([1, -1]);
    const oa = createOptimizer('adam', [a], { lr: 0.1 });
    const ob = createOptimizer('adam', [b], { lr: 0.1 });
    for (let t = 0; t < 3; t++) { oa.stepWithGrads(quadGrads([a])); ob.stepWithGrads(quadGrads([b])); }
    const before = Array.from(a.buffer());
    oa.stepWithGrads(quadGrads([a]), 0.05);
    ob.stepWithGrads(quadGrads([b]), 0.1);
    // the same moments, so the deltas scale with the lr exactly
    a.buffer().forEach((x, i) => expect((x - before[i]!) * 2).to.be.closeTo(b.buffer()[i]! - before[i]!, 1e-15));
  });

  it('parameter groups: per-group options equal separate optimizers', () => {
    const [w1, w2, b1] = [f64([1, 2, 3]), f64([-1, 0.5]), f64([0.3])];
    const [v1, v2, c1] = [f64([1, 2, 3]), f64([-1, 0.5]), f64([0.3])];
    const grouped = createOptimizer('adamw', [
      { params: [w1, w2], options: { lr: 0.01 } },
      { params: [b1], options: { weightDecay: 0 } },
    ], { lr: 0.1, weightDecay: 0.1 });
    const sepA = createOptimizer('adamw', [v1, v2], { lr: 0.01, weightDecay: 0.1 });
    const sepB = createOptimizer('adamw', [c1], { lr: 0.1, weightDecay: 0 });
    expect(grouped.groups.map((g) => [g.options.lr, (g.options as unknown as { weightDecay: number }).weightDecay])).to.deep.equal([[0.01, 0.1], [0.1, 0]]);
    for (let t = 0; t < 5; t++) {
      const g = quadGrads([w1, w2, b1]);
      grouped.stepWithGrads(g);
      sepA.stepWithGrads(g.slice(0, 2));
      sepB.stepWithGrads(g.slice(2));
    }
    expect(bits([w1, w2, b1])).to.deep.equal(bits([v1, v2, c1]));
    expect(grouped.params).to.deep.equal([w1, w2, b1]);
  });

  it('state round trip mid-run (through JSON) gives bit-identical trajectories, for every optimizer', () => {
    for (const name of ALL) {
      const make = () => [f64([0.5, -1.5, 2, 0.1], [2, 2]), f64([3, -0.2])];
      const a = make(), b = make();
      const opts = name === 'lookahead' ? { inner: { name: 'adam', options: { lr: 0.05 } }, k: 3 } : { lr: 0.01 };
      const oa = createOptimizer(name, a, opts);
      for (let t = 0; t < 4; t++) oa.stepWithGrads(quadGrads(a), 0.01 * (t + 1));
      const saved = JSON.stringify(oa.state());
      b.forEach((p, j) => p.assign(a[j]!.buffer()));
      const ob = createOptimizer(name, b, opts);
      ob.loadState(JSON.parse(saved));
      expect(ob.stepCount, name).to.equal(4);
      for (let t = 4; t < 9; t++) {
        oa.stepWithGrads(quadGrads(a), 0.01 * (t + 1));
        ob.stepWithGrads(quadGrads(b), 0.01 * (t + 1));
        expect(bits(b), `${name} step ${t + 1}`).to.deep.equal(bits(a));
      }
      expect(JSON.stringify(ob.state()), name).to.equal(JSON.stringify(oa.state()));
    }
  });

  it('state() encodes typed arrays exactly (base64 + dtype) and is a copy', () => {
    const w = tensor(Float32Array.of(1, 2), { dtype: 'float32' });
    const opt = createOptimizer('adam', [w], { lr: 0.1 });
    opt.stepWithGrads([Float32Array.of(0.1, -0.2)]);
    const s = opt.state();
    const m = (s.groups[0]!.state as { adam: { m: { $typed: string; length: number; base64: string }[] } }).adam.m[0]!;
    expect(m.$typed).to.equal('float32');
    expect(m.length).to.equal(2);
    expect(s.step).to.equal(1);
    expect(s.optimizer).to.equal('adam');
    opt.stepWithGrads([Float32Array.of(0.1, -0.2)]);
    expect(s.step).to.equal(1);
  });

  it('loadState validates everything before changing anything', () => {
    const w = f64([1, 2]);
    const opt = createOptimizer('adam', [w], { lr: 0.1 });
    opt.stepWithGrads([Float64Array.of(1, 1)]);
    const good = opt.state();
    const before = JSON.stringify(good);
    const clone = () => JSON.parse(before) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    const cases: [string, (s: Record<string, any>) => unknown, RegExp][] = [ // eslint-disable-line @typescript-eslint/no-explicit-any
      ['not an object', () => 42, /expected a saved optimizer state object/],
      ['wrong format', (s) => ({ ...s, format: 'x' }), /format 'descent.optimizer\/1'/],
      ['other optimizer', (s) => ({ ...s, optimizer: 'sgd' }), /saved by optimizer 'sgd', not 'adam'/],
      ['bad step', (s) => ({ ...s, step: -1 }), /'step' must be a non-negative integer/],
      ['group count', (s) => ({ ...s, groups: [] }), /expected 1 parameter group\(s\), but got 0/],
      ['param shape', (s) => { s.groups[0].params[0].shape = [3]; return s; }, /parameter 0 is float64 \[2\], but the state has float64 \[3\]/],
      ['param dtype', (s) => { s.groups[0].params[0].dtype = 'float32'; return s; }, /but the state has float32/],
      ['missing key', (s) => { delete s.groups[0].state.adam.v; return s; }, /groups\[0\]\.state\.adam: expected keys \[m, v\]/],
      ['wrong length', (s) => { s.groups[0].state.adam.m[0].length = 3; return s; }, /expected 24 bytes/],
      ['wrong dtype', (s) => { s.groups[0].state.adam.m[0] = { $typed: 'float32', length: 2, base64: 'AAAAAAAAAAA=' }; return s; }, /state\.adam\.m\[0\]: expected float64\[2\], but got float32\[2\]/],
      ['bad base64', (s) => { s.groups[0].state.adam.m[0].base64 = '***'; return s; }, /not valid base64/],
    ];
    for (const [what, mutate, re] of cases) {
      expect(() => opt.loadState(mutate(clone())), what).to.throw(StateError, re);
      expect(JSON.stringify(opt.state()), what).to.equal(before);
    }
    expect(opt.stepCount).to.equal(1);
  });

  it('a failed step changes neither parameters nor state', () => {
    const w1 = f64([1, 2]).requireGrad(), w2 = f64([3]).requireGrad();
    const opt = createOptimizer('adam', [{ params: [w1] }, { params: [w2] }], { lr: 0.1 });
    opt.stepWithGrads([Float64Array.of(1, 1), Float64Array.of(1)]);
    const state = JSON.stringify(opt.state());
    const params = bits([w1, w2]);
    w1.grad = f64([1, 1]);
    expect(() => opt.step(), 'missing grad').to.throw(ValueError, /parameter 1 \(shape \[1\]\) has no gradient/);
    w2.grad = f64([1, 1]);
    expect(() => opt.step(), 'wrong shape').to.throw(ShapeError, /gradient of parameter 1 has shape \[2\], but the parameter has shape \[1\]/);
    w2.grad = tensor(Float32Array.of(1), { dtype: 'float32' });
    expect(() => opt.step(), 'wrong dtype').to.throw(DTypeError, /dtype float32, but the parameter has dtype float64/);
    expect(() => opt.stepWithGrads([Float64Array.of(1, 1)]), 'count').to.throw(ValueError, /one gradient per parameter \(2\), but got 1/);
    expect(() => opt.stepWithGrads([Float64Array.of(1, 1), Float64Array.of(1, 2)]), 'length').to.throw(ShapeError, /must have 1 values/);
    expect(() => opt.stepWithGrads([Float64Array.of(1, 1), Float32Array.of(1)]), 'array dtype').to.throw(DTypeError, /dtype float64, but got float32/);
    expect(bits([w1, w2])).to.deep.equal(params);
    expect(JSON.stringify(opt.state())).to.equal(state);
    expect(opt.stepCount).to.equal(1);
  });

  it('a plugin returning bad updates changes no parameter', () => {
    const bad: OptimizerPlugin<{ lr: number }, object> = {
      name: 'bad-updates', defaults: { lr: 0.1 }, init: () => ({}),
      update: (grads, state) => ({ updates: grads.map(() => new Float64Array(7)), state }),
    };
    const w = f64([1, 2]);
    const opt = createOptimizer(bad, [w]);
    expect(() => opt.stepWithGrads([Float64Array.of(1, 1)])).to.throw(ShapeError, /plugin 'bad-updates' returned a bad result.*must have 2 values/);
    expect(Array.from(w.buffer())).to.deep.equal([1, 2]);
    expect(opt.stepCount).to.equal(0);
  });

  it('float32 parameters get float32 updates and state', () => {
    const w = tensor(Float32Array.of(1, 2, 3), { shape: [3], dtype: 'float32' });
    const opt = createOptimizer('adam', [w], { lr: 0.1 });
    opt.stepWithGrads([w.grad = tensor(Float32Array.of(1, 1, 1), { dtype: 'float32' })].map((g) => g.buffer()));
    expect(w.dtype).to.equal('float32');
    expect(w.buffer()).to.be.instanceOf(Float32Array);
    expect(opt.state().groups[0]!.params[0]).to.deep.equal({ shape: [3], dtype: 'float32' });
  });
});

describe('optimizers: applyUpdates and option resolution', () => {
  it('applyUpdates adds in place and checks shapes and dtypes first', () => {
    const a = f64([1, 2]), b = f64([3]);
    applyUpdates([a, b], [Float64Array.of(0.5, -0.5), Float64Array.of(1)]);
    expect(bits([a, b])).to.deep.equal([[1.5, 1.5], [4]]);
    expect(() => applyUpdates([a, b], [Float64Array.of(1, 1), Float64Array.of(1, 1)])).to.throw(ShapeError);
    expect(() => applyUpdates([a], [Float32Array.of(1, 1)])).to.throw(DTypeError);
    expect(bits([a, b])).to.deep.equal([[1.5, 1.5], [4]]);
  });

  it('group options resolve from defaults ← optimizer options ← group options', () => {
    const o = resolveOptimizerOptions(adam, { lr: 0.5 });
    expect(o).to.deep.equal({ lr: 0.5, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false });
  });

  it('optimizers can be created with a plugin object (not registered)', () => {
    const sign: OptimizerPlugin<{ lr: number }, object> = {
      name: 'unregistered-sign', defaults: { lr: 0.1 }, init: () => ({}),
      update: (grads, state, _p, ctx) => ({ updates: grads.map((g) => g.map((x) => -ctx.lr * Math.sign(x))), state }),
    };
    const w = f64([0, 0]);
    new Optimizer(sign, [w]).stepWithGrads([Float64Array.of(3, -3)]);
    expect(Array.from(w.buffer())).to.deep.equal([-0.1, 0.1]);
  });
});
