// The CPU sum and broadcast kernels' fast paths (leading, trailing, around a kept block, permuted;
// fill and row-wise broadcast) against a direct loop over every element.
import { expect } from 'chai';
import * as T from '@descent/tensor';
import { Rng } from '@descent/tensor';

const strides = (shape: number[]) => shape.map((_, i) => shape.slice(i + 1).reduce((p, d) => p * d, 1));
const unravel = (i: number, shape: number[]) => strides(shape).map((s, ax) => Math.floor(i / s) % shape[ax]!);

describe('CPU sum and broadcastTo against direct loops', () => {
  const shape = [3, 4, 2, 5];
  const axesList = [[0], [3], [0, 1], [2, 3], [0, 2, 3], [0, 3], [1, 2], [0, 1, 3], [1], [0, 1, 2, 3]];
  for (const dtype of ['float32', 'float64'] as const) {
    for (const axes of axesList) {
      it(`sum over [${axes}] of [${shape}] (${dtype})`, () => {
        const x = T.uniform(shape, -1, 1, new Rng(axes.length * 7 + axes[0]!), { dtype });
        const xv = x.data();
        const kept = shape.map((_, i) => i).filter((i) => !axes.includes(i));
        const outShape = kept.map((i) => shape[i]!);
        const want = new Float64Array(outShape.reduce((p, d) => p * d, 1));
        for (let i = 0; i < xv.length; i++) {
          const idx = unravel(i, shape);
          let o = 0;
          kept.forEach((ax, k) => { o = o * outShape[k]! + idx[ax]!; });
          want[o] += xv[i]!;
        }
        const got = T.sum(x, axes).data();
        want.forEach((v, i) => expect(got[i]).to.be.closeTo(v, dtype === 'float32' ? 1e-5 : 1e-12));
      });
    }
  }

  const broadcasts: Array<[number[], number[]]> = [[[1], [3, 4]], [[4, 1], [2, 4, 3]], [[1, 3, 1, 1], [2, 3, 2, 2]], [[2, 1, 3], [2, 4, 3]], [[5], [2, 5]], [[3, 1], [3, 1]]];
  for (const [from, to] of broadcasts) {
    it(`broadcastTo [${from}] → [${to}]`, () => {
      const x = T.uniform(from, -1, 1, new Rng(from.length + to.length), { dtype: 'float64' });
      const xv = x.data(), lead = to.length - from.length;
      const got = T.broadcastTo(x, to).data();
      for (let i = 0; i < got.length; i++) {
        const idx = unravel(i, to).slice(lead).map((v, ax) => (from[ax] === 1 ? 0 : v));
        const src = idx.reduce((p, v, ax) => p * from[ax]! + v, 0);
        expect(got[i]).to.equal(xv[src]);
      }
    });
  }
});
