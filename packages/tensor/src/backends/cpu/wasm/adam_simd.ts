// Adam's fused float32 update (the loop of @descent/optim's `scaleByAdam` on float32 storage) in
// WebAssembly f64x2 SIMD. Every lane performs the same IEEE float64 operations, in the same order,
// with the same float32 roundings as the JS loop, so the results are bitwise identical to it. The
// arrays are copied through a small, fixed wasm memory in chunks (which also keeps each chunk in
// cache); the memory never grows. Where WebAssembly SIMD is missing, createAdamSimd returns null.
import { F64, I32, ModuleBuilder, V128, type FunctionBuilder, type Local } from './assembler.js';

/** Elements per chunk: four float32 arrays of CHUNK elements make the kernel's memory (1 MiB). */
const CHUNK = 65536;
const PAGES = (4 * CHUNK * 4) / 65536;

/** Emit `adam(n, beta1, beta2, a1, a2, bc1, bc2sqrt, eps, scale, decay, l2)` over n (even) elements of
 * th, s, m, v at byte offsets 0, 4·CHUNK, 8·CHUNK, 12·CHUNK; mode 0: plain, 1: decoupled decay, 2: L2. */
function emitAdam(f: FunctionBuilder, mode: 0 | 1 | 2): void {
  const [n, ...scalars] = f.params as [Local, ...Local[]];
  const [beta1, beta2, a1, a2, bc1, bc2sqrt, eps, scale, decay, l2] = scalars.map((p) => {
    const l = f.local(V128);
    f.get(p).f64x2Splat().set(l);
    return l;
  }) as [Local, Local, Local, Local, Local, Local, Local, Local, Local, Local];
  const i = f.local(I32), end = f.local(I32), p = f.local(V128), g = f.local(V128), mi = f.local(V128), vi = f.local(V128), r32 = f.local(V128);
  const TH = 0, S = 4 * CHUNK, M = 8 * CHUNK, V = 12 * CHUNK;
  const load = (off: number) => f.get(i).v128Load64Zero(off).f64x2PromoteLowF32x4();
  const demote = () => f.f32x4DemoteF64x2Zero();
  f.get(n).i32(4).i32Mul().set(end);
  f.for(i, () => f.i32(0), () => f.get(end), 8, () => {
    load(TH).set(p);
    // g = s (+ f32(s + l2·p) for L2)
    load(S);
    if (mode === 2) f.get(l2).get(p).f64x2Mul().f64x2Add().f32x4DemoteF64x2Zero().f64x2PromoteLowF32x4();
    f.set(g);
    // mi = f32(beta1·m + a1·g)
    f.get(beta1); load(M); f.f64x2Mul().get(a1).get(g).f64x2Mul().f64x2Add();
    demote(); f.set(r32);
    f.get(i).get(r32).v128Store64Lane(0, M);
    f.get(r32).f64x2PromoteLowF32x4().set(mi);
    // vi = f32(beta2·v + (a2·g)·g)
    f.get(beta2); load(V); f.f64x2Mul().get(a2).get(g).f64x2Mul().get(g).f64x2Mul().f64x2Add();
    demote(); f.set(r32);
    f.get(i).get(r32).v128Store64Lane(0, V);
    f.get(r32).f64x2PromoteLowF32x4().set(vi);
    // th = f32(p + f32(scale·(mi / bc1 / (√vi / bc2sqrt + eps)) [+ decay·p]))
    f.get(i).get(p);
    f.get(scale).get(mi).get(bc1).f64x2Div().get(vi).f64x2Sqrt().get(bc2sqrt).f64x2Div().get(eps).f64x2Add().f64x2Div().f64x2Mul();
    if (mode === 1) f.get(decay).get(p).f64x2Mul().f64x2Add();
    demote(); f.f64x2PromoteLowF32x4();
    f.f64x2Add();
    demote(); f.v128Store64Lane(0, TH);
  });
}

interface Kernels {
  memory: WebAssembly.Memory;
  adam0(n: number, ...k: number[]): void;
  adam1(n: number, ...k: number[]): void;
  adam2(n: number, ...k: number[]): void;
}

function compile(): WebAssembly.Module | null {
  try {
    if (typeof WebAssembly !== 'object') return null;
    const m = new ModuleBuilder();
    for (const mode of [0, 1, 2] as const) emitAdam(m.func(`adam${mode}`, [I32, F64, F64, F64, F64, F64, F64, F64, F64, F64, F64]), mode);
    const bytes = m.encode();
    if (!WebAssembly.validate(bytes)) return null;
    return new WebAssembly.Module(bytes);
  } catch {
    return null;
  }
}

/** Adam's fused in-place float32 update: `th`, `m`, `v` updated in place from the gradient `s`
 * (all of one length), bitwise identical to `scaleByAdam`'s float32 loop in `@descent/optim`.
 * Returns false (having done nothing) for `decay` and `l2` both nonzero. */
export type AdamSimdKernel = (th: Float32Array, s: Float32Array, m: Float32Array, v: Float32Array, beta1: number, beta2: number,
  a1: number, a2: number, bc1: number, bc2sqrt: number, eps: number, scale: number, decay: number, l2: number) => boolean;

/**
 * The WebAssembly SIMD Adam kernel, or null where WebAssembly SIMD is not available. Its memory
 * (1 MiB) is allocated on first use.
 * @example
 * ```ts
 * const adam = createAdamSimd();
 * if (adam) adam(theta, grad, m, v, 0.9, 0.999, 0.1, 0.001, 0.1, Math.sqrt(0.001), 1e-8, -1e-3, 0, 0);
 * ```
 */
export function createAdamSimd(): AdamSimdKernel | null {
  const module = compile();
  if (!module) return null;
  let k: Kernels | null = null;
  let th32: Float32Array, s32: Float32Array, m32: Float32Array, v32: Float32Array;
  return (th, s, m, v, beta1, beta2, a1, a2, bc1, bc2sqrt, eps, scale, decay, l2) => {
    if (decay !== 0 && l2 !== 0) return false;
    if (k === null) {
      const memory = new WebAssembly.Memory({ initial: PAGES, maximum: PAGES });
      k = { memory, ...(new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as Omit<Kernels, 'memory'>) };
      th32 = new Float32Array(memory.buffer, 0, CHUNK);
      s32 = new Float32Array(memory.buffer, 4 * CHUNK, CHUNK);
      m32 = new Float32Array(memory.buffer, 8 * CHUNK, CHUNK);
      v32 = new Float32Array(memory.buffer, 12 * CHUNK, CHUNK);
    }
    const kernel = decay !== 0 ? k.adam1 : l2 !== 0 ? k.adam2 : k.adam0;
    const n = th.length;
    for (let c = 0; c < n; c += CHUNK) {
      const len = Math.min(CHUNK, n - c), e = c + len;
      th32.set(th.subarray(c, e)); s32.set(s.subarray(c, e)); m32.set(m.subarray(c, e)); v32.set(v.subarray(c, e));
      if (len & 1) { th32[len] = 0; s32[len] = 0; m32[len] = 0; v32[len] = 0; } // an even count; the pad lane is discarded
      kernel(len + (len & 1), beta1, beta2, a1, a2, bc1, bc2sqrt, eps, scale, decay, l2);
      th.set(th32.subarray(0, len), c); m.set(m32.subarray(0, len), c); v.set(v32.subarray(0, len), c);
    }
    return true;
  };
}
