import { expect } from 'chai';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng, StateError, tensor } from '@descent/tensor';
import { BatchNorm1d, LayerNorm, Linear, ReLU, STATE_FILE_FORMAT, Sequential, loadState, saveState, writeFileAtomic, type StateDict } from '@descent/layers';
import { expectSameBits } from './helpers.js';

function model(seed: number, dtype: 'float32' | 'float64' = 'float32', hidden = 4): Sequential {
  const rng = new Rng(seed);
  return new Sequential(new Linear(3, hidden, { rng, dtype }), new BatchNorm1d(hidden, { dtype }), new ReLU(), new LayerNorm(hidden, { dtype }), new Linear(hidden, 2, { rng, dtype }));
}

function expectStatesEqual(a: StateDict, b: StateDict): void {
  expect(Object.keys(a)).to.deep.equal(Object.keys(b));
  for (const k of Object.keys(a)) expectSameBits(a[k]!, b[k]!);
}

describe('saveState / loadState', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'descent-layers-')); });
  afterEach(() => { rmSync(dir, { recursive: true, force: true }); });

  for (const dtype of ['float32', 'float64'] as const) {
    it(`round-trips a ${dtype} model bit for bit through a file`, () => {
      const a = model(1, dtype);
      a.call(tensor(new Float64Array([0.1, 0.2, 0.3, -1, 2, 0.5]), { shape: [2, 3], dtype }));
      const path = join(dir, 'model.json');
      saveState(a, path);
      const file = JSON.parse(readFileSync(path, 'utf8'));
      expect(file.format).to.equal(STATE_FILE_FORMAT);
      expect(file.version).to.equal(1);
      expect(file.tensors['0.weight']).to.include({ dtype });
      expect(file.tensors['0.weight'].shape).to.deep.equal([3, 4]);
      const b = model(2, dtype);
      loadState(b, path);
      expectStatesEqual(b.stateDict(), a.stateDict());
      expect(readdirSync(dir)).to.deep.equal(['model.json']); // no temporary file left behind
    });
  }

  it('overwrites atomically', () => {
    const path = join(dir, 'f.json');
    writeFileAtomic(path, 'one');
    writeFileAtomic(path, 'two');
    expect(readFileSync(path, 'utf8')).to.equal('two');
    expect(readdirSync(dir)).to.deep.equal(['f.json']);
    expect(() => writeFileAtomic(join(dir, 'no', 'such', 'dir.json'), 'x')).to.throw(StateError, /cannot write/);
    expect(readdirSync(dir)).to.deep.equal(['f.json']);
  });

  describe('a bad file throws a StateError and leaves the model unchanged', () => {
    const cases: Array<[string, (path: string, text: string) => void, RegExp]> = [
      ['missing file', (p) => rmSync(p), /cannot read the file: it does not exist/],
      ['truncated file', (p, t) => writeFileSync(p, t.slice(0, t.length / 2)), /not valid JSON \(truncated or corrupt\?\)/],
      ['wrong format', (p, t) => writeFileSync(p, JSON.stringify({ ...JSON.parse(t), format: 'other' })), /format must be 'descent-state', but got 'other'/],
      ['wrong version', (p, t) => writeFileSync(p, JSON.stringify({ ...JSON.parse(t), version: 2 })), /unsupported version 2; this code reads version 1/],
      ['corrupt tensor data', (p, t) => {
        const f = JSON.parse(t);
        f.tensors['4.bias'].data = f.tensors['4.bias'].data.slice(0, 4);
        writeFileSync(p, JSON.stringify(f));
      }, /entry '4\.bias': expected 8 bytes/],
    ];
    for (const [name, damage, message] of cases) {
      it(name, () => {
        const path = join(dir, 'model.json');
        saveState(model(1), path);
        damage(path, readFileSync(path, 'utf8'));
        const target = model(2);
        const before = target.stateDict();
        expect(() => loadState(target, path)).to.throw(StateError, message);
        expectStatesEqual(target.stateDict(), before);
      });
    }

    it('a file of another model lists every mismatch', () => {
      const path = join(dir, 'model.json');
      saveState(model(1, 'float32', 5), path);
      const target = model(2);
      const before = target.stateDict();
      let msg = '';
      try { loadState(target, path); } catch (e) { expect(e).to.be.instanceOf(StateError); msg = (e as Error).message; }
      expect(msg).to.match(/^loadState\('.*model\.json'\): Sequential\.loadStateDict: the state does not match the model/);
      expect(msg).to.match(/wrong shape: 0\.weight \(model \[3,4\], state \[3,5\]\), 0\.bias \(model \[4\], state \[5\]\), 1\.weight/);
      expectStatesEqual(target.stateDict(), before);
    });
  });
});
