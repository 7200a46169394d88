import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadIris } from '../src/data/index.js';
import { suggestLr } from '@descent/optim';
import { runCli } from '../src/cli.js';
import { runLrFind } from '../src/lr_find.js';
import { captureIo, tempDir } from './helpers.js';

describe('cli/lr_find', function () {
  this.timeout(60000);

  it('uses the steepest descent and the minimum / 10 of @descent/optim', () => {
    const lrs = Array.from({ length: 50 }, (_, i) => 1e-4 * 10 ** (i / 10));
    // a loss that falls fastest around lr = 1e-2 and blows up after 1e-1
    const losses = lrs.map((lr) => 2 - Math.tanh(2 * (Math.log10(lr) + 2)) + (lr > 0.1 ? 50 * (lr - 0.1) : 0));
    const s = suggestLr(lrs, losses);
    expect(s.steepest).to.be.within(5e-3, 2e-2);
    expect(s.minimumDiv10).to.be.within(5e-3, 2e-2);
  });

  it('runs on Iris and stops when the loss diverges', () => {
    const r = runLrFind({ data: loadIris(), optimizer: 'sgdm', optimizerOptions: { momentum: 0.9 }, batchSize: 16, seed: 0, hidden: [16], steps: 80, maxLr: 100 });
    expect(r.lrs[0]).to.be.closeTo(1e-5, 1e-12);
    expect(r.lrs.length).to.be.below(80);
    expect(r.stopReason).to.equal('diverged');
    expect(r.losses.length).to.equal(r.lrs.length);
    expect(r.suggestion).to.be.within(1e-3, 10);
  });

  it('`descent lr-find` prints and draws the four suggestions of suggestLr (valley, slide, minimum, steep)', async () => {
    const tmp = tempDir();
    try {
      const io = captureIo(tmp.path);
      const code = await runCli(['lr-find', '--dataset', 'iris', '--optimizer', 'sgdm', '--steps', '60', '--max-lr', '100', '--out', 'lr'], io);
      expect(code, io.errorText()).to.equal(0);
      const json = JSON.parse(readFileSync(join(tmp.path, 'lr', 'lr_find.json'), 'utf8'));
      const s = suggestLr(json.lrs, json.losses);
      for (const k of ['valley', 'slide', 'minimum', 'steep'] as const) {
        // the printed value is the one suggestLr gives on the printed series (the smoothed losses kept)
        expect(json.suggestions[k], k).to.be.a('number').and.to.equal(s[k]);
        expect(io.text()).to.match(new RegExp(`^  ${k}: +[\\d.e+-]+$`, 'm'));
      }
      expect(json.suggestions.steep).to.equal(json.suggestion);
      const svg = readFileSync(join(tmp.path, 'lr', 'lr_find.svg'), 'utf8');
      for (const label of ['valley', 'slide', 'steepest']) expect(svg, label).to.include(label);
      expect(svg).to.match(/min\/10|minimum/);
      // too few steps for slide (it needs 16 points): printed as none, null in the JSON
      const short = captureIo(tmp.path);
      expect(await runCli(['lr-find', '--dataset', 'iris', '--steps', '8', '--out', 'short'], short)).to.equal(0);
      expect(short.text()).to.match(/^  slide: +none \(the test ran too few steps for it\)$/m);
      expect(JSON.parse(readFileSync(join(tmp.path, 'short', 'lr_find.json'), 'utf8')).suggestions.slide).to.equal(null);
    } finally {
      tmp.remove();
    }
  });
});
