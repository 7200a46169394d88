// The SIMD matmul over the tensor heap (issue 19): where the heap is a shared memory, a product's
// operands that lie in the heap are read in place, a C there with whole tiles is written in place,
// and the staging copies are wasm memory.copy; on one thread and on worker threads. Every result must
// be bit for bit the one from ordinary arrays (the kernel's own memory). No timing here.
import { expect } from 'chai';
import { cpuBackend, Rng } from '@descent/tensor';
import { gemm } from '../../packages/tensor/src/backends/cpu/matmul.js';
import { heapAllocate, heapBlockOf, heapFree, heapMemory, heapStats } from '../../packages/tensor/src/heap.js';

type Floats = Float32Array | Float64Array;

function randomArray(dtype: 'float32' | 'float64', n: number, rng: Rng): Floats {
  const a = dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.uniform() * 2 - 1;
  return a;
}

/** `values` copied into a heap block at element `off` (the elements before it hold NaN, so a read
 * at a wrong offset shows). */
function inHeap(values: Floats, off: number): Floats {
  const dtype = values instanceof Float32Array ? 'float32' : 'float64';
  const h = heapAllocate(dtype, off + values.length + 16, false)! as Floats;
  h.fill(Number.NaN);
  h.set(values, off);
  return h;
}

function expectSameBits(got: ArrayLike<number>, want: ArrayLike<number>, label: string): void {
  expect(got.length, label).to.equal(want.length);
  for (let i = 0; i < want.length; i++) if (!Object.is(got[i], want[i])) expect.fail(`${label} at ${i}: heap ${got[i]} ordinary ${want[i]}`);
}

describe('CPU matmul over the tensor heap', function () {
  this.timeout(120000);
  let kernel: ReturnType<typeof cpuBackend.setMatmulKernel>;
  before(function () {
    if (heapMemory() === null || !heapStats().shared) this.skip(); // no shared heap in this runtime: the kernel's own memory is the only path
    kernel = cpuBackend.setMatmulKernel('wasm');
  });
  after(() => {
    if (kernel !== undefined) cpuBackend.setMatmulKernel(kernel);
    cpuBackend.setMatmulThreads(cpuBackend.setMatmulThreads(1));
  });

  // whole tiles (C written in place) and ragged ones (C staged), K past the K block of 256
  const sizes: Array<[number, number, number]> = [[64, 64, 64], [8, 300, 16], [5, 17, 9], [13, 257, 31], [64, 288, 196], [131, 70, 519]];
  for (const dtype of ['float32', 'float64'] as const) {
    for (const threads of [1, 2]) {
      it(`${dtype}, ${threads} thread${threads > 1 ? 's' : ''}: operands in the heap at offsets, C fresh or accumulated, every transposition: the ordinary arrays' bits`, () => {
        const rng = new Rng(7);
        const previous = cpuBackend.setMatmulThreads(threads, 0);
        try {
          for (const [M, K, N] of sizes) for (const transA of [false, true]) for (const transB of [false, true]) for (const accumulate of [false, true]) {
            const label = `${dtype} ${M}×${K}×${N} tA=${transA} tB=${transB} accumulate=${accumulate} threads=${threads}`;
            const a = randomArray(dtype, M * K, rng), b = randomArray(dtype, K * N, rng);
            const c0 = accumulate ? randomArray(dtype, M * N, rng) : (dtype === 'float32' ? new Float32Array(M * N) : new Float64Array(M * N));
            const want = c0.slice();
            cpuBackend.setMatmulThreads(1);
            gemm(a, 0, b, 0, want, 0, M, N, K, transA, transB, !accumulate);
            cpuBackend.setMatmulThreads(threads, 0);
            const [offA, offB, offC] = [3, 0, 5];
            const ha = inHeap(a, offA), hb = inHeap(b, offB), hc = inHeap(c0, offC);
            try {
              gemm(ha, offA, hb, offB, hc, offC, M, N, K, transA, transB, !accumulate);
              expectSameBits(hc.subarray(offC, offC + M * N), want, label);
              for (let i = 0; i < offC; i++) expect(hc[i], `${label}: element ${i} before C`).to.be.NaN;
              for (let i = offC + M * N; i < hc.length; i++) expect(hc[i], `${label}: element ${i} after C`).to.be.NaN;
              // C in the heap, A and B ordinary arrays; and the other way round
              const hc2 = inHeap(c0, 0);
              gemm(a, 0, b, 0, hc2, 0, M, N, K, transA, transB, !accumulate);
              expectSameBits(hc2.subarray(0, M * N), want, `${label} (only C in the heap)`);
              heapFree(heapBlockOf(hc2));
              const c2 = c0.slice();
              gemm(ha, offA, hb, offB, c2, 0, M, N, K, transA, transB, !accumulate);
              expectSameBits(c2, want, `${label} (only A and B in the heap)`);
            } finally {
              for (const h of [ha, hb, hc]) heapFree(heapBlockOf(h));
            }
          }
        } finally {
          cpuBackend.setMatmulThreads(previous);
        }
      });
    }
  }

  it('gives its workspace back: no heap block is left after a product', () => {
    const rng = new Rng(8);
    const a = inHeap(randomArray('float32', 64 * 96, rng), 0), b = inHeap(randomArray('float32', 96 * 80, rng), 0);
    const c = heapAllocate('float32', 64 * 80, true)!;
    const blocks = heapStats().blocks;
    gemm(a, 0, b, 0, c, 0, 64, 80, 96, false, false, true);
    expect(heapStats().blocks).to.equal(blocks);
    for (const h of [a, b, c]) heapFree(heapBlockOf(h));
  });
});
