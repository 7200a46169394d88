import { expect } from 'chai';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { optimizers } from '@descent/optim';
import { cliSandbox } from './helpers.js';

const BIN = fileURLToPath(new URL('../bin/descent.js', import.meta.url));
const ENTRY = fileURLToPath(new URL('../src/descent.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

const irisConfig = {
  dataset: 'iris',
  model: [{ name: 'linear', options: { out: 8 } }, 'relu', { name: 'linear', options: { out: 3 } }],
  optimizer: { name: 'adam', options: { lr: 0.02 } },
  scheduler: { name: 'cosine' },
  regularizers: [{ name: 'l2', options: { lambda: 1e-4 } }],
  gradients: [{ name: 'clipGradNorm', options: { maxNorm: 5 } }],
  callbacks: [{ name: 'earlyStopping', options: { patience: 50 } }],
  epochs: 15, batchSize: 16, seed: 1,
};

describe('cli: descent', function () {
  this.timeout(120000);
  const tmp = cliSandbox();
  const { run } = tmp;
  function configFile(name: string, config: unknown): string {
    const path = join(tmp.path, name);
    writeFileSync(path, typeof config === 'string' ? config : JSON.stringify(config));
    return name;
  }

  it('prints help for the program and each command', async () => {
    const top = await run(['--help']);
    expect(top.code).to.equal(0);
    for (const c of ['compare', 'lr-find', 'train', 'list']) expect(top.out).to.contain(c);
    for (const c of ['compare', 'lr-find', 'train', 'list']) {
      const r = await run([c, '--help']);
      expect(r.code, c).to.equal(0);
      expect(r.out).to.contain(`Usage: descent ${c}`);
    }
    expect((await run([])).code).to.equal(2);
  });

  it('rejects an unknown command and bad arguments with exit code 2 and a message naming them', async () => {
    const unknown = await run(['comapre']);
    expect(unknown.code).to.equal(2);
    expect(unknown.err).to.contain("unknown command 'comapre' (did you mean 'compare'?)");
    const cases: Array<[string[], RegExp]> = [
      [['compare', '--epochs', 'two'], /--epochs must be an integer in \[1, 10000\], but got 'two'/],
      [['compare', '--dataset', 'cifar'], /--dataset must be one of mnist, iris, but got 'cifar'/],
      [['compare', '--optimizers', 'adam,adamm'], /--optimizers: unknown optimizer 'adamm' \(did you mean 'adam'\?\)\. Registered optimizers: .*adam/],
      [['compare', '--bogus'], /Unknown option '--bogus'/],
      [['compare', '--dataset', 'iris', '--train-size', '100'], /--train-size and --test-size apply to --dataset mnist only/],
      [['compare', '--dataset', 'iris', '--lr', 'nag=0.1', '--optimizers', 'adam'], /--lr: 'nag' is not among the compared optimizers/],
      [['lr-find', '--min-lr', '1', '--max-lr', '0.1'], /--max-lr must be greater than --min-lr/],
      [['lr-find', '--optimizer', 'nope'], /--optimizer: unknown optimizer 'nope'/],
      [['list', 'widgets'], /unknown kind 'widgets'/],
      [['train'], /missing the config file/],
      [['train', 'missing.json'], /config file not found: .*missing\.json/],
      [['compare', '--plugin', 'nope.js'], /--plugin nope\.js: file not found/],
    ];
    for (const [argv, message] of cases) {
      const r = await run(argv);
      expect(r.code, argv.join(' ')).to.equal(2);
      expect(r.err, argv.join(' ')).to.match(message);
      expect(r.err).to.contain(`Run 'descent ${argv[0]} --help' for usage.`);
    }
  });

  it('lists the registered plugins by kind', async () => {
    const r = await run(['list']);
    expect(r.code).to.equal(0);
    for (const s of ['Optimizers', 'adabound', 'Schedulers', 'onecycle', 'Regularizers', 'l2', 'Gradient transforms', 'clipGradNorm', 'Data orders', 'curriculum', 'Callbacks', 'earlyStopping', 'Layers', 'batchNorm1d']) {
      expect(r.out).to.contain(s);
    }
    const json = await run(['list', 'optimizer', '--json']);
    expect(JSON.parse(json.out).optimizer).to.deep.equal(optimizers.names());
  });

  it('trains from a JSON config naming every plugin by registry name', async () => {
    const name = configFile('iris.json', { ...irisConfig, save: 'out/model.json' });
    const r = await run(['train', name, '--out', 'run']);
    expect(r.code, r.err).to.equal(0);
    expect(r.out).to.match(/final: train loss [\d.]+, train acc [\d.]+%, test loss [\d.]+, test acc [\d.]+%/);
    const acc = Number(/test acc ([\d.]+)%/.exec(r.out.split('final:')[1]!)![1]);
    expect(acc).to.be.above(80);
    expect(existsSync(join(tmp.path, 'out', 'model.json'))).to.equal(true);
    const history = JSON.parse(readFileSync(join(tmp.path, 'run', 'history.json'), 'utf8'));
    expect(history.history.epochs).to.have.length(15);
  });

  it('reports bad config files naming the field', async () => {
    const cases: Array<[unknown, RegExp]> = [
      ['{ "dataset": "iris", ', /not valid JSON/],
      [[1, 2], /config: must be a JSON object/],
      [{ ...irisConfig, epoch: 3 }, /unknown field 'epoch' \(did you mean 'epochs'\?\)/],
      [{ ...irisConfig, optimizer: undefined }, /missing required field 'optimizer'/],
      [{ ...irisConfig, optimizer: { name: 'adma' } }, /'optimizer\.name': unknown optimizer 'adma' \(did you mean 'adam'\?\)\. Registered: .*adam/],
      [{ ...irisConfig, optimizer: { name: 'adam', options: { lR: 0.1 } } }, /'optimizer\.options': adam: unknown option 'lR' \(did you mean 'lr'\?\)/],
      [{ ...irisConfig, optimizer: { name: 'adam', options: { lr: -1 } } }, /'optimizer\.options': .*lr/],
      [{ ...irisConfig, scheduler: 'cosinus' }, /'scheduler\.name': unknown scheduler 'cosinus'/],
      [{ ...irisConfig, regularizers: [{ name: 'l2', options: { lambda: -1 } }] }, /'regularizers\[0\]\.options': .*lambda/],
      [{ ...irisConfig, callbacks: [{ name: 'earlyStop' }] }, /'callbacks\[0\]\.name': unknown callback 'earlyStop'/],
      [{ ...irisConfig, gradients: 'clipGradNorm' }, /'gradients' must be a list/],
      [{ ...irisConfig, model: [{ name: 'linear', options: { out: 8 } }, 'relu6'] }, /model\[1\]: unknown layer 'relu6'/],
      [{ ...irisConfig, model: [{ name: 'linear', options: { outt: 8 } }] }, /model\[0\]: linear has no option 'outt'/],
      [{ ...irisConfig, model: [{ name: 'linear', options: { out: 4 } }] }, /the last layer gives 4 outputs, but iris has 3 classes/],
      [{ ...irisConfig, epochs: 0 }, /'epochs' must be a positive integer, but got 0/],
      [{ ...irisConfig, dataset: 'cifar' }, /'dataset' must be "iris", "mnist"/],
      [{ ...irisConfig, batchSize: 500 }, /'batchSize' must be at most the training set size \(120\)/],
      [{ ...irisConfig, loss: 'mse' }, /'loss' must be "crossEntropy"/],
    ];
    for (const [i, [config, message]] of cases.entries()) {
      const r = await run(['train', configFile(`bad${i}.json`, config)]);
      expect(r.code, `case ${i}: ${r.err}`).to.equal(2);
      expect(r.err, `case ${i}`).to.match(message);
    }
  });

  it('loads a user plugin module with --plugin and uses its optimizer and layer from a config', async () => {
    writeFileSync(join(tmp.path, 'my-plugin.mjs'), `
      export function register({ optim, layers, registerLayer }) {
        optim.registerOptimizer({
          name: 'testsignsgd', description: 'sign of the gradient times lr (a test plugin)', defaults: { lr: 0.01 },
          init: () => ({}),
          update: (grads, state, _params, ctx) => ({ updates: grads.map((g) => g.map((v) => -ctx.lr * Math.sign(v))), state }),
        }, { replace: true });
        registerLayer('myTanh', { description: 'tanh from a plugin', options: [], create: (_o, ctx) => ({ module: new layers.Tanh(), outFeatures: ctx.inFeatures }) }, { replace: true });
      }
    `);
    const listed = await run(['list', 'optimizer', '--plugin', 'my-plugin.mjs']);
    expect(listed.out).to.contain('testsignsgd');
    const config = configFile('plugin.json', { ...irisConfig, model: [{ name: 'linear', options: { out: 8 } }, 'myTanh', { name: 'linear', options: { out: 3 } }], optimizer: { name: 'testsignsgd', options: { lr: 0.01 } } });
    const r = await run(['train', config, '--plugin', 'my-plugin.mjs', '--epochs', '3']);
    expect(r.code, r.err).to.equal(0);
    expect(r.out).to.contain('optimizer testsignsgd');
    writeFileSync(join(tmp.path, 'broken.mjs'), 'export function register() { throw new Error("boom"); }');
    const broken = await run(['list', '--plugin', 'broken.mjs']);
    expect(broken.code).to.equal(2);
    expect(broken.err).to.contain('--plugin broken.mjs: register() failed: boom');
  });

  it('compares optimizers on Iris and writes the report', async () => {
    const r = await run(['compare', '--dataset', 'iris', '--optimizers', 'adam,sgdm', '--epochs', '5', '--out', 'rep', '--no-landscape']);
    expect(r.code, r.err).to.equal(0);
    expect(r.out).to.match(/^adam\s/m);
    expect(r.out).to.match(/^sgdm\s/m);
    expect(r.out).to.contain('LR range test (sgdm): suggested learning rate');
    const html = readFileSync(join(tmp.path, 'rep', 'index.html'), 'utf8');
    expect(html).to.contain('LR range test');
    const results = JSON.parse(readFileSync(join(tmp.path, 'rep', 'results.json'), 'utf8'));
    expect(results.rows.map((row: { optimizer: string }) => row.optimizer)).to.deep.equal(['adam', 'sgdm']);
  });

  it('runs the LR range test', async () => {
    const r = await run(['lr-find', '--dataset', 'iris', '--optimizer', 'sgdm', '--steps', '40', '--out', 'lr']);
    expect(r.code, r.err).to.equal(0);
    expect(r.out).to.match(/suggested learning rate: [\d.e-]+/);
    expect(readFileSync(join(tmp.path, 'lr', 'lr_find.svg'), 'utf8')).to.match(/^<svg/);
  });

  it('`descent … | head`: a reader that goes away ends the command quietly (no EPIPE stack trace), exit code 0', async () => {
    // The read end of stdout is closed before the command writes anything, as `head` does after its lines.
    const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=source', ENTRY, 'list'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString('utf8'); });
    const code = await new Promise<number | null>((done) => child.on('close', (c) => done(c)));
    expect(stderr).to.not.match(/EPIPE|Error|at /);
    expect(code, stderr).to.equal(0);
  });

  it('--plugin: a module that registers nothing, or exports a register that is not a function, is a usage error', async () => {
    writeFileSync(join(tmp.path, 'empty.mjs'), 'export const answer = 42;');
    const empty = await run(['list', '--plugin', 'empty.mjs']);
    expect(empty.code).to.equal(2);
    expect(empty.err).to.contain('--plugin empty.mjs: the module registered nothing: a plugin module must register plugins when imported, or export a function register(api) that does (its exports: answer)');
    writeFileSync(join(tmp.path, 'garbage.mjs'), 'export default "not a function";');
    const garbage = await run(['list', '--plugin', 'garbage.mjs']);
    expect(garbage.code).to.equal(2);
    expect(garbage.err).to.contain(`--plugin garbage.mjs: the 'default' export must be a function register(api), but got "not a function"`);
    writeFileSync(join(tmp.path, 'garbage2.mjs'), 'export const register = { optimizers: [] };');
    const garbage2 = await run(['list', '--plugin', 'garbage2.mjs']);
    expect(garbage2.code).to.equal(2);
    expect(garbage2.err).to.contain(`--plugin garbage2.mjs: the 'register' export must be a function register(api), but got {"optimizers":[]}`);
    writeFileSync(join(tmp.path, 'throws-string.mjs'), 'export function register() { throw "no"; }');
    const str = await run(['list', '--plugin', 'throws-string.mjs']);
    expect(str.err).to.contain('--plugin throws-string.mjs: register() failed: "no"');
  });

  it('runs as `descent` through the bin shim (tsx, no build)', () => {
    const ok = spawnSync(process.execPath, [BIN, 'list', 'optimizer'], { encoding: 'utf8', cwd: tmp.path });
    expect(ok.status, ok.stderr).to.equal(0);
    expect(ok.stdout).to.contain('radam');
    const bad = spawnSync(process.execPath, [BIN, 'compare', '--epochs', '0'], { encoding: 'utf8', cwd: tmp.path });
    expect(bad.status).to.equal(2);
    expect(bad.stderr).to.contain("--epochs must be an integer in [1, 10000], but got '0'");
  });
});
