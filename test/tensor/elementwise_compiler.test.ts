// The one elementwise SIMD compiler (packages/tensor/src/backends/cpu/wasm/elementwise_simd.ts) in
// its three lane layouts: every operation against the scalar JS operation, bit for bit (NaN as NaN),
// at lengths around the vector width and the chunk size, special values included.
import { expect } from 'chai';
import { exp, tensor } from '@descent/tensor';
import { compileKernel, type KernelExpr, type KernelLanes } from '../../packages/tensor/src/backends/cpu/wasm/elementwise_simd.js';
import { specialValues } from '../helpers/special_values.js';

const A: KernelExpr = { op: 'array', index: 0 }, B: KernelExpr = { op: 'array', index: 1 };

const binary: Record<string, (a: number, b: number) => number> = {
  add: (a, b) => a + b, sub: (a, b) => a - b, mul: (a, b) => a * b, div: (a, b) => a / b, min: Math.min, max: Math.max,
};
const unary: Record<string, (a: number) => number> = {
  neg: (a) => -a, abs: Math.abs, sqrt: Math.sqrt, relu: (a) => (a <= 0 ? 0 : a),
};

const operands = (n: number, f32: boolean, seed: number) => specialValues(n, f32, seed);

function expectSame(got: ArrayLike<number>, want: ArrayLike<number>, label: string): void {
  for (let i = 0; i < want.length; i++) if (!Object.is(got[i], want[i])) expect.fail(`${label} at ${i}: got ${got[i]}, want ${want[i]}`);
}

describe('elementwise SIMD compiler: lane layouts', () => {
  for (const lanes of ['f32x4', 'f64x2', 'f32-as-f64'] as KernelLanes[]) {
    const f32 = lanes !== 'f64x2';
    it(`${lanes}: binary and unary operations equal the scalar JS operation bit for bit`, () => {
      for (const n of [1, 3, 5, 17, 63, 16384, 16384 + 37]) {
        const a = operands(n, f32, 7 + n), b = operands(n, f32, 11 + n);
        const round = (x: number) => (f32 ? Math.fround(x) : x);
        for (const [op, js] of Object.entries(binary)) {
          const kernel = compileKernel({ arrays: 3, scalars: 0, temps: 0, statements: [{ target: 'array', index: 2, expr: { op: op as 'add', a: A, b: B } }] }, lanes);
          expect(kernel, `${lanes} ${op}`).to.not.equal(null);
          const out = f32 ? new Float32Array(n).fill(5) : new Float64Array(n).fill(5);
          kernel!([a, b, out], []);
          expectSame(out, Array.from(a, (x, i) => round(js(x, b[i]!))), `${lanes} ${op} n=${n}`);
        }
        for (const [op, js] of Object.entries(unary)) {
          const kernel = compileKernel({ arrays: 2, scalars: 0, temps: 0, statements: [{ target: 'array', index: 1, expr: { op: op as 'neg', a: A } }] }, lanes);
          const out = f32 ? new Float32Array(n) : new Float64Array(n);
          kernel!([a, out], []);
          expectSame(out, Array.from(a, (x) => round(js(x))), `${lanes} ${op} n=${n}`);
        }
      }
    });
  }

  it('copies in only the arrays a program reads: an output-only array never leaks a previous call', () => {
    const kernel = compileKernel({ arrays: 3, scalars: 0, temps: 0, statements: [{ target: 'array', index: 2, expr: { op: 'add', a: A, b: B } }] }, 'f32x4')!;
    const n = 16384 + 3;
    const a = operands(n, true, 1), b = operands(n, true, 2), out = new Float32Array(n);
    kernel([a, b, out], []);
    const a2 = operands(n, true, 3), out2 = new Float32Array(n);
    kernel([a2, b, out2], []);
    expectSame(out2, Array.from(a2, (x, i) => Math.fround(x + b[i]!)), 'second call');
  });

  it('scalars and literals reach every lane (float32 lanes round them to float32)', () => {
    const prog = { arrays: 2, scalars: 1, temps: 0, statements: [{ target: 'array' as const, index: 1, expr: { op: 'mul' as const, a: A, b: { op: 'add' as const, a: { op: 'scalar' as const, index: 0 }, b: { op: 'num' as const, value: 0.5 } } } }] };
    const a = operands(9, false, 4);
    const out64 = new Float64Array(9);
    compileKernel(prog, 'f64x2')!([a, out64], [0.25]);
    expectSame(out64, Array.from(a, (x) => x * 0.75), 'f64x2');
    const a32 = Float32Array.from(a), out32 = new Float32Array(9);
    compileKernel(prog, 'f32x4')!([a32, out32], [0.1]);
    expectSame(out32, Array.from(a32, (x) => Math.fround(x * Math.fround(Math.fround(0.1) + 0.5))), 'f32x4');
  });

  it('exp of float32 (float64 polynomial, f32-as-f64 lanes) is within 1 ulp of Math.fround(Math.exp(x)), over/underflow and specials included', () => {
    const kernel = compileKernel({ arrays: 2, scalars: 0, temps: 0, statements: [{ target: 'array', index: 1, expr: { op: 'exp', a: A } }] }, 'f32-as-f64')!;
    const n = 200_003;
    const x = new Float32Array(n);
    for (let i = 0; i < n; i++) x[i] = -110 + (200 * i) / n;
    const specials = [0, -0, NaN, Infinity, -Infinity, 88.72283, 88.7229, -87.33655, -103.97, -104, -150, 150, 1e-30, -1e-30, 3e38, -3e38, 1, -1, 0.5];
    specials.forEach((v, i) => (x[i * 7] = v));
    const out = new Float32Array(n);
    kernel([x, out], []);
    const got = new Int32Array(out.buffer), want = new Float32Array(n), wantBits = new Int32Array(want.buffer);
    let mismatches = 0;
    for (let i = 0; i < n; i++) {
      want[i] = Math.exp(x[i]!);
      if (Number.isNaN(want[i]!)) { expect(Number.isNaN(out[i]!), `exp(${x[i]})`).to.equal(true); continue; }
      const ulps = Math.abs(got[i]! - wantBits[i]!);
      if (ulps > 1) expect.fail(`exp(${x[i]}) = ${out[i]}, Math.exp gives ${want[i]} (${ulps} ulps)`);
      mismatches += ulps;
    }
    expect(mismatches, '1-ulp differences (only next to rounding midpoints)').to.be.at.most(2);
  });

  it('the Exp op: float32 tensors of ≥ 4096 elements take the SIMD loop (within 1 ulp), float64 stays Math.exp bit for bit', () => {
    const n = 5000;
    const values = Array.from({ length: n }, (_, i) => -20 + (40 * i) / n);
    const e32 = exp(tensor(values, { shape: [n] })).data();
    const e64 = exp(tensor(values, { shape: [n], dtype: 'float64' })).data();
    for (let i = 0; i < n; i++) {
      const want = Math.fround(Math.exp(Math.fround(values[i]!)));
      expect(Math.abs(e32[i]! - want), `float32 exp at ${i}`).to.be.at.most(Math.abs(want) * 2 ** -23);
      expect(e64[i], `float64 exp at ${i}`).to.equal(Math.exp(values[i]!));
    }
  });
});
