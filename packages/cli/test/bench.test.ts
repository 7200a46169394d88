import { expect } from 'chai';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performanceProfile, verdictOf, type CellSummary } from '../src/bench/analysis.js';
import { benchOptimizer, chooseLr, makePlan, totalRuns } from '../src/bench/protocol.js';
import { defaultWorkloads } from '../src/bench/run.js';
import { mean, median, std, studentTQuantile, welch } from '../src/bench/stats.js';
import { LECTURE_OPTIMIZERS } from '../src/runner.js';
import { InlineExecutor, LocalPool, deterministicPart, runSweep, toResultJson } from '../src/sweep/index.js';
import type { RunRecord } from '../src/sweep/result.js';
import { getWorkload, loadWorkloads } from '../src/workloads/index.js';
import { cliSandbox, smokeSpec } from './helpers.js';

describe('cli/bench', function () {
  this.timeout(300_000);
  const tmp = cliSandbox();
  const { run } = tmp;

  it('computes Welch intervals with Student t quantiles from the tables', () => {
    expect(studentTQuantile(0.975, 1)).to.be.closeTo(12.7062047, 1e-6);
    expect(studentTQuantile(0.975, 2)).to.be.closeTo(4.3026527, 1e-6);
    expect(studentTQuantile(0.975, 10)).to.be.closeTo(2.2281389, 1e-6);
    expect(studentTQuantile(0.975, 1e6)).to.be.closeTo(1.959966, 1e-5);
    expect([mean([1, 2, 3]), std([1, 2, 3]), median([3, 1, Infinity])]).to.deep.equal([2, 1, 3]);
    // equal variances and sizes: df = 2n − 2, half-width t · sqrt(2 s² / n)
    const w = welch([0.95, 0.96, 0.97], [0.90, 0.91, 0.92])!;
    expect(w.df).to.be.closeTo(4, 1e-12);
    expect(w.interval[1] - w.difference).to.be.closeTo(2.7764451 * Math.sqrt((2 * 0.0001) / 3), 1e-8);
    expect(w.p).to.be.below(0.01);
    expect(welch([1], [1, 2])).to.equal(null);
    expect(verdictOf([0.1, 0.5], 1)).to.equal('holds');
    expect(verdictOf([0.1, 0.5], -1)).to.equal('does not hold');
    expect(verdictOf([-0.1, 0.5], 1)).to.equal('inconclusive');
    expect(verdictOf(null, 1)).to.equal('inconclusive');
  });

  it('chooses the lr by validation loss only and profiles steps to target', () => {
    const rec = (lr: number, valLoss: number, testLoss: number, diverged = false) => ({ spec: { lr }, outcome: { diverged, final: { valLoss, testLoss } } }) as unknown as RunRecord;
    expect(chooseLr([rec(0.1, 0.5, 0.1), rec(0.01, 0.3, 0.9), rec(1, 0.1, 0.1, true)])).to.equal(0.01);
    expect(chooseLr([rec(0.1, 0.3, 0), rec(0.01, 0.3, 0)])).to.equal(0.01);
    // by validation accuracy (transformer-modadd): the highest wins, diverged never, ties to the smaller rate
    const acc = (lr: number, valAcc: number, valLoss: number, diverged = false) => ({ spec: { lr }, outcome: { diverged, final: { valLoss, valAcc } } }) as unknown as RunRecord;
    expect(chooseLr([acc(1e-3, 0.1, 2.3), acc(0.1, 0.6, 5), acc(1, 0.9, 1, true)], 'valAcc')).to.equal(0.1);
    expect(chooseLr([acc(1e-3, 0.1, 2.3), acc(0.1, 0.6, 5), acc(1, 0.9, 1, true)])).to.equal(1e-3);
    expect(chooseLr([acc(0.1, 0.5, 1), acc(0.01, 0.5, 2)], 'valAcc')).to.equal(0.01);
    const cell = (workload: string, optimizer: string, steps: number | null) => ({ workload, optimizer, stepsToTarget: steps }) as CellSummary;
    const p = performanceProfile([cell('a', 'x', 100), cell('a', 'y', 200), cell('b', 'x', null), cell('b', 'y', 50), cell('c', 'x', null), cell('c', 'y', null)]);
    expect(p.workloads).to.deep.equal(['a', 'b']);
    expect(p.rho.x![0]).to.equal(0.5);
    expect(p.rho.y![0]).to.equal(0.5);
    expect(p.rho.y!.at(-1)).to.equal(1);
    expect(p.rho.x!.at(-1)).to.equal(0.5);
    expect(p.score.y).to.be.greaterThan(p.score.x!);
  });

  it('runs the smoke benchmark from the CLI, writes results.json, and reruns only new cells', async () => {
    const argv = ['bench', '--preset', 'smoke', '--workloads', 'fn-saddle,fn-beale', '--optimizers', 'adam,sgdm', '--workers', '1', '--out', 'rep'];
    const first = await run(argv);
    expect(first.code, first.err).to.equal(0);
    expect(first.out).to.contain('16 runs: 16 executed, 0 from the cache');
    expect(first.err).to.match(/runs 16\/16 \(0 from the cache\)/);
    const doc = JSON.parse(readFileSync(join(tmp.path, 'rep', 'results.json'), 'utf8'));
    expect(doc.protocol).to.include({ seeds: 2, preset: 'smoke' });
    expect(doc.protocol.lrGrid).to.deep.equal([1e-3, 1e-2, 1e-1]);
    expect(doc.protocol.workloads).to.deep.equal(['fn-saddle', 'fn-beale']);
    expect(doc.runs).to.have.length(16);
    expect(Object.keys(doc.runs[0])).to.include.members(['workload', 'optimizer', 'lr', 'seed', 'history', 'final', 'timeToTarget']);
    expect(Object.keys(doc.runs[0].final)).to.have.members(['trainLoss', 'valLoss', 'testLoss', 'trainAcc', 'valAcc', 'testAcc']);
    expect(doc.claims).to.have.length(4);
    for (const c of doc.claims) {
      expect(['holds', 'does not hold', 'inconclusive']).to.include(c.verdict);
      expect(c.interval).to.have.length(2);
      expect(c.interval[0]).to.be.at.most(c.interval[1]);
    }
    const html = readFileSync(join(tmp.path, 'rep', 'index.html'), 'utf8');
    expect(html.indexOf('<h2>Protocol</h2>')).to.be.within(0, html.indexOf("<h2>The lecture's claims"));
    expect(html).to.contain('learning-rate grid 0.001, 0.01, 0.1');

    // a plugin optimizer joins every workload; only its cells run
    writeFileSync(join(tmp.path, 'sign.mjs'), `
      export function register({ optim }) {
        optim.registerOptimizer({
          name: 'benchsignsgd', description: 'sign of the gradient times lr (a test plugin)', defaults: { lr: 0.01 },
          init: () => ({}),
          update: (grads, state, _params, ctx) => ({ updates: grads.map((g) => g.map((v) => -ctx.lr * Math.sign(v))), state }),
        }, { replace: true });
      }
    `);
    const more = await run([...argv.slice(0, 6), 'adam,sgdm,benchsignsgd', ...argv.slice(7), '--plugin', 'sign.mjs']);
    expect(more.code, more.err).to.equal(0);
    expect(more.out).to.contain('24 runs: 8 executed, 16 from the cache');
    const withPlugin = JSON.parse(readFileSync(join(tmp.path, 'rep', 'results.json'), 'utf8'));
    const pluginRuns = withPlugin.runs.filter((r: { optimizer: string }) => r.optimizer === 'benchsignsgd');
    expect(new Set(pluginRuns.map((r: { workload: string }) => r.workload))).to.deep.equal(new Set(['fn-saddle', 'fn-beale']));
    expect(withPlugin.protocol.optimizers.at(-1).implementation).to.match(/^plugin:[0-9a-f]{64}$/);
  });

  it('runs cnn-mnist and transformer-modadd bit-identically whichever worker runs them, and npm start includes them', async () => {
    await loadWorkloads();
    expect(defaultWorkloads()).to.deep.equal(['cnn-mnist', 'mlp-mnist', 'transformer-modadd', 'fn-beale', 'fn-rosenbrock', 'fn-saddle']);
    const quick = makePlan({ preset: 'quick', workloads: defaultWorkloads(), optimizers: LECTURE_OPTIMIZERS.map((o) => benchOptimizer(o)) });
    expect(totalRuns(quick)).to.equal(6 * 12 * (5 + 2));
    expect(quick.configs['cnn-mnist']).to.deep.include({ budget: { epochs: 1 }, target: { metric: 'valAcc', goal: 'max', value: 0.8 } });
    expect(quick.configs['transformer-modadd']).to.deep.include({ budget: { epochs: 80 }, selectBy: 'valAcc' });
    expect(getWorkload('transformer-modadd').describe(quick.configs['transformer-modadd']!)).to.contain('97 for training, 12 for validation, 12 for test');

    const cnn = smokeSpec('cnn-mnist', 'adam', 0.01, 1);
    const modadd = smokeSpec('transformer-modadd', 'adamw', 0.1, 1, { weightDecay: 0.05 });
    // two one-thread pools that run the two specs in opposite orders, and this thread
    const runOn = async (specs: typeof cnn[]) => {
      const pool = new LocalPool({ workers: 1 });
      try {
        return await runSweep(specs, { executor: pool });
      } finally {
        await pool.close();
      }
    };
    const [first, second] = await Promise.all([runOn([cnn, modadd]), runOn([modadd, cnn])]);
    const inline = await runSweep([cnn, modadd], { executor: new InlineExecutor() });
    const bits = (r: RunRecord) => toResultJson(deterministicPart(r.outcome));
    expect(bits(first[0]!)).to.equal(bits(inline[0]!)).and.to.equal(bits(second[1]!));
    expect(bits(first[1]!)).to.equal(bits(inline[1]!)).and.to.equal(bits(second[0]!));
    const [c, m] = [inline[0]!.outcome, inline[1]!.outcome];
    expect(c.history.step.at(-1)).to.equal(4); // 200 digits in batches of 50, one epoch
    expect(c.final.valAcc).to.be.within(0, 1);
    expect(c.diverged).to.equal(false);
    expect(m.history.step.at(-1)).to.equal(5); // five full-batch steps
    expect(m.final.trainLoss).to.be.lessThan(Math.log(7) + 0.5);
    // the seed draws the problems: another seed, another split
    const other = getWorkload('transformer-modadd').run({ ...modadd, seed: 2 });
    expect(other.final.valLoss).to.not.equal(m.final.valLoss);
  });

  it('benchmarks the CNN and the Transformer from the CLI (smoke preset)', async () => {
    const r = await run(['bench', '--preset', 'smoke', '--workloads', 'cnn-mnist,transformer-modadd', '--optimizers', 'adam,sgdm', '--workers', '1', '--out', 'rep-new']);
    expect(r.code, r.err).to.equal(0);
    expect(r.out).to.contain('16 runs: 16 executed');
    const doc = JSON.parse(readFileSync(join(tmp.path, 'rep-new', 'results.json'), 'utf8'));
    expect(doc.protocol.workloads).to.deep.equal(['cnn-mnist', 'transformer-modadd']);
    expect(new Set(doc.claims.map((c: { workload: string }) => c.workload))).to.deep.equal(new Set(['cnn-mnist', 'transformer-modadd']));
    for (const run of doc.runs) expect(run.final.testAcc).to.be.within(0, 1);
    const html = readFileSync(join(tmp.path, 'rep-new', 'index.html'), 'utf8');
    expect(html).to.contain('Small CNN on MNIST').and.to.contain('Tiny Transformer on a + b mod p');
  });

  it('rejects bad arguments naming them', async () => {
    for (const [argv, message] of [
      [['bench', '--preset', 'huge'], /--preset must be one of smoke, quick, full, but got 'huge'/],
      [['bench', '--workloads', 'mlp-mnsit'], /unknown workload 'mlp-mnsit' \(did you mean 'mlp-mnist'\?\)/],
      [['bench', '--optimizers', 'adamm'], /unknown optimizer 'adamm'/],
      [['bench', '--workers', 'two'], /--workers must be an integer in \[0, 256\], but got 'two'/],
      [['bench', '--seeds', '0'], /--seeds must be an integer in \[1, 1000\]/],
    ] as const) {
      const r = await run([...argv]);
      expect(r.code, argv.join(' ')).to.equal(2);
      expect(r.err, argv.join(' ')).to.match(message);
    }
  });
});
