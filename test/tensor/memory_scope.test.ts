// Memory scopes (tidy, keep, dispose) and the tensor heap they put large tensors in: what is
// disposed and what escapes, that heap blocks are freed and reused, that the SIMD kernels working
// in place in the heap give the bits the ordinary path gives, and that nothing outside a scope ever
// points into the heap.
import { spawnSync } from 'node:child_process';
import { expect } from 'chai';
import {
  DisposedError, HEAP_MIN_ELEMENTS, Rng, ValueError, add, exp, heapStats, inMemoryScope, keep, matmul, mul, randn, relu, reshape, sum, tensor, tidy, zeros,
  type Tensor,
} from '@descent/tensor';
import { heapAllocate, heapBlockOf, heapFree, heapMemory } from '../../packages/tensor/src/heap.js';
import { compileKernel, type KernelExpr, type KernelLanes } from '../../packages/tensor/src/backends/cpu/wasm/elementwise_simd.js';
import { SPECIAL, specialValues } from '../helpers/special_values.js';

const N = HEAP_MIN_ELEMENTS + 7; // large enough for the heap, not a multiple of any vector width
// values with NaN, ±0, ±∞, subnormals and exp's over/underflow mixed in
const values = (n: number, seed: number, f64 = false) => specialValues(n, !f64, seed, { scale: 20, period: 5, offset: 2, special: [...SPECIAL, 80, -110] });

function inHeap(t: Tensor): boolean {
  return t.buffer().buffer === heapMemory()?.buffer;
}

function expectSameBits(got: ArrayLike<number>, want: ArrayLike<number>, label: string): void {
  expect(got.length, label).to.equal(want.length);
  for (let i = 0; i < want.length; i++) if (!Object.is(got[i], want[i])) expect.fail(`${label} at ${i}: got ${got[i]}, want ${want[i]}`);
}

