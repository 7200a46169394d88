import { expect } from 'chai';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { optimizerOptionsFor, parseOptimizerOptions } from '../src/compare.js';
import { cliSandbox } from './helpers.js';

describe('cli: options per optimizer, model.json with --out, checkpoint paths', function () {
  this.timeout(120000);
  const tmp = cliSandbox();
  const { run } = tmp;

  it('compare --options JSON sets any option of each optimizer, checked before training', async () => {
    expect(parseOptimizerOptions('{"adam":{"betas":[0.8,0.99]},"sgdm":{"momentum":0.5}}')).to.deep.equal({ adam: { betas: [0.8, 0.99] }, sgdm: { momentum: 0.5 } });
    expect(optimizerOptionsFor('sgdm', { sgdm: 0.2 }, 'iris', { sgdm: { momentum: 0.5, lr: 0.01 } })).to.include({ momentum: 0.5, lr: 0.2 });
    const cases: Array<[string[], RegExp]> = [
      [['compare', '--dataset', 'iris', '--options', '{adam'], /--options must be JSON like/],
      [['compare', '--dataset', 'iris', '--options', '[1]'], /--options must be an object of option objects by optimizer name/],
      [['compare', '--dataset', 'iris', '--options', '{"adam":3}'], /--options: the options of 'adam' must be an object, but got 3/],
      [['compare', '--dataset', 'iris', '--optimizers', 'adam', '--options', '{"sgdm":{"momentum":0.5}}'], /--options: 'sgdm' is not among the compared optimizers \(adam\)/],
      [['compare', '--dataset', 'iris', '--optimizers', 'adam', '--options', '{"adam":{"beta1":0.5}}'], /--options: adam: unknown option 'beta1'/],
    ];
    for (const [argv, message] of cases) {
      const r = await run(argv);
      expect(r.code, argv.join(' ')).to.equal(2);
      expect(r.err, argv.join(' ')).to.match(message);
    }
  });

  it('train --out writes model.json (as --help says) besides the config\'s save, and resolves checkpoint paths against the config file, creating the folder', async () => {
    mkdirSync(join(tmp.path, 'exp'));
    writeFileSync(join(tmp.path, 'exp', 'config.json'), JSON.stringify({
      dataset: 'iris',
      model: [{ name: 'linear', options: { out: 3 } }],
      optimizer: { name: 'adam', options: { lr: 0.05 } },
      callbacks: [{ name: 'checkpoint', options: { path: 'ckpt/last.json', everyEpochs: 1 } }],
      epochs: 2, batchSize: 30, seed: 0, save: 'model/final.json',
    }));
    const r = await run(['train', 'exp/config.json', '--out', 'run', '--quiet']);
    expect(r.code, r.err).to.equal(0);
    expect(existsSync(join(tmp.path, 'run', 'model.json'))).to.equal(true);
    expect(existsSync(join(tmp.path, 'exp', 'model', 'final.json'))).to.equal(true);
    expect(existsSync(join(tmp.path, 'exp', 'ckpt', 'last.json'))).to.equal(true);
    expect(existsSync(join(tmp.path, 'ckpt'))).to.equal(false);
    expect(r.out).to.contain(`model saved to ${join(tmp.path, 'run', 'model.json')}`);
  });
});
