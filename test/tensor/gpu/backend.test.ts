// The gpu.js backend as a backend: optional and lazily loaded, its mode and renderer reported, and a
// clean fallback to the CPU backend (one warning) when gpu.js is missing or its self-test fails.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import * as T from '@descent/tensor';
import { backendNames, findBackend, getBackend, setBackend, tensor } from '@descent/tensor';
import { enableGpuBackend, GpuBackend, gpuModes, type GpuBackendInfo } from '@descent/tensor/gpu';
import { describeEachGpuMode, gpuCases } from '../../helpers/backends.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const gpuInstalled = gpuCases.some((c) => c.reason === null || !/not installed/.test(c.reason));
const firstUsable = gpuCases.find((c) => c.reason === null);

/** Run an ESM snippet in a fresh node (tsx, source condition) from the repo root; its stdout's last line
 * as JSON. `env` is laid over this process's environment; an `undefined` value removes a variable. */
function runNode(code: string, env: Record<string, string | undefined> = {}): unknown {
  const childEnv: Record<string, string | undefined> = { ...process.env, ...env };
  for (const k of Object.keys(env)) if (env[k] === undefined) delete childEnv[k];
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--conditions=source', '--input-type=module', '-e', code], {
    cwd: root, env: childEnv, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60000,
  });
  return JSON.parse(out.trim().split('\n').pop()!);
}

const LOADED = `(await import('node:module')).createRequire(import.meta.url).cache`;

describe('gpu backend: optional and lazy', () => {
  it('importing @descent/tensor and @descent/tensor/gpu does not load gpu.js', () => {
    // Without DESCENT_BACKEND: with it set to gpu (the suite run in gpu mode), the import is asked to
    // enable the backend and loads gpu.js by design (the next test).
    const r = runNode(`
      const T = await import('@descent/tensor');
      await import('@descent/tensor/gpu');
      const before = Object.keys(${LOADED}).some((k) => k.includes('gpu.js'));
      const names = T.backendNames();
      T.setBackend('cpu'); T.add(T.tensor([1]), 1);
      console.log(JSON.stringify({ before, names, after: Object.keys(${LOADED}).some((k) => k.includes('gpu.js')) }));
    `, { DESCENT_BACKEND: undefined }) as { before: boolean; names: string[]; after: boolean };
    expect(r.names).to.include('gpu');
    expect(r.before, 'gpu.js loaded by the imports').to.equal(false);
    expect(r.after, 'gpu.js loaded by a CPU computation').to.equal(false);
  });

  it('DESCENT_BACKEND=gpu selects the gpu backend at import (or warns and stays on the CPU)', function () {
    if (gpuInstalled && !firstUsable) this.skip();
    const r = runNode(`
      const T = await import('@descent/tensor');
      const G = await import('@descent/tensor/gpu');
      const y = T.matmul(T.tensor([[1, 2]]), T.tensor([[3], [4]]));
      console.log(JSON.stringify({ backend: T.getBackend().name, value: y.item(), info: T.findBackend('gpu').info() }));
    `, { DESCENT_BACKEND: 'gpu', DESCENT_GPU_MODE: firstUsable?.mode ?? 'cpu' }) as { backend: string; value: number; info: GpuBackendInfo };
    expect(r.value).to.equal(11);
    if (gpuInstalled) {
      expect(r.backend).to.equal('gpu');
      expect(r.info.mode).to.equal(firstUsable!.mode);
      expect(r.info.selfTest).to.equal('passed');
    } else {
      expect(r.backend).to.equal('cpu');
      expect(r.info.available).to.equal(false);
    }
  });

  it('a missing gpu.js gives one warning, available: false and the CPU backend', () => {
    // a fresh process whose only gpu.js lookup is an empty folder (NODE_PATH would otherwise be searched too)
    const empty = mkdtempSync(path.join(os.tmpdir(), 'descent-no-gpujs-'));
    const r = runNode(`
      const T = await import('@descent/tensor');
      const G = await import('@descent/tensor/gpu');
      const warnings = [];
      const info = G.enableGpuBackend({ name: 'gpu:missing', warn: (m) => warnings.push(m) });
      const again = T.findBackend('gpu:missing').isAvailable();
      let thrown = '';
      try { T.setBackend('gpu:missing'); } catch (e) { thrown = e.message; }
      console.log(JSON.stringify({ info, again, thrown, warnings, active: T.getBackend().name, sum: T.add(T.tensor([1]), 1).item() }));
    `, { NODE_PATH: '', DESCENT_GPUJS_PATH: empty }) as { info: GpuBackendInfo; again: boolean; thrown: string; warnings: string[]; active: string; sum: number };
    rmSync(empty, { recursive: true, force: true });
    expect(r.info.available).to.equal(false);
    expect(r.info.reason).to.match(/gpu\.js could not be loaded .*install/);
    expect(r.again).to.equal(false);
    expect(r.thrown).to.match(/not available/);
    expect(r.active).to.equal('cpu');
    expect(r.sum).to.equal(2);
    expect(r.warnings).to.have.length(1);
    expect(r.warnings[0]).to.match(/using the CPU backend/);
  });

  it('a failing self-test warns once and falls back to the CPU backend', function () {
    if (!firstUsable) this.skip();
    const warnings: string[] = [];
    const info = enableGpuBackend({ name: 'gpu:broken', mode: firstUsable!.mode, selfTest: () => 'MatMul: element 0 is 7, the CPU backend gives 8', warn: (m) => warnings.push(m) });
    expect(info.available).to.equal(false);
    expect(info.selfTest).to.match(/^failed: MatMul/);
    expect(getBackend().name).to.equal('cpu');
    expect(findBackend('gpu:broken').isAvailable!()).to.equal(false);
    expect(() => setBackend('gpu:broken')).to.throw(/not available/);
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.match(/self-test against the CPU backend failed .*MatMul/);
    expect(T.add(tensor([1]), 1).item()).to.equal(2);
  });

  it('gpuModes names every mode with what it needs', () => {
    const modes = gpuModes();
    expect(modes.map((m) => m.mode)).to.deep.equal(['headlessgl', 'webasm', 'cpu']);
    for (const m of modes) expect(m.usable).to.equal(m.reason === null);
    if (!gpuInstalled) for (const m of modes) expect(m.reason).to.match(/gpu\.js could not be loaded/);
  });
});