describe('memory scopes: tidy, keep, dispose', () => {
  afterEach(() => expect(heapStats().blocks, 'heap blocks left after the test').to.equal(0));

  it('disposes what the scope created and did not return; the result stays readable', () => {
    let inner: Tensor[] = [];
    const x = tensor([1, 2, 3]);
    const y = tidy(() => {
      expect(inMemoryScope()).to.equal(true);
      const a = add(x, 1), b = mul(a, 2);
      inner = [a, b];
      return sum(b);
    });
    expect(inMemoryScope()).to.equal(false);
    expect(y.item()).to.equal(18);
    expect(inner.every((t) => t.isDisposed)).to.equal(true);
    expect(x.isDisposed, 'a tensor from outside the scope').to.equal(false);
    expect(() => inner[0]!.toArray()).to.throw(DisposedError, /toArray: the tensor \[3\] float32 was disposed/);
    expect(() => add(inner[1]!, 1)).to.throw(DisposedError, /Add \(input 'a'\)/);
  });

  it('large tensors live in the heap inside a scope and move to ordinary arrays when they escape, aliases together', () => {
    const data = values(N, 1);
    const [t, view] = tidy(() => {
      const a = tensor(data);
      expect(inHeap(a)).to.equal(true);
      const doubled = mul(a, 2);
      return [doubled, reshape(doubled, [1, N])];
    });
    expect(inHeap(t!)).to.equal(false);
    expect(view!.buffer(), 'the reshaped alias shares the escaped copy').to.equal(t!.buffer());
    expectSameBits(t!.buffer(), mul(tensor(data), 2).buffer(), 'escaped values');
    expect(inHeap(tensor(data)), 'outside a scope').to.equal(false);
  });

  it('dispose() gives a block back at once, and the next tensor of that size reuses it', () => {
    tidy(() => {
      const a = tensor(values(N, 2)), b = tensor(values(N, 3));
      const first = add(a, b);
      const offset = first.buffer().byteOffset;
      first.dispose();
      const blocks = heapStats().blocks;
      for (let i = 0; i < 50; i++) {
        const c = add(a, b);
        expect(c.buffer().byteOffset).to.equal(offset);
        c.dispose();
      }
      expect(heapStats().blocks).to.equal(blocks);
    });
  });

  it('a block shared by aliases is freed only when the last live one is disposed', () => {
    tidy(() => {
      const a = tensor(values(N, 4));
      const alias = reshape(a, [1, N]);
      const blocks = heapStats().blocks;
      a.dispose();
      expect(heapStats().blocks, 'alias still alive').to.equal(blocks);
      expect(alias.buffer()[0]).to.equal(values(N, 4)[0]);
      alias.dispose();
      expect(heapStats().blocks).to.equal(blocks - 1);
    });
  });

  it('add, mul, relu and exp in the heap give the bits of the ordinary path (float32 and float64)', () => {
    for (const f64 of [false, true]) {
      const dtype = f64 ? 'float64' : 'float32';
      for (const n of [HEAP_MIN_ELEMENTS, HEAP_MIN_ELEMENTS + 13, HEAP_MIN_ELEMENTS + 61, N, 65536 + 3]) {
        const a = tensor(values(n, 5 + n, f64), { dtype }), b = tensor(values(n, 6 + n, f64), { dtype });
        const want = { add: add(a, b).data(), mul: mul(a, b).data(), relu: relu(a).data(), exp: exp(a).data() };
        tidy(() => {
          const ha = tensor(a.data(), { dtype }), hb = tensor(b.data(), { dtype });
          const got = { add: add(ha, hb), mul: mul(ha, hb), relu: relu(ha), exp: exp(ha) };
          for (const [op, t] of Object.entries(got)) {
            expect(inHeap(t), `${op} output in the heap`).to.equal(true);
            expectSameBits(t.buffer(), want[op as keyof typeof want], `${dtype} ${op} n=${n}`);
          }
        });
      }
    }
  });

  it('a reused block is zeroed for zeros() and the other creation ops that promise zeros', () => {
    tidy(() => {
      randn([N], new Rng(0)).dispose();
      const z = zeros([N]);
      expect(z.buffer().every((v) => v === 0)).to.equal(true);
    });
  });

  it('nested scopes: what the inner scope returns belongs to the outer one', () => {
    let middle: Tensor | null = null;
    const out = tidy(() => {
      const a = tensor(values(N, 7));
      middle = tidy(() => mul(add(a, 1), 3));
      expect(middle.isDisposed).to.equal(false);
      expect(inHeap(middle), 'still in the heap inside the outer scope').to.equal(true);
      return sum(middle);
    });
    expect(middle!.isDisposed, 'not returned by the outer scope').to.equal(true);
    expect(out.isDisposed).to.equal(false);
    expect(out.shape).to.deep.equal([]);
  });

  it('keep() and results inside arrays, objects and Maps escape', () => {
    let kept: Tensor | null = null;
    const r = tidy(() => {
      kept = keep(tensor(values(N, 8)));
      return { list: [tensor([1])], nested: { m: new Map([['k', tensor([2])]]) }, n: 3 };
    });
    expect(kept!.isDisposed).to.equal(false);
    expect(inHeap(kept!)).to.equal(false);
    expect(r.list[0]!.item()).to.equal(1);
    expect(r.nested.m.get('k')!.item()).to.equal(2);
  });

  it('parameters made inside a scope and gradients computed inside it survive; the graph does not', () => {
    const w = randn([64, 80], new Rng(1)).requireGrad(); // 5120 elements: heap-sized
    const x = randn([3, 64], new Rng(2));
    let loss: Tensor | null = null;
    let bias: Tensor | null = null;
    tidy(() => {
      bias = zeros([80]).requireGrad();
      loss = keep(sum(relu(add(matmul(x, w), bias))));
      loss.backward({ retainGraph: true });
    });
    expect(w.grad!.isDisposed).to.equal(false);
    expect(bias!.grad!.isDisposed).to.equal(false);
    expect(inHeap(w.grad!)).to.equal(false);
    const want = (() => {
      const w2 = tensor(w.data(), { shape: [64, 80] }).requireGrad();
      sum(relu(add(matmul(x, w2), zeros([80])))).backward();
      return w2.grad!.data();
    })();
    expectSameBits(w.grad!.buffer(), want, 'w.grad');
    expect(() => loss!.backward()).to.throw(DisposedError);
  });

  it('an error inside the scope disposes its tensors, frees its blocks and propagates', () => {
    let made: Tensor | null = null;
    expect(() => tidy(() => { made = tensor(values(N, 9)); throw new RangeError('boom'); })).to.throw(RangeError, 'boom');
    expect(made!.isDisposed).to.equal(true);
    expect(inMemoryScope()).to.equal(false);
  });

  it('dispose() outside a scope only marks the tensor; twice is harmless', () => {
    const t = tensor([1, 2]);
    t.dispose();
    t.dispose();
    expect(() => t.buffer()).to.throw(DisposedError, /buffer: the tensor \[2\] float32 was disposed/);
    expect(() => t.assign([3, 4])).to.throw(DisposedError, /assign/);
  });

  it('a gradient replaced by accumulation or cleared by zeroGrad is no longer kept: its scope disposes it', () => {
    const w = randn([64, 80], new Rng(3)).requireGrad();
    const x = randn([2, 64], new Rng(4));
    let first: Tensor | null = null, second: Tensor | null = null, cleared: Tensor | null = null;
    tidy(() => {
      sum(matmul(x, w)).backward();
      first = w.grad;
      sum(matmul(x, w)).backward(); // accumulates: w.grad is a new tensor
      second = w.grad;
      expect(second).to.not.equal(first);
      expect(first!.kept, 'the replaced gradient').to.equal(false);
      expect(second!.kept).to.equal(true);
    });
    expect(first!.isDisposed, 'replaced inside the scope').to.equal(true);
    expect(second!.isDisposed).to.equal(false);
    expectSameBits(second!.buffer(), mul(matmul(x.transpose(), tensor(new Float32Array(160).fill(1), { shape: [2, 80] })), 2).buffer(), 'accumulated gradient');
    tidy(() => {
      sum(matmul(x, w)).backward();
      cleared = w.grad;
      w.zeroGrad();
    });
    expect(cleared!.isDisposed, 'cleared by zeroGrad inside the scope').to.equal(true);
    expect(w.grad).to.equal(null);
  });

  it('a gradient the user kept, or that another tensor stores as its .grad, stays kept when replaced', () => {
    const a = zeros([2]).requireGrad(), b = zeros([2]).requireGrad();
    let shared: Tensor | null = null, mine: Tensor | null = null;
    tidy(() => {
      shared = tensor(values(N, 11));
      a.grad = shared; b.grad = shared;
      a.grad = null;
      expect(shared.kept, 'still b\'s gradient').to.equal(true);
      mine = keep(tensor(values(N, 12)));
      a.grad = mine;
      a.grad = null;
      expect(mine.kept, 'kept by the user').to.equal(true);
    });
    expect(shared!.isDisposed).to.equal(false);
    expect(mine!.isDisposed).to.equal(false);
    expect(b.grad).to.equal(shared);
    b.grad = b.grad; // storing the same tensor again changes nothing
    expect(shared!.kept).to.equal(true);
    b.grad = null;
    expect(shared!.kept).to.equal(false);
  });

  it('results in Map keys and Sets escape', () => {
    const r = tidy(() => ({ byKey: new Map([[tensor([5]), 'five']]), set: new Set([tensor([6])]) }));
    expect([...r.byKey.keys()][0]!.item()).to.equal(5);
    expect([...r.set][0]!.item()).to.equal(6);
  });

  it('an async fn is a ValueError; its synchronous tensors are disposed and the scope is closed', async () => {
    let made: Tensor | null = null;
    let promise: Promise<void> | null = null;
    expect(() => tidy(() => {
      made = tensor(values(N, 10));
      promise = (async () => { await null; })();
      return promise;
    })).to.throw(ValueError, /tidy: fn must be synchronous, but it returned a Promise/);
    expect(made!.isDisposed).to.equal(true);
    expect(inMemoryScope()).to.equal(false);
    await promise;
  });

  it('a result that throws while it is searched for tensors still closes the scope', () => {
    let made: Tensor | null = null;
    const hostile = { get boom(): never { throw new RangeError('getter'); } };
    expect(() => tidy(() => { made = tensor(values(N, 11)); return hostile; })).to.throw(RangeError, 'getter');
    expect(made!.isDisposed).to.equal(true);
    expect(inMemoryScope()).to.equal(false);
  });

  it('tidy rejects a non-function with a ValueError naming the argument', () => {
    expect(() => tidy(42 as unknown as () => void)).to.throw(ValueError, /tidy: fn must be a function, but got number/);
  });
});

