import type { TensorInfo } from '../../backend.js';
import type { KernelFunc } from '../../kernel_registry.js';
import { broadcastShapes, shapesEqual, stridesOf } from '../../shape.js';
import type { TypedArray } from '../../types.js';
import { newOutput, valuesOf } from './backend_cpu.js';
import { createElementwiseSimd, type SimdElementwiseOp } from './wasm/tensor_ops_simd.js';

// Each elementwise kernel gets its own loops compiled from an expression (as ndarray-ops' cwise
// does): a shared loop calling a closure per element would be megamorphic and several times slower.
// Loops are compiled lazily once per signature (operand dtypes and broadcast pattern), so every loop
// sees one typed-array class per operand, and their bodies are unrolled by UNROLL: V8 does not
// vectorise, and 8-way unrolling halved the time per element (1.9 → 0.9 ns for a + b on 1e6
// float32, docs/performance.md).
const UNROLL = 8;
/** add, mul and relu on same-shape operands of one dtype, and float32 exp, from this many elements on
 * run in WebAssembly SIMD (add/mul/relu bitwise identical, exp within 1 ulp; below it the copies
 * through wasm memory cost more). */
const SIMD_MIN = 4096;
const simd = createElementwiseSimd();

type UnaryLoop = (x: TypedArray, out: TypedArray, n: number, p: number) => void;
type StridedLoop = (arrays: TypedArray[], out: TypedArray, shape: number[], strides: number[][]) => void;
/** Operand layouts the fast loops handle: full (same shape as the output), row (broadcast along
 * leading axes only, like a bias: it repeats every `inner` elements), scalar (one element). */
type Kind = 'f' | 'r' | 's';
type FastLoop = (...args: unknown[]) => void;

/** `lines(u)` for u = 0…UNROLL−1 then a remainder loop: `for` over `i` in [0, n) of the body. */
function unrolled(n: string, body: (offset: string) => string): string {
  let main = '';
  for (let u = 0; u < UNROLL; u++) main += `{ ${body(u === 0 ? 'i' : `i + ${u}`)} }\n`;
  return `let i = 0;
    for (; i + ${UNROLL - 1} < ${n}; i += ${UNROLL}) {\n${main}}
    for (; i < ${n}; i++) { ${body('i')} }`;
}

/** Build a CPU kernel for `out = f(x)` from an expression in `x` (and the numeric attribute `p`).
 * `simdOp`: the same operation's WebAssembly SIMD loop, used for large arrays of a dtype it has.
 * @example
 * ```ts
 * const expCpu = unaryKernel('Math.exp(x)');
 * ```
 */
export function unaryKernel(expression: string, param?: string, simdOp?: SimdElementwiseOp): KernelFunc {
  const source = `${unrolled('n', (i) => `const x = X[${i}]; out[${i}] = ${expression};`)}`;
  const loops = new Map<string, UnaryLoop>();
  return ({ inputs, attrs }) => {
    const x = inputs.x!;
    const [out, info] = newOutput(x.shape, x.dtype, false);
    if (simdOp && simd && out.length >= SIMD_MIN && simd(simdOp, valuesOf(x), null, out)) return info;
    let loop = loops.get(x.dtype);
    if (!loop) loops.set(x.dtype, (loop = new Function('X', 'out', 'n', 'p', source) as UnaryLoop));
    loop(valuesOf(x), out, out.length, param ? (attrs[param] as number) : 0);
    return info;
  };
}

/** Build a CPU kernel for `out = f(a, b, …)` with NumPy broadcasting, from an expression in the input names.
 * Operands that are full-size, scalars, or broadcast along leading axes only (a bias row) take an
 * unrolled flat loop; other broadcasts a strided loop. `simdOp`: the same operation's WebAssembly SIMD
 * loop, used for large same-shape operands of the output's dtype.
 * @example
 * ```ts
 * const addCpu = elementwiseKernel(['a', 'b'], 'a + b', 'add');
 * ```
 */
