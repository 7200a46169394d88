// Elementwise add, mul and relu of the CPU backend in WebAssembly SIMD (f32x4 / f64x2). The operands
// live in JS typed arrays, so they pass through a small, fixed wasm memory in chunks that stay in L1/L2:
// copy in, one SIMD pass, copy out. Each lane does the IEEE operation the JS loop does on the same
// dtype (a float32 sum or product computed in float64 and rounded is the float32 one), so results are
// bitwise identical to the JS loops. Where WebAssembly SIMD is missing, createElementwiseSimd returns null.
import { I32, ModuleBuilder, V128, type FunctionBuilder, type Local } from './assembler.js';
import type { TypedArray } from '../../../types.js';

/** Elements per chunk (per operand); three operands of float64 make 384 KiB: the kernel's whole memory. */
const CHUNK = 16384;
const PAGES = (3 * CHUNK * 8) / 65536;

/** The operations with a SIMD loop. */
export type SimdElementwiseOp = 'add' | 'mul' | 'relu';

/** Emit `op(bytes)`: out = a ∘ b (or relu(a)) over `bytes` (a multiple of 16) at byte offsets 0, X, 2X. */
function emit(f: FunctionBuilder, op: SimdElementwiseOp, elem: 4 | 8): void {
  const [bytes] = f.params as [Local];
  const i = f.local(I32), zero = f.local(V128);
  const X = CHUNK * elem;
  f.v128Zero().set(zero);
  f.for(i, () => f.i32(0), () => f.get(bytes), 16, () => {
    f.get(i); // store address
    f.get(i).v128Load(0);
    if (op === 'relu') {
      // x <= 0 ? 0 : x  (keeps NaN, maps −0 to 0, as the JS loop)
      f.get(i).v128Load(0).get(zero);
      if (elem === 4) f.f32x4Le(); else f.f64x2Le();
      f.v128Andnot();
    } else {
      f.get(i).v128Load(X);
      if (op === 'add') { if (elem === 4) f.f32x4Add(); else f.f64x2Add(); }
      else if (elem === 4) f.f32x4Mul(); else f.f64x2Mul();
    }
    f.v128Store(2 * X);
  });
}

type Kernel = (bytes: number) => void;

/**
 * The SIMD elementwise loops, or null where WebAssembly SIMD is missing. The returned function computes
 * `out[i] = a[i] ∘ b[i]` (b ignored for relu) for arrays of one dtype and length; its memory (384 KiB)
 * is allocated on first use and never grows.
 * @example
 * ```ts
 * const simd = createElementwiseSimd();
 * simd?.('add', a, b, out);
 * ```
 */
export function createElementwiseSimd(): ((op: SimdElementwiseOp, a: TypedArray, b: TypedArray | null, out: TypedArray) => void) | null {
  let module: WebAssembly.Module;
  try {
    if (typeof WebAssembly !== 'object') return null;
    const m = new ModuleBuilder();
    for (const op of ['add', 'mul', 'relu'] as const) for (const elem of [4, 8] as const) emit(m.func(`${op}${elem}`, [I32]), op, elem);
    const bytes = m.encode();
    if (!WebAssembly.validate(bytes)) return null;
    module = new WebAssembly.Module(bytes);
  } catch {
    return null;
  }
  let kernels: Record<string, Kernel> | null = null;
  let f32: Float32Array[] = [], f64: Float64Array[] = [];
  return (op, a, b, out) => {
    if (kernels === null) {
      const memory = new WebAssembly.Memory({ initial: PAGES, maximum: PAGES });
      kernels = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as Record<string, Kernel>;
      f32 = [0, 1, 2].map((j) => new Float32Array(memory.buffer, j * CHUNK * 4, CHUNK));
      f64 = [0, 1, 2].map((j) => new Float64Array(memory.buffer, j * CHUNK * 8, CHUNK));
    }
    const is32 = out instanceof Float32Array;
    const [wa, wb, wo] = (is32 ? f32 : f64) as [TypedArray, TypedArray, TypedArray];
    const kernel = kernels[`${op}${is32 ? 4 : 8}`]!;
    const elem = is32 ? 4 : 8;
    const n = out.length;
    for (let c = 0; c < n; c += CHUNK) {
      const e = Math.min(n, c + CHUNK), len = e - c;
      wa.set(a.subarray(c, e));
      if (b) wb.set(b.subarray(c, e));
      kernel(Math.ceil((len * elem) / 16) * 16); // a partial last vector computes on stale lanes that are not copied out
      out.set(len === CHUNK ? wo : wo.subarray(0, len), c);
    }
  };
}
