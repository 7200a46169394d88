// Large elementwise ops on tensors in the tensor heap, split over the CPU backend's worker threads
// (issue 19): the heap is a shared memory, each thread runs the same SIMD loop on its own chunk, so
// the results are bit for bit those of one thread. No timing here: speed is in `npm run bench`.
import { expect } from 'chai';
import { add, compileElementwiseSimd, cpuBackend, exp, heapStats, mul, randn, relu, Rng, tidy, type ElementwiseProgram, type Tensor } from '@descent/tensor';
import { heapAllocate, heapFree } from '../../packages/tensor/src/heap.js';
import { cpuThreadPoolIfStarted } from '../../packages/tensor/src/backends/cpu/wasm/cpu_threads.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function expectSameBits(got: ArrayLike<number>, want: ArrayLike<number>, label: string): void {
  expect(got.length, label).to.equal(want.length);
  for (let i = 0; i < want.length; i++) if (!Object.is(got[i], want[i])) expect.fail(`${label} at ${i}: threaded ${got[i]} single ${want[i]}`);
}

/** `op` applied inside a memory scope (operands and result in the heap) on `threads` threads; the result's values copied out. */
function inScope(threads: number, op: (a: Tensor, b: Tensor) => Tensor, a: Tensor, b: Tensor): Float32Array | Float64Array {
  const previous = cpuBackend.setMatmulThreads(threads);
  try {
    return tidy(() => {
      const [x, y] = [a.add(0), b.add(0)]; // copies made in the scope: heap blocks
      // a block of NaNs freed just before: the result takes it, so an element no thread writes shows
      x.mul(Number.NaN).dispose();
      return op(x, y).data().slice() as Float32Array | Float64Array;
    });
  } finally {
    cpuBackend.setMatmulThreads(previous);
  }
}

const ops: Array<[string, (a: Tensor, b: Tensor) => Tensor, Array<'float32' | 'float64'>]> = [
  ['add', (a, b) => add(a, b), ['float32', 'float64']],
  ['mul', (a, b) => mul(a, b), ['float32', 'float64']],
  ['relu', (a) => relu(a), ['float32', 'float64']],
  ['exp', (a) => exp(a), ['float32']],
];

