// Correctness of the CPU backend's WebAssembly SIMD kernels against the pure-TS reference kernels:
// every transposition, odd sizes around the micro-tile and block edges, float32 and float64.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { cpuBackend, matmul, randn, Rng, type Tensor } from '@descent/tensor';

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
      const rng = new Rng(19);
      for (const [M, K, N] of sizes) for (const tA of [false, true]) for (const tB of [false, true]) for (const batch of [0, 2]) {
        const shapeA = tA ? [K, M] : [M, K], shapeB = tB ? [N, K] : [K, N];
        const a = randn(batch ? [batch, ...shapeA] : shapeA, rng, { dtype });
        const b = randn(batch ? [batch, ...shapeB] : shapeB, rng, { dtype });
        const f = () => matmul(a, b, { transposeA: tA, transposeB: tB });
        const label = `${dtype} ${M}×${K}×${N} tA=${tA} tB=${tB} batch=${batch}`;
        const wasm = withKernel('wasm', f), js = withKernel('js', f);
        if (dtype === 'float64') expect(Array.from(wasm), label).to.deep.equal(Array.from(js));
        else expectClose32(wasm, js, K, label);
      }
    });
  }

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
});
