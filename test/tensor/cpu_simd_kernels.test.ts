// Correctness of the CPU backend's WebAssembly SIMD kernels against the pure-TS reference kernels:
// every transposition, odd sizes around the micro-tile and block edges, float32 and float64.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { add, cpuBackend, matmul, mul, randn, relu, Rng, tensor, type Tensor } from '@descent/tensor';
import { forEachMatmulCase } from '../helpers/matmul_cases.js';

const here = path.dirname(fileURLToPath(import.meta.url));

function withKernel(kernel: 'js' | 'wasm', f: () => Tensor): Float32Array | Float64Array {
  const previous = cpuBackend.setMatmulKernel(kernel);
  try { return f().data() as Float32Array | Float64Array; } finally { cpuBackend.setMatmulKernel(previous); }
}

/** |wasm − js| within float32 rounding of a K-term sum of unit-scale products (the SIMD kernel sums
 * in float32, the TS kernel in float64): a few units of 2⁻²⁴ per term. */
function expectClose32(wasm: ArrayLike<number>, js: ArrayLike<number>, K: number, label: string): void {
  expect(wasm.length, label).to.equal(js.length);
  for (let i = 0; i < js.length; i++) {
    const tol = 2 ** -22 * K * (1 + Math.abs(js[i]!));
    if (!(Math.abs(wasm[i]! - js[i]!) <= tol)) expect.fail(`${label} at ${i}: wasm ${wasm[i]} js ${js[i]}`);
  }
}

describe('CPU SIMD kernels against the pure-TS reference', () => {
  // M, K, N: below, at and past the float32 tile (4×8) and float64 tile (4×4), K past KC = 256,
  // M past MC = 128, N past NC = 512
  const sizes: Array<[number, number, number]> = [[1, 1, 1], [1, 9, 1], [3, 5, 7], [4, 8, 8], [5, 17, 9], [13, 257, 31], [64, 300, 33], [131, 70, 519], [8, 513, 16]];

  for (const dtype of ['float32', 'float64'] as const) {
    it(`matmul, ${dtype}: all transpositions, odd sizes, batched — ${dtype === 'float64' ? 'bit for bit' : 'within float32 rounding'}`, () => {
      forEachMatmulCase(sizes, [0, 2], dtype, new Rng(19), (f, K, label) => {
        const wasm = withKernel('wasm', f), js = withKernel('js', f);
        if (dtype === 'float64') expect(Array.from(wasm), label).to.deep.equal(Array.from(js));
        else expectClose32(wasm, js, K, label);
      });
    });
  }

  it('float32 A·B with B read in place (unpacked) gives the bits of A·(Bᵀ)ᵀ through packed panels, ragged edges included', () => {
    const rng = new Rng(21);
    for (const [M, K, N] of sizes) {
      const a = randn([M, K], rng), bt = randn([N, K], rng);
      const b = tensor(bt.transpose().toArray() as number[][], { dtype: 'float32' });
      const unpacked = withKernel('wasm', () => matmul(a, b));
      const packed = withKernel('wasm', () => matmul(a, bt, { transposeB: true }));
      const ua = new Uint32Array(unpacked.buffer, unpacked.byteOffset, unpacked.length);
      const ub = new Uint32Array(packed.buffer, packed.byteOffset, packed.length);
      for (let i = 0; i < ua.length; i++) if (ua[i] !== ub[i]) expect.fail(`${M}×${K}·${K}×${N} at ${i}: ${unpacked[i]} vs ${packed[i]}`);
    }
  });

  it('matmul accumulates into nothing stale: the same product twice gives the same result', () => {
    const rng = new Rng(20);
    const a = randn([37, 45], rng), b = randn([45, 29], rng);
    const first = withKernel('wasm', () => matmul(a, b));
    withKernel('wasm', () => matmul(randn([64, 64], rng), randn([64, 64], rng)));
    expect(Array.from(withKernel('wasm', () => matmul(a, b)))).to.deep.equal(Array.from(first));
  });

  it('float32 matmul with relaxed-SIMD FMA (child process with --experimental-wasm-relaxed-simd) stays within float32 rounding', function () {
    this.timeout(60000);
    const r = spawnSync(process.execPath, ['--experimental-wasm-relaxed-simd', '--import', 'tsx', '--conditions=source', path.join(here, 'fixtures', 'fma_child.ts')], { encoding: 'utf8' });
    expect(r.status, r.stderr).to.equal(0);
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { fmaInUse: boolean; defaultOff: boolean; maxRelErr: number; cases: number };
    expect(out.defaultOff).to.equal(true);
    expect(out.fmaInUse).to.equal(true);
    expect(out.cases).to.be.greaterThan(0);
    expect(out.maxRelErr).to.be.below(2 ** -22);
  });

  for (const dtype of ['float32', 'float64'] as const) {
    it(`add, mul and relu, ${dtype}: the SIMD loops (≥ 4096 elements) equal the scalar operation bit for bit, special values included`, () => {
      const rng = new Rng(22);
      const round = dtype === 'float32' ? Math.fround : (x: number) => x;
      const specials = [NaN, -0, 0, Infinity, -Infinity, 1e-45, -1e-45, 3.4e38, -3.4e38, 1e-310, 5e-324];
      for (const n of [4096, 4099, 16384 + 5, 40000]) {
        const make = () => {
          const v = dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
          for (let i = 0; i < n; i++) v[i] = i < 40 ? specials[i % specials.length]! * (i % 3 === 0 ? 1 : -1) : 4 * rng.uniform() - 2;
          return v;
        };
        const a = make(), b = make().reverse();
        const A = tensor(a, { dtype }), B = tensor(b, { dtype });
        const check = (got: ArrayLike<number>, f: (i: number) => number, what: string) => {
          for (let i = 0; i < n; i++) if (!Object.is(got[i], f(i))) expect.fail(`${what} ${dtype} n=${n} at ${i}: ${got[i]} vs ${f(i)}`);
        };
        check(add(A, B).data(), (i) => round(a[i]! + b[i]!), 'add');
        check(mul(A, B).data(), (i) => round(a[i]! * b[i]!), 'mul');
        check(relu(A).data(), (i) => (a[i]! <= 0 ? 0 : a[i]!), 'relu');
      }
    });
  }
});
