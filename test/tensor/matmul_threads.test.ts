// The CPU backend's threaded matmul (issue 19): the same SIMD kernel on the calling thread and worker
// threads over a shared WebAssembly memory, bit for bit the single-threaded results; the pool's
// life cycle (no thread keeps a process alive) and its errors. No timing here: speed is in `npm run bench`.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { BackendError, ConfigError, cpuBackend, matmul, randn, Rng, ValueError, WorkerThreadError, type Tensor } from '@descent/tensor';
import { I32, ModuleBuilder } from '../../packages/tensor/src/backends/cpu/wasm/assembler.js';
import { WasmThreadPool } from '../../packages/tensor/src/backends/cpu/wasm/thread_pool.js';
import { cpuThreadPoolIfStarted } from '../../packages/tensor/src/backends/cpu/wasm/cpu_threads.js';
import { forEachMatmulCase } from '../helpers/matmul_cases.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Run `f` with the SIMD kernel on `threads` threads, every product threaded (minWork 0) when threads > 1. */
function withThreads(threads: number, f: () => Tensor): Float32Array | Float64Array {
  const kernel = cpuBackend.setMatmulKernel('wasm'); // tiny products too run the SIMD kernel, threaded or not
  const previous = cpuBackend.setMatmulThreads(threads, 0);
  try { return f().data() as Float32Array | Float64Array; } finally { cpuBackend.setMatmulThreads(previous); cpuBackend.setMatmulKernel(kernel); }
}

function expectSameBits(got: ArrayLike<number>, want: ArrayLike<number>, label: string): void {
  expect(got.length, label).to.equal(want.length);
  for (let i = 0; i < want.length; i++) if (!Object.is(got[i], want[i])) expect.fail(`${label} at ${i}: threaded ${got[i]} single ${want[i]}`);
}