describeEachGpuMode('gpu backend: info', ({ mode, name }) => {
  it('reports its mode, renderer, precision and self-test', () => {
    const info = findBackend(name).info!() as GpuBackendInfo;
    expect(info.available).to.equal(true);
    expect(info.mode).to.equal(mode);
    expect(info.precision).to.equal('single');
    expect(info.selfTest).to.equal('passed');
    expect(info.gpujs).to.match(/^2\./);
    if (mode === 'headlessgl') expect(info.renderer).to.match(/ANGLE|Mesa|NVIDIA|llvmpipe/);
    else expect(info.renderer).to.match(/CPU/);
    expect(findBackend(name)).to.be.instanceOf(GpuBackend);
    expect(backendNames()).to.include(name);
  });

  it('stores what it is given and reads it back', () => {
    const t = tensor([[1, 2, 3], [4, 5, 6]]);
    expect(t.handle.backend).to.equal(name);
    expect(t.toArray()).to.deep.equal([[1, 2, 3], [4, 5, 6]]);
    expect(T.reshape(t, [3, 2]).toArray()).to.deep.equal([[1, 2], [3, 4], [5, 6]]);
    const u = T.exp(t);
    findBackend(name).dispose!(u.handle); // an early release is allowed; the tensor is then unusable
    const w = tensor([1, 2]);
    w.assign(new Float32Array([5, 6]));
    expect(T.mul(w, 2).toArray()).to.deep.equal([10, 12]);
  });
});
