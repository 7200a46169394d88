// Lasting heap arrays (heapAllocateLasting / allocateLasting): long-lived per-parameter data (an
// optimizer's moments) kept in the tensor heap so the elementwise kernels update it where it lies.
// They come from the top of the heap, never meet the scopes' blocks, are zeroed, are no tensor's
// storage, and are freed when garbage-collected; kernels over some arrays in the heap and some not
// give the bits of the ordinary path.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { add, allocateLasting, cpuBackend, heapStats, tensor, tidy } from '@descent/tensor';
import { heapAllocate, heapAllocateLasting, heapBlockOf, heapFree, heapWholeBlockOf } from '../../packages/tensor/src/heap.js';
import { compileKernel, type KernelExpr, type KernelLanes } from '../../packages/tensor/src/backends/cpu/wasm/elementwise_simd.js';
import { cpuThreadPool } from '../../packages/tensor/src/backends/cpu/wasm/cpu_threads.js';

function expectSameBits(got: ArrayLike<number>, want: ArrayLike<number>, label: string): void {
  expect(got.length, label).to.equal(want.length);
  for (let i = 0; i < want.length; i++) if (!Object.is(got[i], want[i])) expect.fail(`${label} at ${i}: ${got[i]} against ${want[i]}`);
}

describe('lasting arrays in the tensor heap', () => {
  it('are zeroed over old values, are no tensor\'s block, and never meet the blocks of memory scopes', () => {
    const first = heapAllocateLasting('float32', 10000)!;
    expect(first, 'the heap has room').to.not.equal(null);
    first.fill(7);
    expect(heapBlockOf(first), 'not a tensor block').to.equal(-1);
    expect(heapWholeBlockOf(first)).to.equal(first.byteOffset);
    expect(heapWholeBlockOf(first.subarray(1))).to.equal(-1);
    expect(heapStats().lastingBytes).to.be.at.least(40000);
    // scope blocks come from the bottom: filling and freeing many leaves the lasting array alone
    const a = new Float32Array(1 << 16).fill(1.5);
    tidy(() => { for (let i = 0; i < 8; i++) add(tensor(a), tensor(a)); });
    expect(first.every((v) => v === 7), 'the lasting array is untouched').to.equal(true);
    const second = allocateLasting('float32', 5000) as Float32Array;
    expect(heapWholeBlockOf(second)).to.be.at.least(0);
    expect(second.every((v) => v === 0), 'zeroed').to.equal(true);
    expect(second.byteOffset + second.byteLength <= first.byteOffset || first.byteOffset + first.byteLength <= second.byteOffset, 'disjoint').to.equal(true);
    // under HEAP_MIN_ELEMENTS: an ordinary array
    expect((allocateLasting('float64', 100) as Float64Array).buffer).to.be.instanceOf(ArrayBuffer);
  });

  it('are freed once garbage-collected; past half the heap they fall back to ordinary arrays', function () {
    this.timeout(60_000);
    const script = `
      import { allocateLasting, heapStats } from '@descent/tensor';
      const made = () => { for (let i = 0; i < 4; i++) allocateLasting('float32', 1 << 18); return heapStats().lastingBytes; };
      const held = made();
      for (let i = 0; i < 5 && heapStats().lastingBytes > 0; i++) { globalThis.gc(); await new Promise((r) => setTimeout(r, 20)); }
      const after = heapStats().lastingBytes;
      const big = [allocateLasting('float32', 1 << 20), allocateLasting('float32', 1 << 20), allocateLasting('float32', 1 << 20)];
      const shared = big.map((a) => a.buffer instanceof SharedArrayBuffer);
      console.log(JSON.stringify({ held, after, shared, zeros: big.every((a) => a.every((v) => v === 0)) }));`;
    const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', '--conditions=source', '--input-type=module', '-e', script],
      { encoding: 'utf8', env: { ...process.env, DESCENT_HEAP_MB: '9' } });
    expect(r.status, r.stderr).to.equal(0);
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { held: number; after: number; shared: boolean[]; zeros: boolean };
    expect(out.held).to.equal(4 * 2 ** 20);
    expect(out.after, 'freed after garbage collection').to.equal(0);
    // 9 MiB: lasting blocks take at most half of it, so one 4 MiB array fits and the others are ordinary arrays
    expect(out.shared).to.deep.equal([true, false, false]);
    expect(out.zeros).to.equal(true);
  });

  const A: KernelExpr = { op: 'array', index: 0 }, B: KernelExpr = { op: 'array', index: 1 }, C: KernelExpr = { op: 'array', index: 2 };
  // a ← a·0.5 + b·s, b ← b + c, c read only: with b and c outside the heap, a in it
  const program = {
    arrays: 3, scalars: 1, temps: 0, statements: [
      { target: 'array' as const, index: 0, expr: { op: 'add' as const, a: { op: 'mul' as const, a: A, b: { op: 'num' as const, value: 0.5 } }, b: { op: 'mul' as const, a: B, b: { op: 'scalar' as const, index: 0 } } } },
      { target: 'array' as const, index: 1, expr: { op: 'add' as const, a: B, b: C } },
    ],
  };
  for (const lanes of ['f32x4', 'f64x2', 'f32-as-f64'] as KernelLanes[]) {
    it(`${lanes}: arrays partly in the heap give the bits of the ordinary path on 1, 2 and 3 threads, and nothing past their ends changes`, () => {
      const f64 = lanes === 'f64x2', dtype = f64 ? 'float64' : 'float32';
      const kernel = compileKernel(program, lanes)!;
      const make = (n: number, seed: number) => {
        const out = f64 ? new Float64Array(n) : new Float32Array(n);
        for (let i = 0; i < n; i++) out[i] = Math.sin(seed * 7919 + i * 0.37) * (i % 11 === 0 ? 1e30 : 3);
        return out;
      };
      // from 2^16 elements the workers take a share (staged whole); 65536 + 5: a ragged end there
      for (const [n, threads] of [[4099, 1], [16384, 1], [16384 * 2 + 7, 1], [100003, 1], [100003, 2], [65541, 2], [100003, 3]] as const) {
        const previous = cpuBackend.setMatmulThreads(threads, 2 ** 40);
        const [a0, b0, c0] = [make(n, 1), make(n, 2), make(n, 3)];
        const plain = [a0.slice(), b0.slice(), c0.slice()];
        kernel(plain, [0.3]);
        for (const inHeap of [[true, false, false], [true, true, false], [false, true, true]]) {
          const arrays = [a0, b0, c0].map((x, k) => {
            if (!inHeap[k]) return x.slice();
            const h = heapAllocate(dtype, n, false)!;
            h.set(x);
            return h;
          });
          const guard = heapAllocate(dtype, 64, true)!;
          kernel(arrays, [0.3]);
          for (let k = 0; k < 3; k++) expectSameBits(arrays[k]!, plain[k]!, `${lanes} n=${n} threads=${threads} in heap ${inHeap.join(',')} array ${k}`);
          expect(guard.every((v) => v === 0), 'the next block is untouched').to.equal(true);
          for (const x of [...arrays, guard]) if (heapBlockOf(x) >= 0) heapFree(heapBlockOf(x));
        }
        cpuBackend.setMatmulThreads(previous, 2 ** 40);
      }
    });
  }

  it('while waking the workers is futile, arrays partly in the heap run on the calling thread alone, with the same bits', () => {
    const kernel = compileKernel(program, 'f32-as-f64')!;
    const n = 100003;
    const a0 = Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37)), b0 = Float32Array.from({ length: n }, (_, i) => Math.cos(i * 0.11));
    const c0 = Float32Array.from({ length: n }, (_, i) => (i % 7) - 3);
    const plain = [a0.slice(), b0.slice(), c0.slice()];
    kernel(plain, [0.3]);
    const previous = cpuBackend.setMatmulThreads(2, 2 ** 40);
    const pool = cpuThreadPool()!;
    Object.defineProperty(pool, 'wakeIsFutile', { configurable: true, value: () => true });
    const a = heapAllocate('float32', n, false)!;
    try {
      a.set(a0);
      const arrays = [a, b0.slice(), c0.slice()];
      const before = pool.chunksRun;
      kernel(arrays, [0.3]);
      expect(pool.chunksRun, 'no chunk: the calling thread ran it').to.deep.equal(before);
      for (let k = 0; k < 3; k++) expectSameBits(arrays[k]!, plain[k]!, `array ${k}`);
    } finally {
      delete (pool as unknown as Record<string, unknown>).wakeIsFutile;
      heapFree(heapBlockOf(a));
      cpuBackend.setMatmulThreads(previous, 2 ** 40);
    }
  });
});
