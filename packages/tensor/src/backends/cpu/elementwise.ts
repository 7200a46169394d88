import type { TensorInfo } from '../../backend.js';
import type { KernelFunc } from '../../kernel_registry.js';
import { broadcastShapes, shapesEqual, stridesOf } from '../../shape.js';
import type { TypedArray } from '../../types.js';
import { newOutput, valuesOf } from './backend_cpu.js';

// Each elementwise kernel gets its own loop compiled from an expression (as ndarray-ops' cwise
// does): a shared loop calling a closure per element would be megamorphic and several times slower.
type UnaryLoop = (x: TypedArray, out: TypedArray, n: number, p: number) => void;
type BinaryLoop = (a: TypedArray, b: TypedArray, out: TypedArray, n: number) => void;
type StridedLoop = (arrays: TypedArray[], out: TypedArray, shape: number[], strides: number[][]) => void;

/** Build a CPU kernel for `out = f(x)` from an expression in `x` (and the numeric attribute `p`).
 * @example
 * ```ts
 * const expCpu = unaryKernel('Math.exp(x)');
 * ```
 */
export function unaryKernel(expression: string, param?: string): KernelFunc {
  const loop = new Function('X', 'out', 'n', 'p', `for (let i = 0; i < n; i++) { const x = X[i]; out[i] = ${expression}; }`) as UnaryLoop;
  return ({ inputs, attrs }) => {
    const x = inputs.x!;
    const [out, info] = newOutput(x.shape, x.dtype);
    loop(valuesOf(x), out, out.length, param ? (attrs[param] as number) : 0);
    return info;
  };
}

/** Build a CPU kernel for `out = f(a, b, …)` with NumPy broadcasting, from an expression in the input names.
 * Same-shape and scalar operands take a flat loop; other broadcasts a strided loop.
 * @example
 * ```ts
 * const addCpu = elementwiseKernel(['a', 'b'], 'a + b');
 * ```
 */
export function elementwiseKernel(names: string[], expression: string): KernelFunc {
  const flatBody = `for (let i = 0; i < n; i++) { ${names.map((k, j) => `const ${k} = A${j}[i];`).join(' ')} out[i] = ${expression}; }`;
  const flat = new Function(...names.map((_, j) => `A${j}`), 'out', 'n', flatBody) as (...args: unknown[]) => void;
  const scalarB = names.length === 2
    ? (new Function('A0', 'A1', 'out', 'n', `const ${names[1]} = A1[0]; for (let i = 0; i < n; i++) { const ${names[0]} = A0[i]; out[i] = ${expression}; }`) as BinaryLoop)
    : null;
  const scalarA = names.length === 2
    ? (new Function('A0', 'A1', 'out', 'n', `const ${names[0]} = A0[0]; for (let i = 0; i < n; i++) { const ${names[1]} = A1[i]; out[i] = ${expression}; }`) as BinaryLoop)
    : null;
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
    const [out, info] = newOutput(shape, dtype);
    const arrays = infos.map(valuesOf);
    if (infos.every((i) => shapesEqual(i.shape, shape))) {
      flat(...arrays, out, out.length);
    } else if (scalarB && shapesEqual(infos[0]!.shape, shape) && infos[1]!.shape.reduce((p, d) => p * d, 1) === 1) {
      scalarB(arrays[0]!, arrays[1]!, out, out.length);
    } else if (scalarA && shapesEqual(infos[1]!.shape, shape) && infos[0]!.shape.reduce((p, d) => p * d, 1) === 1) {
      scalarA(arrays[0]!, arrays[1]!, out, out.length);
    } else if (out.length > 0) {
      const rank = Math.max(shape.length, 1);
      const full = shape.length === 0 ? [1] : shape;
      strided(arrays, out, full, infos.map((i) => broadcastStrides(i, full, rank)));
    }
    return info;
  };
}

/** Strides of `info` viewed at the broadcast shape `shape` (0 along broadcast axes). */
function broadcastStrides(info: TensorInfo, shape: number[], rank: number): number[] {
  const own = stridesOf(info.shape);
  const lead = rank - info.shape.length;
  return shape.map((_, ax) => (ax < lead || info.shape[ax - lead] === 1 ? 0 : own[ax - lead]!));
}
