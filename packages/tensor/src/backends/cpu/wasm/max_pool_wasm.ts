// Max pooling's two loops, the window maxima and the gradient routed to each window's maximum, in
// scalar WebAssembly over tensors in the tensor heap. The running maximum is kept with `select`, not
// a branch: in the JS loop `v > best` is a branch the CPU mispredicts on about half the elements of
// real activations (random ones: 7 ms for 1.6M inputs; the same loop on sorted data: 2 ms). The
// comparisons are pool.ts's `maxPoolArgmax`'s in the same order (first maximum on ties, a NaN wins),
// and the gradient adds into dx in the same order, so the results are bitwise identical to the JS loops.
import { F32, F64, I32, I64, type FunctionBuilder, type Local, type ModuleBuilder } from './assembler.js';
import { floatViewsInHeap, heapModule } from './heap_module.js';
import type { Pool2DAttrs } from '../../../kernel_names.js';
import type { TypedArray } from '../../../types.js';

/** A sliding pool's geometry: planes of H×W, Ho×Wo windows of kh×kw at stride (sh, sw), padding (ph, pw). */
export interface MaxPoolGeometry {
  planes: number; H: number; W: number; Ho: number; Wo: number;
  kh: number; kw: number; sh: number; sw: number; ph: number; pw: number;
}

type Exports = Record<'forward32' | 'forward64' | 'backward32' | 'backward64', (...args: number[]) => void>;

/**
 * forward(x, out, geometry…): out[o] ← the maximum of window o; backward(x, dy, dx, geometry…):
 * dx[argmax of window o] += dy[o]. Addresses are byte offsets into the heap; the geometry is
 * {@link MaxPoolGeometry}'s eleven numbers in order.
 */
function emit(m: ModuleBuilder, wide: boolean, backward: boolean): void {
  const f = m.func(`${backward ? 'backward' : 'forward'}${wide ? 64 : 32}`, new Array<typeof I32>(backward ? 14 : 13).fill(I32));
  const [x, o, dx] = f.params as [Local, Local, Local];
  const [planes, H, W, Ho, Wo, kh, kw, sh, sw, ph, pw] = f.params.slice(backward ? 3 : 2) as [Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local];
  const shift = wide ? 3 : 2, elem = 1 << shift;
  const [p, i, j, h, k, plane, planeBytes, hs, he, ws, we, row, addr, at, cond] = Array.from({ length: 15 }, () => f.local(I32));
  // the running maximum is selected as integer bits (a conditional move); V8 selects floats with a branch
  const best = f.local(wide ? F64 : F32), v = f.local(wide ? F64 : F32), bestBits = f.local(wide ? I64 : I32), vBits = f.local(wide ? I64 : I32);
  const load = () => (wide ? f.f64Load() : f.f32Load());
  const store = () => (wide ? f.f64Store() : f.f32Store());
  f.get(H).get(W).i32Mul().i32(shift).i32Shl().set(planeBytes);
  f.get(x).set(plane);
  f.for(p, () => f.i32(0), () => f.get(planes), 1, () => {
    f.for(i, () => f.i32(0), () => f.get(Ho), 1, () => {
      // rows [hs, he) of window row i, clipped to the input
      f.get(i).get(sh).i32Mul().get(ph).i32Sub().set(hs);
      f.get(hs).get(kh).i32Add().set(he);
      f.i32MinMax(he, H, true).set(he);
      f.i32MinMax(hs, 0, false).set(hs);
      f.for(j, () => f.i32(0), () => f.get(Wo), 1, () => {
        f.get(j).get(sw).i32Mul().get(pw).i32Sub().set(ws);
        f.get(ws).get(kw).i32Add().set(we);
        f.i32MinMax(we, W, true).set(we);
        f.i32MinMax(ws, 0, false).set(ws);
        if (wide) f.f64(-Infinity).tee(best).i64ReinterpretF64(); else f.f32(-Infinity).tee(best).i32ReinterpretF32();
        f.set(bestBits);
        f.get(plane).get(hs).get(W).i32Mul().get(ws).i32Add().i32(shift).i32Shl().i32Add().set(at);
        f.for(h, () => f.get(hs), () => f.get(he), 1, () => {
          f.get(plane).get(h).get(W).i32Mul().i32(shift).i32Shl().i32Add().set(row);
          f.for(k, () => f.get(ws), () => f.get(we), 1, () => {
            f.get(row).get(k).i32(shift).i32Shl().i32Add().tee(addr);
            if (wide) f.i64Load().tee(vBits).f64ReinterpretI64(); else f.i32Load().tee(vBits).f32ReinterpretI32();
            f.set(v);
            // v > best || v != v (a NaN)
            f.get(v).get(best); if (wide) f.f64Gt(); else f.f32Gt();
            f.get(v).get(v); if (wide) f.f64Ne(); else f.f32Ne();
            f.i32Or().set(cond);
            f.get(vBits).get(bestBits).get(cond).select().tee(bestBits);
            if (wide) f.f64ReinterpretI64(); else f.f32ReinterpretI32();
            f.set(best);
            if (backward) f.get(addr).get(at).get(cond).select().set(at);
          });
        });
        if (backward) {
          // dx[at − x] += dy[o]
          f.get(dx).get(at).i32Add().get(x).i32Sub().tee(addr);
          f.get(addr); load();
          f.get(o); load();
          if (wide) f.f64Add(); else f.f32Add();
          store();
        } else {
          f.get(o).get(best); store();
        }
        f.addTo(o, elem);
      });
    });
    f.get(plane).get(planeBytes).i32Add().set(plane);
  });
}

