// Run a suite once per available backend: `describeEachBackend('add', (backend) => { it(…) })`.
// The CPU backend is always there; the gpu.js backend is added when it can be loaded.
import { backendNames, findBackend, setBackend } from '@descent/tensor';
import { enableGpuBackend, GPU_MODES, gpuModes, type GpuMode } from '@descent/tensor/gpu';

/** A backend a suite runs on: its registry name and a label for the suite title. */
export interface BackendCase { name: string; label: string; setup?: () => Promise<void> | void }

const extraCases: BackendCase[] = [];

/** Add a backend case (the gpu helper registers its modes here). */
export function addBackendCase(c: BackendCase): void {
  extraCases.push(c);
}

export function availableBackends(): BackendCase[] {
  return [{ name: 'cpu', label: 'cpu' }, ...extraCases];
}

export function describeEachBackend(title: string, fn: (backend: BackendCase) => void): void {
  for (const b of availableBackends()) {
    describe(`${title} [${b.label}]`, function () {
      before(async function () {
        await b.setup?.();
        if (!backendNames().includes(b.name)) this.skip();
        setBackend(b.name);
      });
      after(() => setBackend('cpu'));
      fn(b);
    });
  }
}

/** Tolerance for comparing a backend with float64 references: exact-ish on cpu, 1e-4 relative in float32. */
export function toleranceFor(dtype: 'float32' | 'float64'): number {
  return dtype === 'float64' ? 1e-9 : 1e-4;
}

export { findBackend };

// ── gpu.js backend ──────────────────────────────────────────────────────────────────────────────
// Importing '@descent/tensor/gpu' registers a lazy 'gpu' backend at priority 2; tests choose their
// backend explicitly, so pin the CPU as the default. Each gpu.js mode that can run here becomes one
// case, registered as 'gpu:<mode>' when its suite starts. A mode that cannot run (gpu.js not
// installed, no GL context) is listed with the reason in its title and its suites are skipped.
// DESCENT_GPU_MODES=webasm,cpu limits the modes (DESCENT_GPU_MODES=none: no gpu case at all).
setBackend('cpu');

/** The gpu.js modes the suites run in, each with why it cannot run here (null when it can). */
export const gpuCases: { mode: GpuMode; name: string; reason: string | null }[] = [];

const wanted = (process.env.DESCENT_GPU_MODES ?? GPU_MODES.join(',')).split(',').map((m) => m.trim()).filter(Boolean);
if (!wanted.includes('none')) {
  const status = gpuModes();
  const missing = status.every((s) => s.reason !== null && /gpu\.js could not be loaded/.test(s.reason));
  if (missing) {
    // one case, not one per mode: gpu.js itself is absent (a plain install)
    // (a name never registered, so the suites skip without touching the lazy 'gpu' backend)
    gpuCases.push({ mode: 'cpu', name: 'gpu:unavailable', reason: 'gpu.js is not installed (optional peer; run packages/tensor/scripts/install-gpu.sh)' });
    addBackendCase({ name: 'gpu:unavailable', label: `gpu — skipped: ${gpuCases[0]!.reason}` });
  } else {
    for (const s of status) {
      if (!wanted.includes(s.mode)) continue;
      const name = `gpu:${s.mode}`;
      gpuCases.push({ mode: s.mode, name, reason: s.reason });
      if (s.reason) {
        addBackendCase({ name, label: `gpu ${s.mode} — skipped: ${s.reason}` });
      } else {
        // enableGpuBackend runs the self-test; a failing self-test leaves the backend registered but
        // unavailable, so setBackend throws and the suite fails (it is not skipped)
        addBackendCase({ name, label: `gpu ${s.mode}`, setup: () => { enableGpuBackend({ name, mode: s.mode, activate: false, warn: null }); } });
      }
    }
  }
}

/**
 * Run a suite once per gpu.js mode in {@link gpuCases} (no CPU case), with that mode's backend
 * active; skipped, with the reason in the title, where the mode cannot run.
 * `options` go to `enableGpuBackend` (e.g. `{ matmul: 'packed' }`, registered as `<name>:<suffix>`).
 */
export function describeEachGpuMode(title: string, fn: (c: { mode: GpuMode; name: string }) => void, options: { suffix?: string; matmul?: 'packed' | 'plain' } = {}): void {
  for (const c of gpuCases) {
    const name = options.suffix ? `${c.name}:${options.suffix}` : c.name;
    const label = c.reason ? `gpu${c.name === 'gpu:unavailable' ? '' : ` ${c.mode}`} — skipped: ${c.reason}` : `gpu ${c.mode}${options.suffix ? ` ${options.suffix}` : ''}`;
    describe(`${title} [${label}]`, function () {
      before(function () {
        if (c.reason) this.skip();
        const info = enableGpuBackend({ name, mode: c.mode, activate: false, warn: null, ...(options.matmul ? { matmul: options.matmul } : {}) });
        if (!info.available) throw new Error(`gpu backend ${name} failed to initialise: ${info.reason}`);
        setBackend(name);
      });
      after(() => setBackend('cpu'));
      fn({ mode: c.mode, name });
    });
  }
}
