import { expect } from 'chai';
import { createAdamSimd, tensor } from '@descent/tensor';
import { cloneState, createOptimizer } from '@descent/optim';

/** The JS loop of `scaleByAdam` on float32 storage (transforms.ts, the folded form), as the reference. */
function reference(th: Float32Array, s: Float32Array, m: Float32Array, v: Float32Array, beta1: number, beta2: number,
  a1: number, a2: number, stepScale: number, invBc2sqrt: number, eps: number, decay: number, l2: number): void {
  for (let i = 0; i < th.length; i++) {
    const p = th[i]!;
    const g = l2 !== 0 ? Math.fround(s[i]! + l2 * p) : s[i]!;
    const mi = Math.fround(beta1 * m[i]! + a1 * g);
    m[i] = mi;
    const vi = Math.fround(beta2 * v[i]! + a2 * g * g);
    v[i] = vi;
    const step = stepScale * mi / (Math.sqrt(vi) * invBc2sqrt + eps);
    th[i] = p + Math.fround(decay !== 0 ? step + decay * p : step);
  }
}

/** Deterministic pseudo-random floats (mulberry32). */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sameBits = (a: Float32Array, b: Float32Array, what: string) => {
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.length), ub = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < a.length; i++) if (ua[i] !== ub[i]) expect.fail(`${what}[${i}]: ${a[i]} vs ${b[i]}`);
};

