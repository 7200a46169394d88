import { add, mul, sub, where, greater, relu, exp, tensor, Rng, type Tensor } from '@descent/tensor';
const rng = new Rng(9);
function rt(shape: number[], dtype: 'float32' | 'float64' = 'float32'): Tensor {
  const n = shape.reduce((a, d) => a * d, 1); const v = new Float64Array(n); for (let i = 0; i < n; i++) v[i] = rng.uniform() * 2 - 1;
  return tensor(dtype === 'float32' ? Float32Array.from(v) : v, { shape, dtype });
}
function ref(a: Tensor, b: Tensor, f: (x: number, y: number) => number, dtype: string): number[] {
  const R = Math.max(a.rank, b.rank);
  const sa = [...Array(R - a.rank).fill(1), ...a.shape], sb = [...Array(R - b.rank).fill(1), ...b.shape];
  const so = sa.map((d, i) => (d === 1 ? sb[i]! : d));
  const n = so.reduce((x, d) => x * d, 1);
  const A = a.buffer(), B = b.buffer(); const out: number[] = [];
  const st = (s: number[]) => s.map((_, i) => s.slice(i + 1).reduce((x, d) => x * d, 1));
  const ta = st(sa), tb = st(sb), to = st(so);
  for (let i = 0; i < n; i++) {
    let ia = 0, ib = 0;
    for (let ax = 0; ax < R; ax++) { const c = Math.floor(i / to[ax]!) % so[ax]!; ia += (sa[ax] === 1 ? 0 : c) * ta[ax]!; ib += (sb[ax] === 1 ? 0 : c) * tb[ax]!; }
    const v = f(A[ia]!, B[ib]!); out.push(dtype === 'float32' ? Math.fround(v) : v);
  }
  return out;
}
const pairs: Array<[number[], number[]]> = [[[], []], [[5], [5]], [[37], []], [[], [37]], [[4, 9], [9]], [[9], [4, 9]], [[4, 9], [1, 9]], [[4, 9], [4, 1]], [[2, 3, 4], [3, 4]], [[2, 3, 4], [2, 1, 4]], [[2, 1, 4], [3, 1]], [[0, 3], [3]], [[64, 256], [256]], [[3, 17], [3, 17]], [[1, 1], [7]]];
let count = 0;
for (const dtype of ['float32', 'float64'] as const) for (const [s1, s2] of pairs) {
  const a = rt(s1, dtype), b = rt(s2, dtype);
  for (const [op, f] of [[add, (x: number, y: number) => x + y], [mul, (x: number, y: number) => x * y], [sub, (x: number, y: number) => x - y]] as const) {
    const got = Array.from(op(a, b).buffer()); const want = ref(a, b, f, dtype);
    if (got.length !== want.length || got.some((v, i) => !Object.is(v, want[i]))) throw new Error(`mismatch ${op.name} ${s1} ${s2} ${dtype}`);
    count++;
  }
  const w = where(greater(a, b), a, b); const want = ref(a, b, (x, y) => (x > y ? x : y), dtype);
  if (Array.from(w.buffer()).some((v, i) => !Object.is(v, want[i]))) throw new Error(`where mismatch ${s1} ${s2}`);
}
const x = rt([1003]); const r = relu(x).buffer(), e = exp(x).buffer(), xb = x.buffer();
for (let i = 0; i < 1003; i++) { if (r[i] !== Math.max(0, xb[i]!)) throw new Error('relu'); if (e[i] !== Math.fround(Math.exp(xb[i]!))) throw new Error('exp'); }
console.log(`elementwise ok: ${count} cases`);
