import { expect } from 'chai';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  InlineExecutor, LocalPool, RunCache, canonicalJson, deterministicPart, fromResultJson, runSweep, specHash, toResultJson,
  type RunSpec,
} from '../src/sweep/index.js';
import { loadWorkloads } from '../src/workloads/index.js';
import { counting, smokeSpec, tempDir } from './helpers.js';

const spec = smokeSpec;

describe('cli/sweep', function () {
  this.timeout(180_000);
  before(() => loadWorkloads());
  const tmp = tempDir();
  after(() => tmp.remove());

  it('hashes a spec by its full configuration, whatever the key order', () => {
    const a = spec('fn-saddle', 'adam', 0.01, 0);
    const reordered = Object.fromEntries(Object.entries(a).reverse()) as unknown as RunSpec;
    expect(specHash(reordered)).to.equal(specHash(a));
    expect(specHash(a)).to.match(/^[0-9a-f]{64}$/);
    for (const changed of [{ ...a, lr: 0.02 }, { ...a, seed: 1 }, { ...a, optimizer: { ...a.optimizer, options: { betas: [0.9, 0.99] } } }, { ...a, budget: { steps: 31 } }, { ...a, settings: { ...a.settings, startNoise: 0 } }]) {
      expect(specHash(changed)).to.not.equal(specHash(a));
    }
    expect(canonicalJson({ b: 1, a: [2, { d: 3, c: 4 }] })).to.equal('{"a":[2,{"c":4,"d":3}],"b":1}');
    expect(() => canonicalJson({ lr: NaN })).to.throw(/finite/);
    expect(fromResultJson<{ x: number[] }>(toResultJson({ x: [Infinity, NaN, -Infinity, 1.5] })).x).to.deep.equal([Infinity, NaN, -Infinity, 1.5]);
  });

  it('gives bit-identical results on worker threads and in this thread; runs a --plugin optimizer there, on one compute thread each; names a failing run', async () => {
    const plugin = join(tmp.path, 'sign-plugin.mjs');
    writeFileSync(plugin, `
      export function register({ optim }) {
        optim.registerOptimizer({
          name: 'sweepsignsgd', description: 'sign of the gradient times lr (a test plugin)', defaults: { lr: 0.01 },
          init: () => ({}),
          update: (grads, state, _params, ctx) => ({ updates: grads.map((g) => g.map((v) => -ctx.lr * Math.sign(v))), state }),
        }, { replace: true });
        // each run computes on one thread: the pool's workers run with DESCENT_THREADS=1
        optim.registerOptimizer({
          name: 'sweepthreadcheck', description: 'fails unless DESCENT_THREADS is 1 (a test plugin)', defaults: { lr: 0.01 },
          init: () => ({}),
          update: (grads, state, _params, ctx) => {
            if (process.env.DESCENT_THREADS !== '1') throw new Error('DESCENT_THREADS is ' + process.env.DESCENT_THREADS);
            return { updates: grads.map((g) => g.map((v) => -ctx.lr * v)), state };
          },
        }, { replace: true });
      }
    `);
    const specs = [spec('fn-saddle', 'adam', 0.05, 0), spec('fn-beale', 'sgdm', 1e-3, 2, { momentum: 0.9 }), spec('mlp-mnist', 'adam', 3e-3, 1), spec('fn-saddle', 'nadam', 0.05, 3)];
    const pool = new LocalPool({ workers: 2, plugins: [plugin] });
    let onWorkers, signed, error: Error | undefined;
    try {
      onWorkers = await runSweep(specs, { executor: pool });
      [signed] = await runSweep([spec('fn-saddle', 'sweepsignsgd', 0.01, 0)], { executor: pool });
      const [checked] = await runSweep([spec('fn-saddle', 'sweepthreadcheck', 0.01, 0)], { executor: pool });
      expect(checked!.outcome.history.step.at(-1), 'a run on one compute thread').to.be.greaterThan(0);
      await runSweep([spec('fn-saddle', 'nosuchopt', 0.01, 0)], { executor: pool }).catch((e: Error) => { error = e; });
    } finally {
      await pool.close();
    }
    const inline = await runSweep(specs, { executor: new InlineExecutor() });
    for (let i = 0; i < specs.length; i++) {
      expect(onWorkers[i]!.hash).to.equal(specHash(specs[i]!));
      expect(toResultJson(deterministicPart(onWorkers[i]!.outcome)), specs[i]!.workload).to.equal(toResultJson(deterministicPart(inline[i]!.outcome)));
    }
    const mnist = inline[2]!.outcome;
    expect(mnist.final.valAcc).to.be.greaterThan(0.3);
    expect(mnist.history.step.at(-1)).to.equal(8);
    expect(inline[0]!.outcome.final.valAcc).to.equal(null);
    expect(signed!.outcome.diverged).to.equal(false);
    expect(signed!.outcome.history.valLoss.at(-1)).to.be.lessThan(signed!.outcome.history.valLoss[0]!);
    expect(error?.message).to.match(/run fn-saddle \/ nosuchopt \/ lr 0\.01 \/ seed 0 failed: .*nosuchopt/);
    expect(() => new LocalPool({ workers: 0 })).to.throw(/workers must be an integer ≥ 1, but got 0/);
  });

  it('caches finished runs by hash: a rerun executes nothing, a new optimizer only its own cells', async () => {
    const cache = new RunCache(join(tmp.path, 'runs'));
    const specs = [0, 1].map((seed) => spec('fn-saddle', 'adam', 0.05, seed));
    const first = counting(new InlineExecutor());
    const a = await runSweep(specs, { executor: first, cache });
    expect(first.calls).to.deep.equal(['adam 0', 'adam 1']);
    const second = counting(new InlineExecutor());
    const events: boolean[] = [];
    const more = [...specs, spec('fn-saddle', 'rmsprop', 0.01, 0), specs[0]!];
    const b = await runSweep(more, { executor: second, cache, onRun: (e) => events.push(e.cached) });
    expect(second.calls).to.deep.equal(['rmsprop 0']);
    expect(events.filter((c) => !c)).to.have.length(1);
    expect(toResultJson(b[0]!.outcome)).to.equal(toResultJson(a[0]!.outcome));
    // a damaged file is recomputed, not trusted
    const dir = join(cache.dir, a[0]!.hash.slice(0, 2));
    writeFileSync(join(dir, `${a[0]!.hash}.json`), '{"hash":');
    const third = counting(new InlineExecutor());
    await runSweep(specs, { executor: third, cache });
    expect(third.calls).to.deep.equal(['adam 0']);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).to.deep.equal([]);
  });
});
