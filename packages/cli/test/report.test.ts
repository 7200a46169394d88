import { expect } from 'chai';
import { gapChartSpec, renderSvg, thinPath, trajectoryChart } from '../src/charts.js';
import { SADDLE, trajectory } from '../src/landscape.js';
import { renderReport, smooth } from '../src/report.js';
import type { RunResult } from '../src/runner.js';
import { lectureClaim, summaryRows, summaryTable } from '../src/summary.js';
import { asciiChart, downsample, formatTable } from '../src/terminal.js';

function fakeRun(optimizer: string, trainAcc: number, testAcc: number, firstLoss: number): RunResult {
  const stepLoss = Array.from({ length: 40 }, (_, i) => 2.3 * Math.exp(-i / 10) + 0.05);
  return {
    optimizer, lr: 0.01, optimizerOptions: { lr: 0.01 }, stepLoss, stepLr: stepLoss.map((_, i) => 0.01 * (1 - i / 40) + 1e-4), layers: ['relu'],
    epochs: [0, 1, 2].map((e) => ({ epoch: e, trainLoss: e === 0 ? firstLoss : 0.3, testLoss: 0.4, testAccuracy: testAcc - 0.05 * (2 - e), seconds: e + 1 })),
    final: { trainLoss: 0.2, trainAccuracy: trainAcc, testLoss: 0.35, testAccuracy: testAcc }, seconds: 3.2, diverged: false,
  };
}

describe('cli/report', () => {
  const runs = [fakeRun('adam', 0.99, 0.95, 0.5), fakeRun('sgdm', 0.97, 0.96, 0.8)];

  it('summarises runs in a table and checks the lecture claim', () => {
    const rows = summaryRows(runs);
    expect(rows[0]!.gap).to.be.closeTo(0.04, 1e-12);
    const table = summaryTable(rows);
    expect(table.split('\n')[0]).to.match(/^optimizer\s+lr\s+train loss\s+test loss\s+train acc\s+test acc\s+gap \(acc\)\s+gap \(loss\)\s+time$/);
    expect(table).to.contain('+4.0 pp');
    const claim = lectureClaim(rows);
    expect(claim.map((c) => c.holds)).to.deep.equal([true, true, true]);
    expect(lectureClaim(rows.slice(0, 1))[0]!.holds).to.equal(null);
  });

  it('renders a self-contained HTML report with inline SVG charts', async () => {
    const html = await renderReport({
      title: 'test report', dataset: 'Fake data.', model: 'tiny', settings: { epochs: 3, schedule: 'constant' }, runs,
      lrFind: { optimizer: 'sgdm', lrs: [1e-4, 1e-3, 1e-2, 1e-1], losses: [2.3, 2.2, 1.5, 3], suggestion: 1e-2 },
      landscapes: [{ fn: SADDLE, trajectories: ['adam', 'sgd'].map((n) => trajectory(SADDLE, n, { steps: 30 })) }],
    });
    expect(html).to.match(/^<!doctype html>/);
    expect(html).to.not.match(/<script|<link |src="http/);
    expect((html.match(/<svg/g) ?? []).length).to.be.at.least(7);
    for (const t of ['Training loss per step', 'Test accuracy per epoch', 'Learning-rate schedule', 'LR range test (sgdm)', 'Saddle', 'Generalization gap']) expect(html).to.contain(t);
    expect(html).to.contain('<td class="right"><b>96.0%</b></td>');
  });

  it('renders the charts with vega-lite', async () => {
    const svg = await trajectoryChart(SADDLE, [trajectory(SADDLE, 'adam', { steps: 20 })], { gridSize: 41, size: 200 });
    expect(svg).to.match(/^<svg/);
    expect(svg).to.contain('adam');
    const gap = await renderSvg(gapChartSpec([{ optimizer: 'adam', train: 0.99, test: 0.95 }]));
    expect(gap).to.match(/^<svg/);
  });

  it('smooths, thins and downsamples series', () => {
    expect(smooth([2, 2, 2])).to.deep.equal([2, 2, 2]);
    expect(thinPath([[0, 0], [0.001, 0], [0.5, 0], [0.5, 0.001]], 0.1)).to.deep.equal([[0, 0], [0.5, 0], [0.5, 0.001]]);
    expect(downsample([1, 2, 3, 4, 5, 6], 3)).to.deep.equal([1.5, 3.5, 5.5]);
  });

  it('draws terminal charts and tables', () => {
    const chart = asciiChart({ a: [1, 2, 3], b: [3, 2, 1] }, { title: 'demo', color: false, height: 4 });
    expect(chart.split('\n')[0]).to.equal('demo');
    expect(chart).to.contain('series: a, b');
    expect(chart).to.not.contain('\u001b[');
    expect(formatTable([{ header: 'a' }, { header: 'bb', align: 'right' }], [['x', '1'], ['yy', '22']])).to.equal('a   bb\n──  ──\nx    1\nyy  22');
  });
});
