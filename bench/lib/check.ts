// Before timing anything: the CPU backend's two matmul kernels (WebAssembly SIMD and the pure-TS
// reference) must agree (float64 bit for bit; float32 within float32 rounding, as the SIMD kernel
// sums in float32), and both must match a float64 reference product.
import { cpuBackend, matmul, Rng, tensor, type Tensor } from '@descent/tensor';

function reference(a: Float64Array, b: Float64Array, M: number, N: number, K: number, tA: boolean, tB: boolean): Float64Array {
  const C = new Float64Array(M * N);
  for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) {
    let s = 0;
    for (let k = 0; k < K; k++) s += (tA ? a[k * M + i]! : a[i * K + k]!) * (tB ? b[j * K + k]! : b[k * N + j]!);
    C[i * N + j] = s;
  }
  return C;
}

/** Run the check; returns a one-line summary, throws on any disagreement. */
export function checkMatmulKernels(): string {
  const rng = new Rng(11);
  const sizes: Array<[number, number, number]> = [[1, 1, 1], [3, 7, 5], [17, 9, 300], [64, 10, 128], [64, 256, 784], [130, 517, 260], [5, 600, 3]];
  let cases = 0;
  const previous = cpuBackend.setMatmulKernel('auto');
  const simd = cpuBackend.info?.().matmul;
  try {
    for (const [M, N, K] of sizes) for (const tA of [false, true]) for (const tB of [false, true]) for (const dtype of ['float32', 'float64'] as const) {
      for (const batch of [0, 3]) {
        const bs = batch || 1;
        const av = new Float64Array(bs * M * K).map(() => 2 * rng.uniform() - 1);
        const bv = new Float64Array(bs * K * N).map(() => 2 * rng.uniform() - 1);
        const cast = (v: Float64Array) => (dtype === 'float32' ? Float32Array.from(v) : v);
        const shapeA = tA ? [K, M] : [M, K], shapeB = tB ? [N, K] : [K, N];
        const A = tensor(cast(av), { shape: batch ? [batch, ...shapeA] : shapeA, dtype });
        const B = tensor(cast(bv), { shape: batch ? [batch, ...shapeB] : shapeB, dtype });
        const run = (kernel: 'js' | 'wasm'): Tensor => { cpuBackend.setMatmulKernel(kernel); return matmul(A, B, { transposeA: tA, transposeB: tB }); };
        const js = run('js').buffer(), wasm = run('wasm').buffer();
        for (let i = 0; i < js.length; i++) {
          const same = dtype === 'float64' ? Object.is(js[i], wasm[i]) : Math.abs(js[i]! - wasm[i]!) <= 2 ** -22 * K * (1 + Math.abs(js[i]!));
          if (!same) throw new Error(`matmul kernels differ: ${dtype} [${M},${N},${K}] tA=${tA} tB=${tB} batch=${batch} at ${i}: js ${js[i]} wasm ${wasm[i]}`);
        }
        const a64 = Float64Array.from(A.buffer()), b64 = Float64Array.from(B.buffer());
        for (let n = 0; n < bs; n++) {
          const R = reference(a64.subarray(n * M * K, (n + 1) * M * K), b64.subarray(n * K * N, (n + 1) * K * N), M, N, K, tA, tB);
          const tol = (dtype === 'float32' ? 1e-6 : 1e-13) * Math.sqrt(K);
          for (let i = 0; i < R.length; i++) {
            if (!(Math.abs(R[i]! - js[n * M * N + i]!) <= tol * (1 + Math.abs(R[i]!)))) throw new Error(`matmul wrong: ${dtype} [${M},${N},${K}] tA=${tA} tB=${tB}: ${js[n * M * N + i]} vs ${R[i]}`);
          }
        }
        cases++;
      }
    }
  } finally {
    cpuBackend.setMatmulKernel(previous);
  }
  return `matmul kernels: ${simd} and js agree (float64 bitwise, float32 within float32 rounding) and match a float64 reference on ${cases} cases`;
}
