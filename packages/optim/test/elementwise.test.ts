import { expect } from 'chai';
import { ConfigError, tensor, type TypedArray } from '@descent/tensor';
import { createOptimizer, elementwiseOptimizer, zeroBuffer, type OptimizerPlugin } from '@descent/optim';
import { checkOptimizer } from '@descent/optim/testing';
import { adaBelief, type AdaBeliefOptions } from '../../../examples/plugin-package/src/adabelief.js';

/** AdaBelief written as the guide's plain `update` loop: the reference for the compiled form. */
const handWritten: OptimizerPlugin<AdaBeliefOptions, { m: TypedArray[]; s: TypedArray[] }> = {
  name: 'adabeliefloop',
  defaults: adaBelief.defaults,
  init: (params) => ({ m: params.map(zeroBuffer), s: params.map(zeroBuffer) }),
  update(grads, state, params, { lr, step, options: { betas: [b1, b2], eps } }) {
    const bc1 = 1 - b1 ** step, bc2sqrt = Math.sqrt(1 - b2 ** step);
    const updates = grads.map((g, j) => {
      const m = state.m[j]!, s = state.s[j]!, u = zeroBuffer(params[j]!);
      for (let i = 0; i < g.length; i++) {
        m[i] = b1 * m[i]! + (1 - b1) * g[i]!;
        const d = g[i]! - m[i]!;
        s[i] = b2 * s[i]! + (1 - b2) * d * d + eps;
        u[i] = -lr * (m[i]! / bc1 / (Math.sqrt(s[i]!) / bc2sqrt + eps));
      }
      return u;
    });
    return { updates, state };
  },
};

function run(plugin: OptimizerPlugin<AdaBeliefOptions, unknown>, dtype: 'float32' | 'float64', n: number): TypedArray {
  const make = (f: (i: number) => number) => (dtype === 'float32' ? Float32Array.from({ length: n }, (_, i) => f(i)) : Float64Array.from({ length: n }, (_, i) => f(i)));
  const w = tensor(make((i) => Math.sin(i)), { shape: [n], dtype });
  const opt = createOptimizer(plugin, [w], { lr: 0.01, eps: 1e-8 });
  for (let t = 0; t < 7; t++) opt.stepWithGrads([make((i) => Math.cos(i * (t + 1)) * (t % 3 === 2 ? 1e-3 : 1))]);
  return w.data();
}

describe('optimizers: elementwiseOptimizer (compiled plugin fast path)', () => {
  for (const dtype of ['float32', 'float64'] as const) {
    for (const n of [5, 3001]) {
      it(`AdaBelief compiled is bit-identical to the hand-written loop (${dtype}, ${n} elements${dtype === 'float32' && n > 1024 ? ', SIMD' : ''})`, () => {
        const a = run(adaBelief, dtype, n), b = run(handWritten, dtype, n);
        for (let i = 0; i < n; i++) if (!Object.is(a[i], b[i])) expect.fail(`element ${i}: ${a[i]} vs ${b[i]}`);
      });
    }
  }

  it('passes the conformance kit (stepDependent)', () => checkOptimizer(adaBelief, { lr: 0.01 }, { stepDependent: true, shapes: [[40, 30], [5], []] }));

  it('rejects statements that do not parse, unknown names and writes to g or p, naming the statement', () => {
    const make = (step: string) => elementwiseOptimizer({ name: 'bad', defaults: { lr: 0.1 }, state: { m: 0 }, scalars: ({ lr }) => ({ lr }), step });
    const w = () => [tensor([1, 2], { dtype: 'float64' })];
    const first = (step: string) => () => createOptimizer(make(step), w()).stepWithGrads([new Float64Array([1, 1])]);
    expect(first('m = g; u = -lr * mm')).to.throw(ConfigError, /elementwiseOptimizer\(bad\): step: unknown name 'mm'; known: g, p, state m, scalars lr .*\(in 'u = -lr \* mm'\)/);
    expect(first('g = 2 * g; u = g')).to.throw(ConfigError, /'g' is read-only/);
    expect(first('m = g')).to.throw(ConfigError, /must assign 'u'/);
    expect(first('u = -lr * exp(g)')).to.throw(ConfigError, /unknown function 'exp'/);
    expect(first('u = -lr * (g')).to.throw(ConfigError, /expected '\)'/);
  });

  it('a failed first step (bad statements) changes nothing', () => {
    const w = tensor([1, 2], { dtype: 'float64' });
    const opt = createOptimizer(elementwiseOptimizer({ name: 'bad', defaults: { lr: 0.1 }, state: {}, scalars: ({ lr }) => ({ lr }), step: 'u = lr * q' }), [w]);
    expect(() => opt.stepWithGrads([new Float64Array([1, 1])])).to.throw(ConfigError);
    expect(Array.from(w.data())).to.deep.equal([1, 2]);
  });
});