const heapKernels = heapModule<Exports>((m) => {
  for (const backward of [false, true]) for (const wide of [false, true]) emit(m, wide, backward);
});

/** The geometry's numbers in the kernels' parameter order. */
function geometryArgs(g: MaxPoolGeometry): number[] {
  return [g.planes, g.H, g.W, g.Ho, g.Wo, g.kh, g.kw, g.sh, g.sw, g.ph, g.pw];
}

/**
 * out ← each window's maximum, in WebAssembly, when x and out are views into the tensor heap (tensors
 * made inside a memory scope); returns false, having done nothing, otherwise (the caller runs the JS loop).
 * @example
 * ```ts
 * if (!maxPoolForwardWasm(xs, out, geometry)) maxPoolArgmax(xs, out, null, …);
 * ```
 */
export function maxPoolForwardWasm(x: TypedArray, out: TypedArray, g: MaxPoolGeometry): boolean {
  if (!floatViewsInHeap([x, out])) return false;
  const k = heapKernels();
  if (k === null) return false;
  (x instanceof Float64Array ? k.forward64 : k.forward32)(x.byteOffset, out.byteOffset, ...geometryArgs(g));
  return true;
}

/**
 * dx[argmax of window o] += dy[o] for every window in order, in WebAssembly, when x, dy and dx are views
 * into the tensor heap; returns false, having done nothing, otherwise.
 * @example
 * ```ts
 * if (!maxPoolBackwardWasm(xs, dys, dx, geometry)) { … the JS loop … }
 * ```
 */
export function maxPoolBackwardWasm(x: TypedArray, dy: TypedArray, dx: TypedArray, g: MaxPoolGeometry): boolean {
  if (!floatViewsInHeap([x, dy, dx])) return false;
  const k = heapKernels();
  if (k === null) return false;
  (x instanceof Float64Array ? k.backward64 : k.backward32)(x.byteOffset, dy.byteOffset, dx.byteOffset, ...geometryArgs(g));
  return true;
}

/** The geometry of a sliding pool over input `[N, C, H, W]` (PyTorch's output size, ceil_mode off).
 * @example
 * ```ts
 * maxPoolGeometry([64, 32, 28, 28], { kernel: [2, 2], stride: [2, 2], padding: [0, 0] }); // 14×14 windows of 2×2
 * ```
 */
export function maxPoolGeometry(shape: readonly number[], attrs: Pick<Pool2DAttrs, 'kernel' | 'stride' | 'padding'>): MaxPoolGeometry {
  const [N, C, H, W] = shape as [number, number, number, number];
  const [kh, kw] = attrs.kernel, [sh, sw] = attrs.stride, [ph, pw] = attrs.padding;
  return { planes: N * C, H, W, Ho: Math.floor((H + 2 * ph - kh) / sh) + 1, Wo: Math.floor((W + 2 * pw - kw) / sw) + 1, kh, kw, sh, sw, ph, pw };
}
