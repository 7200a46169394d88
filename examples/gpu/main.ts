// The gpu.js backend: enable it, multiply two matrices on it, train a small network on it, and
// compare every number with the CPU backend. Runs in whatever gpu.js mode works here (headlessgl on a
// machine with a GPU or under `xvfb-run -a`, else webasm, else cpu); falls back to the CPU backend
// with the reason when gpu.js is not installed.
//   node --import tsx --conditions=source examples/gpu/main.ts [--mode=headlessgl|webasm|cpu] [--size=512] [--steps=20]
import { crossEntropy, getBackend, matmul, noGrad, randn, relu, Rng, setBackend, sub, mul, add, tensor, type Tensor } from '@descent/tensor';
import { enableGpuBackend, type GpuBackendInfo, type GpuMode } from '@descent/tensor/gpu';

/** Options of {@link main}. */
export interface GpuExampleOptions {
  mode?: GpuMode | 'auto';
  /** Side of the square matrices multiplied (default 512). */
  size?: number;
  /** Training steps (default 20). */
  steps?: number;
  /** Where lines go (default console.log; false for silence). */
  log?: ((line: string) => void) | false;
}

/** What the example measured. */
export interface GpuExampleResult {
  info: GpuBackendInfo;
  /** Backend the gpu part actually ran on ('cpu' when gpu.js is unavailable). */
  backend: string;
  matmul: { gpuMs: number; cpuMs: number; maxRelDiff: number };
  training: { gpuLosses: number[]; cpuLosses: number[] };
}

/** Train a 16-32-3 ReLU network with SGD on a fixed synthetic task; returns the loss of every step. */
function train(steps: number): number[] {
  const rng = new Rng(3);
  const x = randn([64, 16], rng);
  const labels = Array.from({ length: 64 }, (_, i) => i % 3);
  const W1 = randn([16, 32], rng).mul(0.25).detach().requireGrad();
  const b1 = tensor(new Float32Array(32)).requireGrad();
  const W2 = randn([32, 3], rng).mul(0.25).detach().requireGrad();
  const params: Tensor[] = [W1, b1, W2];
  const losses: number[] = [];
  for (let s = 0; s < steps; s++) {
    const loss = crossEntropy(matmul(relu(add(matmul(x, W1), b1)), W2), labels);
    loss.backward();
    // the update runs on the backend too; assign() stores it back into the parameter
    noGrad(() => { for (const p of params) { p.assign(sub(p, mul(p.grad!, 0.5))); p.grad = null; } });
    losses.push(loss.item());
  }
  return losses;
}

function timed<T>(fn: () => T): [T, number] {
  const t0 = performance.now();
  const r = fn();
  return [r, performance.now() - t0];
}

export function main(options: GpuExampleOptions = {}): GpuExampleResult {
  const { mode = 'auto', size = 512, steps = 20 } = options;
  const log = options.log === false ? () => {} : (options.log ?? ((l: string) => console.log(l)));
  // available: false (with the reason) when gpu.js is missing or fails its self-test; the CPU stays active
  const info = enableGpuBackend({ mode, warn: null });
  log(info.available ? `gpu backend: mode ${info.mode}, renderer ${info.renderer}` : `gpu backend unavailable (${info.reason}); running on the CPU`);
  const backend = getBackend().name;

  const rng = new Rng(1);
  const A = randn([size, size], rng).data(), B = randn([size, size], rng).data();
  const product = () => matmul(tensor(A, { shape: [size, size] }), tensor(B, { shape: [size, size] })).data();
  product(); // compile the kernels once
  const [g, gpuMs] = timed(product);
  setBackend('cpu');
  const [c, cpuMs] = timed(product);
  let maxRelDiff = 0;
  const scale = Math.sqrt(size);
  for (let i = 0; i < c.length; i++) maxRelDiff = Math.max(maxRelDiff, Math.abs(g[i]! - c[i]!) / scale);
  log(`matmul ${size}×${size}: ${backend} ${gpuMs.toFixed(1)} ms, cpu ${cpuMs.toFixed(1)} ms, largest difference ${maxRelDiff.toExponential(1)} (relative to √n)`);

  setBackend(backend);
  const gpuLosses = train(steps);
  setBackend('cpu');
  const cpuLosses = train(steps);
  log(`training, loss by step (${backend} | cpu):`);
  for (let s = 0; s < steps; s += Math.max(1, Math.floor(steps / 5))) log(`  step ${String(s).padStart(3)}  ${gpuLosses[s]!.toFixed(6)} | ${cpuLosses[s]!.toFixed(6)}`);
  log(`  step ${String(steps - 1).padStart(3)}  ${gpuLosses[steps - 1]!.toFixed(6)} | ${cpuLosses[steps - 1]!.toFixed(6)}`);
  return { info, backend, matmul: { gpuMs, cpuMs, maxRelDiff }, training: { gpuLosses, cpuLosses } };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (k: string) => process.argv.find((a) => a.startsWith(`--${k}=`))?.slice(k.length + 3);
  main({ mode: (arg('mode') as GpuMode | undefined) ?? 'auto', size: Number(arg('size') ?? 512), steps: Number(arg('steps') ?? 20) });
}
