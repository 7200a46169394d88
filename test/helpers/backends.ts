// Run a suite once per available backend: `describeEachBackend('add', (backend) => { it(…) })`.
// The CPU backend is always there; the gpu.js backend is added when it can be loaded.
import { backendNames, findBackend, setBackend } from '@descent/tensor';

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
