import { expect } from 'chai';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performanceProfile, verdictOf, type CellSummary } from '../src/bench/analysis.js';
import { chooseLr } from '../src/bench/protocol.js';
import { mean, median, std, studentTQuantile, welch } from '../src/bench/stats.js';
import { runCli } from '../src/cli.js';
import type { RunRecord } from '../src/sweep/result.js';
import { captureIo, tempDir } from './helpers.js';

describe('cli/bench', function () {
  this.timeout(300_000);
  const tmp = tempDir();
  after(() => tmp.remove());
  async function run(argv: string[]) {
    const io = captureIo(tmp.path);
    const code = await runCli(argv, io);
    return { code, out: io.text(), err: io.errorText() };
  }

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