describe('CPU elementwise ops on worker threads', function () {
  this.timeout(120000);
  after(() => cpuBackend.stopMatmulThreads());

  it('the tensor heap is a shared memory on Node.js', () => {
    tidy(() => randn([8192], new Rng(1)).add(1));
    expect(heapStats().shared).to.equal(true);
  });

  // 2^18 (the threshold), ragged ends for f32x4 and f64x2, chunks of odd count
  for (const n of [1 << 18, (1 << 18) + 13, 1000003]) {
    for (const [name, op, dtypes] of ops) {
      for (const dtype of dtypes) {
        it(`${name} ${dtype} n=${n}: the same bits on 2 and 3 threads as on one, in and out of a scope`, () => {
          const rng = new Rng(n);
          const a = randn([n], rng, { dtype, std: 3 }), b = randn([n], rng, { dtype });
          const single = inScope(1, op, a, b);
          expectSameBits(op(a, b).data(), single, `${name} outside a scope`);
          for (const threads of [2, 3]) expectSameBits(inScope(threads, op, a, b), single, `${name} threads=${threads}`);
        });
      }
    }
  }

  // an optimizer-like program with scalars (they reach the workers through a heap block), on arrays
  // in the heap: a ← a + s0·b / (√|a| + s1), b ← s2·b
  it('a program with scalars on heap arrays: the same bits on 2 and 3 threads as on one, and as the JS loop', () => {
    const arr = (index: number) => ({ op: 'array', index } as const), sc = (index: number) => ({ op: 'scalar', index } as const);
    const program: ElementwiseProgram = { arrays: 2, scalars: 3, temps: 0, statements: [
      { target: 'array', index: 0, expr: { op: 'add', a: arr(0), b: { op: 'div', a: { op: 'mul', a: sc(0), b: arr(1) }, b: { op: 'add', a: { op: 'sqrt', a: { op: 'abs', a: arr(0) } }, b: sc(1) } } } },
      { target: 'array', index: 1, expr: { op: 'mul', a: sc(2), b: arr(1) } },
    ] };
    const kernel = compileElementwiseSimd(program)!;
    const scalars = [-0.37, 1e-3, 0.999];
    for (const n of [1 << 18, (1 << 18) + 13, 1000003]) {
      const rng = new Rng(n);
      const a0 = randn([n], rng, { std: 3 }).data() as Float32Array, b0 = randn([n], rng).data() as Float32Array;
      const wantA = new Float32Array(n), wantB = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        wantA[i] = a0[i]! + (scalars[0]! * b0[i]!) / (Math.sqrt(Math.abs(a0[i]!)) + scalars[1]!);
        wantB[i] = scalars[2]! * b0[i]!;
      }
      for (const threads of [1, 2, 3]) {
        const previous = cpuBackend.setMatmulThreads(threads);
        const a = heapAllocate('float32', n, false) as Float32Array, b = heapAllocate('float32', n, false) as Float32Array;
        try {
          a.set(a0); b.set(b0);
          kernel([a, b], scalars);
          expectSameBits(a, wantA, `a, n=${n}, threads=${threads}`);
          expectSameBits(b, wantB, `b, n=${n}, threads=${threads}`);
        } finally {
          heapFree(a.byteOffset); heapFree(b.byteOffset);
          cpuBackend.setMatmulThreads(previous);
        }
      }
    }
  });

  it('the worker threads take chunks of a large elementwise op (from 2^19 elements it wakes them), with the same bits', async () => {
    const rng = new Rng(7);
    const a = randn([600007], rng), b = randn([600007], rng);
    const single = inScope(1, (x, y) => mul(x, y), a, b);
    const previous = cpuBackend.setMatmulThreads(2);
    try {
      let workers = 0;
      for (let attempt = 0; attempt < 500 && workers === 0; attempt++) {
        expectSameBits(inScope(2, (x, y) => mul(x, y), a, b), single, 'threaded mul');
        workers = cpuBackend.matmulThreadStats()?.chunks.workers ?? 0;
        if (workers === 0) await sleep(5); // the worker starts in the background; until then the calling thread runs every chunk
      }
      expect(workers, 'chunks run by the worker').to.be.greaterThan(0);
    } finally {
      cpuBackend.setMatmulThreads(previous);
    }
  });

  it('while waking the workers is futile, an op under 2^19 elements runs on the calling thread alone; larger ones still wake them', async () => {
    const rng = new Rng(8);
    const big = randn([600007], rng), a = randn([300007], rng), b = randn([300007], rng);
    const single = inScope(1, (x, y) => mul(x, y), a, b);
    const previous = cpuBackend.setMatmulThreads(2);
    try {
      inScope(2, (x, y) => mul(x, y), big, big); // starts the pool
      const pool = cpuThreadPoolIfStarted()!;
      // as if the last wake-ups had found the workers' CPUs busy
      Object.defineProperty(pool, 'wakeIsFutile', { configurable: true, value: () => true });
      for (let i = 0; i < 1000 && !(pool.started === 1 && pool.asleep); i++) await sleep(2);
      const before = pool.chunksRun;
      for (let i = 0; i < 5; i++) expectSameBits(inScope(2, (x, y) => mul(x, y), a, b), single, 'mul of 300007 elements');
      expect(pool.chunksRun, 'no chunk: the op ran on the calling thread').to.deep.equal(before);
      inScope(2, (x, y) => mul(x, y), big, big);
      expect(pool.chunksRun.caller + pool.chunksRun.workers, 'the large op ran as chunks').to.be.greaterThan(before.caller + before.workers);
      delete (pool as unknown as Record<string, unknown>).wakeIsFutile;
    } finally {
      cpuBackend.setMatmulThreads(previous);
    }
  });
});