describe('tensor heap: SIMD programs in place', () => {
  const A: KernelExpr = { op: 'array', index: 0 }, B: KernelExpr = { op: 'array', index: 1 };
  // an update that reads and writes in place, as the optimizers' programs do: a ← a·0.5 + b·s, b ← relu(a)
  const program = {
    arrays: 2, scalars: 1, temps: 0, statements: [
      { target: 'array' as const, index: 0, expr: { op: 'add' as const, a: { op: 'mul' as const, a: A, b: { op: 'num' as const, value: 0.5 } }, b: { op: 'mul' as const, a: B, b: { op: 'scalar' as const, index: 0 } } } },
      { target: 'array' as const, index: 1, expr: { op: 'relu' as const, a: A } },
    ],
  };

  for (const lanes of ['f32x4', 'f64x2', 'f32-as-f64'] as KernelLanes[]) {
    it(`${lanes}: whole heap blocks run in place with the bits of the chunked path; a part of a block takes the chunked path`, () => {
      const f64 = lanes === 'f64x2';
      const kernel = compileKernel(program, lanes)!;
      for (const n of [1, 3, 4097, 16384 + 5]) {
        const a0 = values(n, 10 + n, f64), b0 = values(n, 20 + n, f64);
        const plain = [a0.slice(), b0.slice()];
        kernel(plain, [0.3]);
        const dtype = f64 ? 'float64' : 'float32';
        const ha = heapAllocate(dtype, n, false)!, hb = heapAllocate(dtype, n, false)!;
        // a guard block right after: a kernel running past its arrays' ends would change it
        const guard = heapAllocate(dtype, 64, true)!;
        ha.set(a0); hb.set(b0);
        expect(heapBlockOf(ha)).to.be.at.least(0);
        kernel([ha, hb], [0.3]);
        expectSameBits(ha, plain[0]!, `${lanes} a n=${n}`);
        expectSameBits(hb, plain[1]!, `${lanes} b n=${n}`);
        expect(guard.every((v) => v === 0), 'the next block is untouched').to.equal(true);
        // a subarray is not a whole block: it must go through the chunk buffers, not run past its end
        if (n > 8) {
          const part = ha.subarray(0, n - 5), partB = hb.subarray(0, n - 5);
          const tail = Array.from(ha.subarray(n - 5));
          expect(heapBlockOf(part)).to.equal(-1);
          kernel([part, partB], [0.3]);
          expectSameBits(Array.from(ha.subarray(n - 5)), tail, `${lanes} past the subarray`);
        }
        for (const v of [ha, hb, guard]) heapFree(heapBlockOf(v));
      }
    });
  }

  it('a full heap falls back to ordinary arrays with the same results; DESCENT_HEAP_MB=0 turns it off', function () {
    this.timeout(60_000);
    const script = `
      import { tidy, tensor, add, heapStats } from '@descent/tensor';
      const n = 1 << 20;
      const a = new Float32Array(n).map((_, i) => i * 0.25);
      const sums = tidy(() => {
        const ta = tensor(a);
        const out = [];
        for (let i = 0; i < 4; i++) out.push(add(ta, ta));
        return out;
      });
      const ok = sums.every((s) => s.buffer().every((v, i) => v === a[i] * 2));
      console.log(JSON.stringify({ ok, fallbacks: heapStats().fallbacks, bytes: heapStats().bytes }));`;
    const run = (mb: string) => {
      const r = spawnSync(process.execPath, ['--import', 'tsx', '--conditions=source', '--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, DESCENT_HEAP_MB: mb } });
      expect(r.status, r.stderr).to.equal(0);
      return JSON.parse(r.stdout.trim().split('\n').pop()!) as { ok: boolean; fallbacks: number; bytes: number };
    };
    const small = run('9'); // room for the input and one sum (4 MiB each)
    expect(small).to.deep.equal({ ok: true, fallbacks: 3, bytes: 9 * 2 ** 20 });
    const off = run('0');
    expect(off).to.deep.equal({ ok: true, fallbacks: 0, bytes: 0 });
  });
});
