// Property tests (fast-check): broadcasting shapes and gradients of add/mul/matmul.
import { expect } from 'chai';
import fc from 'fast-check';
import * as T from '@descent/tensor';
import { Rng, ShapeError } from '@descent/tensor';
import { gradcheck } from '../helpers/gradcheck.js';

const dim = fc.integer({ min: 1, max: 4 });
const shape = fc.array(dim, { minLength: 0, maxLength: 3 });

/** A shape broadcast-compatible with `s`: a suffix of it with some dims replaced by 1. */
const compatible = (s: number[]) =>
  fc.tuple(fc.integer({ min: 0, max: s.length }), fc.array(fc.boolean(), { minLength: s.length, maxLength: s.length }))
    .map(([drop, ones]) => s.slice(drop).map((d, i) => (ones[i + drop] ? 1 : d)));

describe('properties', () => {
  it('broadcasting: result shape is the elementwise max, and both operands receive gradients of their own shape', () => {
    fc.assert(fc.property(shape.chain((s) => fc.tuple(fc.constant(s), compatible(s))), fc.integer(), ([sa, sb], seed) => {
      const rng = new Rng(seed);
      const a = T.randn(sa, rng, { dtype: 'float64' });
      const b = T.randn(sb, rng, { dtype: 'float64' });
      const out = T.add(a, b);
      expect(out.shape).to.deep.equal(sa);
      expect(T.mul(b, a).shape).to.deep.equal(sa);
      const [ga, gb] = T.grads((x, y) => T.mul(x, y).sum())(a, b);
      expect(ga!.shape).to.deep.equal(sa);
      expect(gb!.shape).to.deep.equal(sb);
    }), { numRuns: 60 });
  });

  it('broadcasting rejects incompatible shapes with a ShapeError', () => {
    fc.assert(fc.property(fc.integer({ min: 2, max: 5 }), fc.integer({ min: 2, max: 5 }), (m, n) => {
      fc.pre(m !== n);
      expect(() => T.add(T.zeros([m]), T.zeros([n]))).to.throw(ShapeError);
    }), { numRuns: 20 });
  });

  it('add and mul gradients match finite differences on random broadcast shapes', () => {
    fc.assert(fc.property(shape.chain((s) => fc.tuple(fc.constant(s), compatible(s))), fc.integer(), ([sa, sb], seed) => {
      const rng = new Rng(seed);
      const a = T.randn(sa, rng, { dtype: 'float64' });
      const b = T.randn(sb, rng, { dtype: 'float64' });
      const w = T.randn(sa, rng, { dtype: 'float64' });
      const { maxError, where } = gradcheck((x, y) => T.add(T.mul(x!, y!), x!).mul(w).sum(), [a, b]);
      expect(maxError, where).to.be.below(1e-6);
    }), { numRuns: 40 });
  });

  it('matmul gradients match finite differences for random sizes and transpositions', () => {
    fc.assert(fc.property(dim, dim, dim, fc.boolean(), fc.boolean(), fc.integer(), (m, k, n, tA, tB, seed) => {
      const rng = new Rng(seed);
      const a = T.randn(tA ? [k, m] : [m, k], rng, { dtype: 'float64' });
      const b = T.randn(tB ? [n, k] : [k, n], rng, { dtype: 'float64' });
      const w = T.randn([m, n], rng, { dtype: 'float64' });
      const { maxError, where } = gradcheck((x, y) => T.matmul(x!, y!, { transposeA: tA, transposeB: tB }).mul(w).sum(), [a, b]);
      expect(maxError, where).to.be.below(1e-6);
    }), { numRuns: 40 });
  });
});