describe('optimizers: Adam WebAssembly SIMD kernel', () => {
  const simd = createAdamSimd();
  before(function () { if (simd === null) this.skip(); });

  it('is bitwise identical to the JS loop (plain, decoupled decay, L2; lr 0; zero, tiny and huge gradients; odd lengths)', () => {
    const r = rng(7);
    const cases: Array<[number, number, number, number]> = [ // n, lr, decay, l2
      [1, 1e-3, 0, 0], [3, 1e-3, 0, 0], [1023, 1e-3, 0, 0], [65537, 1e-2, 0, 0], [140001, 1e-3, 0, 0],
      [4097, 1e-3, -1e-5, 0], [4097, 1e-3, 0, 1e-2], [2049, 0, 0, 0], [2049, 0, -1e-4, 0], [131072, 3e-4, 0, 0.1],
    ];
    for (const [n, lr, decay, l2] of cases) {
      const th = new Float32Array(n), s = new Float32Array(n), m = new Float32Array(n), v = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        th[i] = (r() - 0.5) * 4;
        const k = i % 7;
        s[i] = k === 0 ? 0 : k === 1 ? (r() - 0.5) * 3e38 : k === 2 ? (r() - 0.5) * 1e-40 : k === 3 ? -0 : (r() - 0.5) * 10 ** (r() * 8 - 6);
        m[i] = (r() - 0.5) * 1e-2;
        v[i] = r() * 1e-3;
      }
      const [th2, s2, m2, v2] = [th.slice(), s.slice(), m.slice(), v.slice()];
      for (let t = 1; t <= 3; t++) {
        const args = [0.9, 0.999, 1 - 0.9, 1 - 0.999, -lr / (1 - 0.9 ** t), 1 / Math.sqrt(1 - 0.999 ** t), t === 2 ? 0 : 1e-8, decay, l2] as const;
        reference(th, s, m, v, ...args);
        expect(simd!(th2, s2, m2, v2, ...args)).to.equal(true);
        sameBits(th2, th, `n ${n} t ${t} θ`); sameBits(m2, m, `n ${n} t ${t} m`); sameBits(v2, v, `n ${n} t ${t} v`);
      }
      sameBits(s2, s, 'g');
    }
  });

  it('declines L2 and decoupled decay together', () => {
    const a = new Float32Array(4);
    expect(simd!(a, a, a, a, 0.9, 0.999, 0.1, 0.001, -1e-3 / 0.1, 1 / 0.03, 1e-8, 0.1, 0.1)).to.equal(false);
  });

  it('adam and adamw over float32 parameters (SIMD path and, under 1024 elements, the JS loop) match the reference loop step by step', () => {
    // 70001: past 2^16, where the worker threads take a share of the update
    for (const [name, wd, n] of [['adam', 0, 5001], ['adam', 0.01, 5001], ['adamw', 0.01, 5001], ['adam', 0, 70001], ['adamw', 0.01, 70001], ['adam', 0, 1000], ['adam', 0.01, 999], ['adamw', 0.01, 777]] as const) {
      const r = rng(3);
      const init = Float32Array.from({ length: n }, () => r() - 0.5);
      const p = tensor(init.slice(), { shape: [n], dtype: 'float32' });
      const opt = createOptimizer(name, [p], { lr: 1e-2, weightDecay: wd });
      const th = init.slice(), m = new Float32Array(n), v = new Float32Array(n);
      for (let t = 1; t <= 4; t++) {
        const g = Float32Array.from({ length: n }, () => (r() - 0.5) * 2);
        opt.stepWithGrads([g]);
        const decay = name === 'adamw' ? -1e-2 * wd : 0, l2 = name === 'adam' ? wd : 0;
        reference(th, g, m, v, 0.9, 0.999, 1 - 0.9, 1 - 0.999, -1e-2 / (1 - 0.9 ** t), 1 / Math.sqrt(1 - 0.999 ** t), 1e-8, decay, l2);
        sameBits(p.buffer() as Float32Array, th, `${name} wd ${wd} n ${n} step ${t}`);
      }
      // from 4096 elements the moments live in the tensor heap (the SIMD update works on them in place)
      const moments = (opt as unknown as { states: Array<{ adam: { m: Float32Array[]; v: Float32Array[] } }> }).states[0]!.adam;
      const inHeap = [moments.m[0]!, moments.v[0]!].map((a) => a.buffer instanceof SharedArrayBuffer);
      expect(inHeap, `${name} n ${n}: moments in the heap`).to.deep.equal(n >= 4096 ? [true, true] : [false, false]);
    }
  });

  it('cloneState (the rollback snapshot) copies moments held in the heap into ordinary arrays that share no memory with them', () => {
    const n = 5000;
    const p = tensor(new Float32Array(n).fill(0.5), { shape: [n] });
    const opt = createOptimizer('adam', [p], { lr: 1e-2 });
    opt.stepWithGrads([new Float32Array(n).fill(1)]);
    const before = opt.state();
    const moments = (opt as unknown as { states: Array<{ adam: { m: Float32Array[] } }> }).states[0]!.adam.m[0]!;
    expect(moments.buffer).to.be.instanceOf(SharedArrayBuffer);
    const copy = cloneState({ m: [moments], step: 3 });
    expect(copy.m[0]!.buffer, 'an ordinary copy').to.be.instanceOf(ArrayBuffer);
    sameBits(copy.m[0]!, moments, 'copied moments');
    copy.m[0]![0] = 123;
    expect(moments[0], 'the original is not changed through the copy').to.not.equal(123);
    expect(opt.state()).to.deep.equal(before);
  });

  it('the folded float32 form rounds as PyTorch\'s order of operations does, in all but rare ties (at most one ulp apart)', () => {
    // PyTorch's order in float64, rounded to float32 once: scale·(m/bc1/(√v/bc2sqrt + ε))
    const r = rng(11), n = 20000;
    const m = Float32Array.from({ length: n }, () => (r() - 0.5) * 10 ** (r() * 6 - 5));
    const v = Float32Array.from({ length: n }, () => r() * 10 ** (r() * 8 - 9));
    let differing = 0, compared = 0;
    for (let t = 1; t <= 50; t++) {
      const bc1 = 1 - 0.9 ** t, bc2sqrt = Math.sqrt(1 - 0.999 ** t), scale = -1e-3 * (1 + t / 7), eps = 1e-8;
      for (let i = 0; i < n; i++) {
        const folded = Math.fround((scale / bc1) * m[i]! / (Math.sqrt(v[i]!) * (1 / bc2sqrt) + eps));
        const ordered = Math.fround(scale * (m[i]! / bc1 / (Math.sqrt(v[i]!) / bc2sqrt + eps)));
        compared++;
        if (folded !== ordered) {
          differing++;
          const ulp = Math.abs(Math.fround(ordered * (1 + 2 ** -23)) - ordered);
          expect(Math.abs(folded - ordered), `t ${t} i ${i}`).to.be.at.most(ulp);
        }
      }
    }
    expect(compared).to.equal(1e6);
    expect(differing, `${differing} of 1e6 roundings differ`).to.be.at.most(10);
  });
});
