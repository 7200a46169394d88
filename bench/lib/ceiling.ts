// The machine's limits, measured in the bench's own process so every figure can be read against them:
// the clock (a chain of dependent integer adds in wasm, one per cycle), the single-core f32x4 peak
// derived from it, and memory bandwidth from a plain copy loop (TypedArray.prototype.set).
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { I32, ModuleBuilder } from '../../packages/tensor/src/backends/cpu/wasm/assembler.js';

/** What {@link measureCeilings} reports. */
export interface Ceilings {
  /** Clock estimated from dependent adds (GHz; turbo included, load lowers it). */
  clock_ghz: number;
  /** `cpu MHz` of /proc/cpuinfo (a VM often reports the nominal clock), or null. */
  cpuinfo_mhz: number | null;
  /** clock × 4 lanes × 2 flops per multiply-add × 2 SIMD pipes: the single-core f32x4 peak (f64x2: half). */
  peak_f32x4_gflops: number;
  /** Copy bandwidth (bytes read + written per second, GB/s) on 4 MB arrays: the elementwise working set, cache-resident. */
  copy_gbps_4mb: number;
  /** The same on 64 MB arrays: from DRAM. */
  copy_gbps_64mb: number;
  /** os.availableParallelism(). */
  available_parallelism: number;
}

const CHAIN = 1000;

/** A wasm function running `iterations` × CHAIN dependent i32 adds (x += y, y unknown to the compiler). */
function chainKernel(): (iterations: number, y: number) => number {
  const m = new ModuleBuilder();
  const f = m.func('chain', [I32, I32], [I32]);
  const [n, y] = f.params as [{ index: number; type: typeof I32 }, { index: number; type: typeof I32 }];
  const i = f.local(I32), x = f.local(I32);
  f.for(i, () => f.i32(0), () => f.get(n), 1, () => {
    for (let k = 0; k < CHAIN; k++) f.get(x).get(y).i32Add().set(x);
  });
  f.get(x);
  return (new WebAssembly.Instance(new WebAssembly.Module(m.encode()), { env: { memory: new WebAssembly.Memory({ initial: 1 }) } }).exports as { chain: (n: number, y: number) => number }).chain;
}

/** Best of `reps` timings of fn, ms (the best is the least disturbed by other processes). */
function best(fn: () => void, reps: number): number {
  fn();
  let t = Infinity;
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    fn();
    t = Math.min(t, performance.now() - t0);
  }
  return t;
}

/** Measure the clock and copy bandwidth (about 1 s; `quick`: fewer repetitions). */
export function measureCeilings(quick: boolean): Ceilings {
  const chain = chainKernel();
  // short trials (0.1–0.2 ms): on a loaded machine long ones are rarely left alone for their whole length
  const iterations = 500;
  const ms = best(() => { chain(iterations, 3); }, quick ? 100 : 300);
  const clock = (iterations * CHAIN) / (ms * 1e6);
  let cpuinfo: number | null = null;
  try {
    const m = /cpu MHz\s*:\s*([\d.]+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    cpuinfo = m ? Math.round(Number(m[1])) : null;
  } catch { /* not Linux */ }
  const copy = (bytes: number, reps: number) => {
    const src = new Float32Array(bytes / 4).fill(1), dst = new Float32Array(bytes / 4);
    dst.set(src);
    return (2 * bytes) / (best(() => { dst.set(src); }, reps) * 1e6);
  };
  return {
    clock_ghz: clock,
    cpuinfo_mhz: cpuinfo,
    peak_f32x4_gflops: clock * 4 * 2 * 2,
    copy_gbps_4mb: copy(4e6, quick ? 20 : 50),
    copy_gbps_64mb: copy(64e6, quick ? 3 : 8),
    available_parallelism: os.availableParallelism(),
  };
}
