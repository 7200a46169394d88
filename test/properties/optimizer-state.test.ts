// Property: for every registered optimizer, saving its state (through JSON) and loading it back —
// into itself or into a fresh optimizer over a copy of the parameters — and then stepping gives the
// same parameters and state, bit for bit, as stepping without the round trip. Random parameter
// shapes and dtypes, gradient histories, learning rates and save points.
// (packages/optim/test/optimizers.test.ts checks one fixed trajectory per optimizer; this varies them.)
import { expect } from 'chai';
import fc from 'fast-check';
import { tensor, type Tensor } from '@descent/tensor';
import { Optimizer, optimizers } from '@descent/optim';

const shape = fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 0, maxLength: 2 });
const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
const value = fc.double({ min: -3, max: 3, noNaN: true, noDefaultInfinity: true });

/** A problem: parameter shapes and initial values, a dtype, gradients for every step, an lr per step, a save point. */
const problem = fc.record({
  dtype: fc.constantFrom('float32' as const, 'float64' as const),
  shapes: fc.array(shape, { minLength: 1, maxLength: 3 }),
  steps: fc.integer({ min: 1, max: 6 }),
  seed: fc.integer(),
}).chain((p) => fc.record({
  dtype: fc.constant(p.dtype),
  shapes: fc.constant(p.shapes),
  init: fc.tuple(...p.shapes.map((s) => fc.array(value, { minLength: size(s), maxLength: size(s) }))),
  grads: fc.array(fc.tuple(...p.shapes.map((s) => fc.array(value, { minLength: size(s), maxLength: size(s) }))), { minLength: p.steps, maxLength: p.steps }),
  lrs: fc.array(fc.double({ min: 0, max: 0.5, noNaN: true }), { minLength: p.steps, maxLength: p.steps }),
  saveAt: fc.integer({ min: 0, max: p.steps - 1 }),
}));

const optionsFor = (name: string): Record<string, unknown> =>
  name === 'lookahead' ? { inner: { name: 'adam', options: { lr: 0.05 } }, k: 2 } : {};

const bits = (ts: Tensor[]) => ts.map((t) => Buffer.from(t.data().buffer).toString('hex'));

describe('properties: optimizer state save/load then step equals a step without it', () => {
  it('covers every registered optimizer', () => {
    expect(optimizers.names().length).to.be.at.least(16);
  });

  for (const name of optimizers.names()) {
    it(name, () => {
      fc.assert(fc.property(problem, (p) => {
        const make = () => p.shapes.map((s, j) => tensor(Float64Array.from(p.init[j]!), { shape: s, dtype: p.dtype }).requireGrad());
        const [plain, reloaded, fresh] = [make(), make(), make()];
        const a = new Optimizer(name, plain, optionsFor(name));
        const b = new Optimizer(name, reloaded, optionsFor(name));
        let c: Optimizer | null = null;
        const gradsAt = (t: number) => p.grads[t]!.map((g) => (p.dtype === 'float32' ? Float32Array.from(g) : Float64Array.from(g)));
        // A closure optimizer (L-BFGS, SAM) steps on ½‖θ‖² + gₜ·θ, whose gradient θ + gₜ it re-evaluates.
        const stepAt = (o: Optimizer, t: number) => {
          if (!o.plugin.needsClosure) return o.stepWithGrads(gradsAt(t), p.lrs[t]);
          o.stepWithClosure(() => {
            let loss = 0;
            const grads = o.params.map((x, j) => gradsAt(t)[j]!.map((g, i) => { const th = x.buffer()[i]!; loss += 0.5 * th * th + g * th; return th + g; }));
            return { loss, grads };
          }, p.lrs[t]);
        };
        for (let t = 0; t < p.grads.length; t++) {
          if (t === p.saveAt) {
            const saved = JSON.stringify(b.state());
            b.loadState(JSON.parse(saved));
            fresh.forEach((f, j) => f.assign(reloaded[j]!));
            c = new Optimizer(name, fresh, optionsFor(name));
            c.loadState(JSON.parse(saved));
          }
          for (const o of c ? [a, b, c] : [a, b]) stepAt(o, t);
          expect(bits(reloaded), `step ${t + 1}: reloaded in place`).to.deep.equal(bits(plain));
          if (c) expect(bits(fresh), `step ${t + 1}: loaded into a fresh optimizer`).to.deep.equal(bits(plain));
        }
        const state = JSON.stringify(a.state());
        expect(JSON.stringify(b.state())).to.equal(state);
        expect(JSON.stringify(c!.state())).to.equal(state);
      }), { numRuns: 25 });
    });
  }
});
