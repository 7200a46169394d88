// Test helpers of the layers package (not a spec file).
import { expect } from 'chai';
import { noGrad, tensor, type Tensor, type TypedArray } from '@descent/tensor';

/** The raw bytes of a typed array, for bit-for-bit comparisons. */
export function bytesOf(values: TypedArray): number[] {
  return Array.from(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
}

/** Expect two tensors to hold the same shape, dtype and bits. */
export function expectSameBits(actual: Tensor, expected: Tensor): void {
  expect(actual.dtype).to.equal(expected.dtype);
  expect(actual.shape).to.deep.equal(expected.shape);
  expect(bytesOf(actual.buffer())).to.deep.equal(bytesOf(expected.buffer()));
}

/** Expect every value within `tol` (absolute + relative). */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-6): void {
  expect(actual.length, 'length').to.equal(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    expect(Math.abs(a - e) <= tol * (1 + Math.abs(e)), `[${i}]: expected ${e}, got ${a}`).to.equal(true);
  }
}

/** Central finite differences of a scalar function of `x` (float64), as a flat array. */
export function numericGrad(f: (x: Tensor) => Tensor, x: Tensor, h = 1e-6): Float64Array {
  const base = Float64Array.from(x.buffer());
  const out = new Float64Array(base.length);
  noGrad(() => {
    for (let i = 0; i < base.length; i++) {
      const plus = base.slice(); plus[i] += h;
      const minus = base.slice(); minus[i] -= h;
      const fp = f(tensor(plus, { shape: x.shape, dtype: 'float64' })).item();
      const fm = f(tensor(minus, { shape: x.shape, dtype: 'float64' })).item();
      out[i] = (fp - fm) / (2 * h);
    }
  });
  return out;
}