export function elementwiseKernel(names: string[], expression: string, simdOp?: SimdElementwiseOp): KernelFunc {
  const fast = new Map<string, FastLoop>();
  const compileFast = (kinds: Kind[]): FastLoop => {
    const scalars = names.map((k, j) => (kinds[j] === 's' ? `const ${k} = A${j}[0];` : '')).join(' ');
    const body = (i: string) => names.map((k, j) => (kinds[j] === 'f' ? `const ${k} = A${j}[o + ${i}];` : kinds[j] === 'r' ? `const ${k} = A${j}[${i}];` : '')).join(' ')
      + ` out[o + ${i}] = ${expression};`;
    return new Function(...names.map((_, j) => `A${j}`), 'out', 'rows', 'inner', `
      ${scalars}
      for (let r = 0, o = 0; r < rows; r++, o += inner) {
        ${unrolled('inner', body)}
      }`) as FastLoop;
  };
  const strided = new Function('arrays', 'out', 'shape', 'strides', `
    const rank = shape.length, inner = shape[rank - 1], n = out.length;
    ${names.map((k, j) => `const A${j} = arrays[${j}], S${j} = strides[${j}], s${j} = S${j}[rank - 1];`).join('\n')}
    const idx = new Array(rank - 1).fill(0);
    ${names.map((_, j) => `let o${j} = 0;`).join(' ')}
    for (let base = 0; base < n; base += inner) {
      ${names.map((k, j) => `let p${j} = o${j};`).join(' ')}
      for (let i = 0; i < inner; i++) {
        ${names.map((k, j) => `const ${k} = A${j}[p${j}]; p${j} += s${j};`).join(' ')}
        out[base + i] = ${expression};
      }
      for (let ax = rank - 2; ax >= 0; ax--) {
        idx[ax]++;
        ${names.map((_, j) => `o${j} += S${j}[ax];`).join(' ')}
        if (idx[ax] < shape[ax]) break;
        ${names.map((_, j) => `o${j} -= S${j}[ax] * shape[ax];`).join(' ')}
        idx[ax] = 0;
      }
    }`) as StridedLoop;

  return ({ inputs }) => {
    const infos = names.map((k) => inputs[k]!);
    let shape: number[] = infos[0]!.shape.slice();
    for (let j = 1; j < infos.length; j++) shape = broadcastShapes(shape, infos[j]!.shape, 'elementwise');
    const dtype = infos[infos.length - 1]!.dtype; // ops check operand dtypes; Where's condition may differ
    const [out, info] = newOutput(shape, dtype, false);
    if (out.length === 0) return info;
    const arrays = infos.map(valuesOf);
    const layout = fastLayout(infos, shape);
    if (simdOp && simd && out.length >= SIMD_MIN && layout && layout.kinds.every((k) => k === 'f') && infos.every((i) => i.dtype === dtype)
      && simd(simdOp, arrays[0]!, arrays[1] ?? null, out)) return info;
    if (layout) {
      const key = layout.kinds.join('') + infos.map((i) => i.dtype).join(',') + dtype;
      let loop = fast.get(key);
      if (!loop) fast.set(key, (loop = compileFast(layout.kinds)));
      loop(...arrays, out, out.length / layout.inner, layout.inner);
    } else {
      const rank = Math.max(shape.length, 1);
      const full = shape.length === 0 ? [1] : shape;
      strided(arrays, out, full, infos.map((i) => broadcastStrides(i, full, rank)));
    }
    return info;
  };
}

/** Classify each operand as full, row or scalar (see {@link Kind}); null when some operand is
 * broadcast in another way, or row operands repeat with different periods. `inner` is the period
 * of the row operands (the whole output when there are none). */
function fastLayout(infos: TensorInfo[], shape: number[]): { kinds: Kind[]; inner: number } | null {
  const kinds: Kind[] = [];
  let inner = -1;
  let n = 1;
  for (const d of shape) n *= d;
  for (const info of infos) {
    const s = info.shape;
    if (shapesEqual(s, shape)) { kinds.push('f'); continue; }
    let size = 1;
    for (const d of s) size *= d;
    if (size === 1) { kinds.push('s'); continue; }
    // a row: after dropping leading 1s, the shape is a suffix of the output shape
    let lead = 0;
    while (lead < s.length && s[lead] === 1) lead++;
    const rest = s.length - lead;
    for (let a = 0; a < rest; a++) if (s[lead + a] !== shape[shape.length - rest + a]) return null;
    if (inner !== -1 && inner !== size) return null;
    inner = size;
    kinds.push('r');
  }
  return { kinds, inner: inner === -1 ? n : inner };
}

/** Strides of `info` viewed at the broadcast shape `shape` (0 along broadcast axes). */
function broadcastStrides(info: TensorInfo, shape: number[], rank: number): number[] {
  const own = stridesOf(info.shape);
  const lead = rank - info.shape.length;
  return shape.map((_, ax) => (ax < lead || info.shape[ax - lead] === 1 ? 0 : own[ax - lead]!));
}