describe('CPU matmul on worker threads', function () {
  this.timeout(120000);
  after(() => cpuBackend.stopMatmulThreads());

  it('reports the thread count it runs large products on', () => {
    expect(cpuBackend.info?.().matmulThreads).to.be.a('number').and.to.be.at.least(1);
  });

  // M, K, N: below the 4×8 (float32) and 4×4 (float64) tiles, ragged edges, K past KC = 256, M past
  // MC = 128, N past NC = 512, one row or one column (chunks along the other dimension)
  const sizes: Array<[number, number, number]> = [[1, 1, 1], [3, 5, 7], [4, 8, 8], [5, 17, 9], [13, 257, 31], [64, 300, 33],
    [131, 70, 519], [2, 600, 1031], [1029, 40, 3], [1, 513, 1], [97, 1, 101]];
  for (const dtype of ['float32', 'float64'] as const) {
    it(`${dtype}: bit for bit the single-threaded result, every transposition, odd sizes, batched, 2 and 3 threads`, () => {
      forEachMatmulCase(sizes, [0, 3], dtype, new Rng(41), (f, _K, label) => {
        const single = withThreads(1, f);
        for (const threads of [2, 3]) expectSameBits(withThreads(threads, f), single, `${label} threads=${threads}`);
      });
    });
  }

  it('the worker threads do take chunks, and their results are the same bits', async () => {
    const rng = new Rng(42);
    const a = randn([260, 300], rng), b = randn([300, 270], rng);
    const single = withThreads(1, () => matmul(a, b));
    const previous = cpuBackend.setMatmulThreads(2, 0);
    try {
      matmul(a, b); // starts the pool
      for (let attempt = 0; attempt < 500 && (cpuBackend.matmulThreadStats()?.chunks.workers ?? 0) === 0; attempt++) {
        await sleep(5); // the worker starts in the background; until then the calling thread runs every chunk
        expectSameBits(matmul(a, b).data(), single, 'threaded 260×300×270');
      }
      const stats = cpuBackend.matmulThreadStats()!;
      expect(stats.started, 'workers started').to.equal(1);
      expect(stats.chunks.workers, 'chunks run by the worker').to.be.greaterThan(0);
    } finally {
      cpuBackend.setMatmulThreads(previous);
    }
  });

  it('while waking the workers is futile, a product under 2^23 multiply-adds runs on the calling thread; larger ones still wake them', async () => {
    const rng = new Rng(43);
    const a = randn([200, 200], rng), b = randn([200, 200], rng), c = randn([260, 300], rng), d = randn([300, 270], rng);
    const single = withThreads(1, () => matmul(a, b));
    const previous = cpuBackend.setMatmulThreads(2);
    try {
      matmul(c, d); // starts the pool
      const pool = cpuThreadPoolIfStarted()!;
      Object.defineProperty(pool, 'wakeIsFutile', { configurable: true, value: () => true });
      for (let i = 0; i < 1000 && !(pool.started === 1 && pool.asleep); i++) await sleep(2);
      const before = pool.chunksRun;
      for (let i = 0; i < 3; i++) expectSameBits(matmul(a, b).data(), single, 'matmul 200³');
      expect(pool.chunksRun, 'no chunk: the product ran on the calling thread').to.deep.equal(before);
      matmul(c, d);
      expect(pool.chunksRun.caller + pool.chunksRun.workers, 'the 260×300×270 product ran as chunks').to.be.greaterThan(before.caller + before.workers);
      delete (pool as unknown as Record<string, unknown>).wakeIsFutile;
    } finally {
      cpuBackend.setMatmulThreads(previous);
    }
  });

  it('setMatmulThreads rejects bad counts with a ValueError and changes nothing', () => {
    const before = cpuBackend.info?.().matmulThreads;
    expect(() => cpuBackend.setMatmulThreads(0)).to.throw(ValueError, /threads must be an integer from 1 to 256.*but got 0/);
    expect(() => cpuBackend.setMatmulThreads(1.5)).to.throw(ValueError, /but got 1.5/);
    expect(() => cpuBackend.setMatmulThreads(2, -1)).to.throw(ValueError, /minWork must be an integer ≥ 0.*but got -1/);
    expect(cpuBackend.info?.().matmulThreads).to.equal(before);
  });

  const child = (env: Record<string, string>) => spawnSync(process.execPath, ['--import', 'tsx', '--conditions=source', path.join(here, 'fixtures', 'threads_child.ts')],
    { encoding: 'utf8', timeout: 60000, env: { ...process.env, ...env } });

  it('a process that ran a threaded matmul exits by itself; the default is os.availableParallelism()', () => {
    const env = { ...process.env };
    delete env.DESCENT_THREADS;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--conditions=source', path.join(here, 'fixtures', 'threads_child.ts')],
      { encoding: 'utf8', timeout: 60000, env });
    expect(r.signal, 'killed by the timeout: the process did not exit by itself').to.equal(null);
    expect(r.status, r.stderr).to.equal(0);
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { threads: number; availableParallelism: number; poolStarted: boolean };
    expect(out.threads).to.equal(Math.min(16, out.availableParallelism));
    expect(out.poolStarted).to.equal(out.threads > 1);
  });

  it('DESCENT_THREADS sets the count (2: a pool that starts and exits with the process; 1: no pool); a bad value is a ConfigError', () => {
    const two = child({ DESCENT_THREADS: '2' });
    expect(two.signal).to.equal(null);
    expect(two.status, two.stderr).to.equal(0);
    const out = JSON.parse(two.stdout.trim().split('\n').pop()!) as { threads: number; stats: { workers: number; started: number } };
    expect(out.threads).to.equal(2);
    expect(out.stats.workers).to.equal(1);
    expect(out.stats.started).to.equal(1);
    const one = child({ DESCENT_THREADS: '1' });
    expect(one.status, one.stderr).to.equal(0);
    expect(JSON.parse(one.stdout.trim().split('\n').pop()!)).to.include({ threads: 1, poolStarted: false });
    const bad = child({ DESCENT_THREADS: 'many' });
    expect(bad.status).to.not.equal(0);
    expect(bad.stderr).to.contain(ConfigError.name).and.to.contain("DESCENT_THREADS must be an integer ≥ 1 (1: the calling thread only), but got 'many'");
  });

  describe('the pool under the matmul (WasmThreadPool)', () => {
    // work(spins, address): count down `spins`, then load a float from `address` (out of bounds: a trap)
    function trapModule(): WebAssembly.Module {
      const m = new ModuleBuilder(4);
      const f = m.func('work', [I32, I32]);
      const [spins, address] = f.params as [{ index: number; type: typeof I32 }, { index: number; type: typeof I32 }];
      const i = f.local(I32);
      f.for(i, () => f.i32(0), () => f.get(spins), 1, () => undefined);
      f.get(address).f32Load().drop();
      return new WebAssembly.Module(m.encode());
    }

    it('a trap in a worker (or the caller) is a WorkerThreadError after the whole job; the pool goes on, then closes', async () => {
      const memory = new WebAssembly.Memory({ initial: 1, maximum: 4, shared: true });
      const pool = new WasmThreadPool(1, 'test');
      const { base } = pool.addModule(trapModule(), memory, ['work']);
      expect(base).to.equal(0);
      for (let i = 0; i < 2000 && pool.started === 0; i++) await sleep(5);
      expect(pool.started, 'the worker started').to.equal(1);
      const good = Array.from({ length: 16 }, () => [0, 20000, 64]);
      const bad = Array.from({ length: 16 }, () => [0, 20000, 1 << 30]);
      // the calling thread busy for 20 ms after publishing the job: the woken worker takes every chunk
      const busy = () => { const until = performance.now() + 20; while (performance.now() < until); };
      pool.run(good);
      const seen = new Set<string>();
      for (let attempt = 0; attempt < 200 && seen.size < 2; attempt++) {
        try {
          pool.run(bad, attempt % 2 === 0 ? busy : undefined);
          expect.fail('a job of trapping calls returned');
        } catch (e) {
          expect(e).to.be.instanceOf(WorkerThreadError).and.to.be.instanceOf(BackendError);
          const message = (e as Error).message;
          expect(message).to.match(/^test: (worker thread 1|the calling thread) failed on chunk \d+ of 16: RuntimeError: memory access out of bounds; every other chunk of the job has finished/);
          seen.add(message.includes('worker thread 1') ? 'worker' : 'caller');
        }
        pool.run(good); // nothing hangs: the next job runs
        await sleep(1);
      }
      expect([...seen].sort(), `failures reported (chunks run: ${JSON.stringify(pool.chunksRun)})`).to.deep.equal(['caller', 'worker']);
      const before = pool.chunksRun.workers;
      expect(before).to.be.greaterThan(0);
      await pool.close();
      expect(pool.workers, 'workers still running after close()').to.equal(0);
      expect(() => pool.run(good)).to.throw(BackendError, /test: the worker thread pool was closed/);
    });

    it('wake-ups after which no worker takes a chunk make later wake-ups futile, until a worker takes one again', async () => {
      const memory = new WebAssembly.Memory({ initial: 1, maximum: 4, shared: true });
      const pool = new WasmThreadPool(1, 'test');
      try {
        const { base } = pool.addModule(trapModule(), memory, ['work']);
        const untilAsleep = async () => { for (let i = 0; i < 1000 && !(pool.started === 1 && pool.asleep); i++) await sleep(2); };
        await untilAsleep();
        expect(pool.asleep, 'the worker sleeps').to.equal(true);
        expect(pool.wakeIsFutile()).to.equal(false);
        // one short chunk the calling thread takes at once: the woken worker finds nothing left. Three such
        // wake-ups in a row make the next futile (a worker the previous job woke late may miss a count)
        let futile = false;
        for (let k = 0; k < 20 && !futile; k++) {
          await untilAsleep();
          const workersBefore = pool.chunksRun.workers;
          pool.run([[base, 0, 64]], () => undefined);
          expect(pool.chunksRun.workers, 'the caller ran the chunk').to.equal(workersBefore);
          await untilAsleep();
          futile = pool.wakeIsFutile();
        }
        expect(futile, 'after futile wake-ups').to.equal(true);
        // the calling thread waits in `meanwhile` until the worker has taken the chunk
        const workersBefore = pool.chunksRun.workers;
        pool.run([[base, 0, 64]], () => {
          const until = performance.now() + 2000;
          while (Atomics.load(new Int32Array((pool as unknown as { control: SharedArrayBuffer }).control), 6) === workersBefore && performance.now() < until);
        });
        expect(pool.chunksRun.workers, 'the worker took the chunk').to.equal(workersBefore + 1);
        await untilAsleep();
        expect(pool.wakeIsFutile(), 'a worker took a chunk again').to.equal(false);
      } finally {
        await pool.close();
      }
    });
  });
});
