// A full or nearly full disk, for real: a 64 KiB tmpfs is mounted (root only; CI runs as root),
// a good checkpoint and model file are written, the disk is filled, and the next write must throw a
// FileWriteError (ENOSPC) while the previous file stays byte for byte as it was and still loads.
import { expect } from 'chai';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { FileWriteError, Rng, StateError, tensor } from '@descent/tensor';
import { Linear, loadState, ReLU, saveState, Sequential } from '@descent/layers';
import { readCheckpoint, Trainer, writeCheckpoint } from '@descent/optim';
import { fillDisk, freeBytes, mountTmpfs, type Tmpfs } from '../helpers/tmpfs.js';

const data = (() => {
  const rng = new Rng(5);
  const xs: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < 24; i++) { xs.push([rng.normal() + (i % 3), rng.normal(), rng.normal() - (i % 3)]); y.push(i % 3); }
  return { x: tensor(xs, { dtype: 'float64' }), y };
})();

function trainer(path: string, seed = 0): Trainer {
  const rng = new Rng(seed);
  const model = new Sequential(new Linear(3, 24, { rng, dtype: 'float64' }), new ReLU(), new Linear(24, 3, { rng, dtype: 'float64' }));
  return new Trainer({
    model, loss: 'crossEntropy', optimizer: { name: 'adam', options: { lr: 0.01 } }, order: 'shuffle',
    callbacks: [{ name: 'checkpoint', options: { path } }], batchSize: 8, epochs: 2, seed: 1, progressBar: false,
  });
}

const paramBytes = (t: Trainer) => t.parameters.map((p) => Buffer.from(p.tensor.data().buffer).toString('base64'));

describe('reliability: a full disk never destroys the previous checkpoint', function () {
  this.timeout(30_000);
  let fs: Tmpfs | null = null;

  before(function () {
    const mounted = mountTmpfs(64);
    if ('skip' in mounted) {
      if (process.env.CI === 'true') throw new Error(`CI must be able to mount a tmpfs for the full-disk tests: ${mounted.skip}`);
      console.log(`      skipped: ${mounted.skip}`);
      this.skip();
    }
    fs = mounted as Tmpfs;
  });
  after(() => fs?.unmount());
  afterEach(() => {
    for (const f of fs ? readdirSync(fs.dir) : []) rmSync(join(fs!.dir, f), { force: true });
  });

  /** The files in the tmpfs other than the filler (no temporary file may be left behind). */
  const listing = () => readdirSync(fs!.dir).filter((f) => f !== 'filler').sort();

  it('the trainer\'s next checkpoint on a full disk throws FileWriteError (ENOSPC); last.json is unchanged and resumes exactly', () => {
    const path = join(fs!.dir, 'last.json');
    const t = trainer(path);
    t.fit(data);
    const good = readFileSync(path);
    const goodStep = readCheckpoint(path).body.progress.step;
    fillDisk(fs!.dir);

    let error: unknown = null;
    try { t.fit(data); } catch (e) { error = e; }
    expect(error, String(error)).to.be.instanceOf(FileWriteError);
    expect(error).to.be.instanceOf(StateError);
    const fe = error as FileWriteError;
    expect(fe.code).to.equal('ENOSPC');
    expect(fe.path).to.equal(path);
    expect(fe.message).to.match(/cannot write '.*last\.json'.*no space left on the device \(ENOSPC\).*was left as it was/);
    expect(readFileSync(path).equals(good), 'last.json byte for byte as before').to.equal(true);
    expect(listing()).to.deep.equal(['last.json']);

    // It still loads, and resuming from it gives what an uninterrupted run gives.
    rmSync(join(fs!.dir, 'filler'));
    expect(readCheckpoint(path).body.progress.step).to.equal(goodStep);
    const resumed = trainer(join(fs!.dir, 'resumed.json'), 42);
    resumed.fit(data, { resumeFrom: path });
    const reference = trainer(join(fs!.dir, 'reference.json'));
    reference.fit(data);
    expect(paramBytes(resumed)).to.deep.equal(paramBytes(reference));
  });

  it('a nearly full disk (the write is short, then ENOSPC) throws instead of renaming a truncated file over the good one', () => {
    const path = join(fs!.dir, 'last.json');
    const t = trainer(path);
    t.fit(data);
    const good = readFileSync(path);
    const body = readCheckpoint(path).body;
    body.history.steps.push(...body.history.steps, ...body.history.steps); // a larger body than what is left free
    fillDisk(fs!.dir, 8192);
    const free = freeBytes(fs!.dir);
    expect(free, 'some room is left, so the first write is short').to.be.above(0);
    expect(JSON.stringify(body).length, 'the checkpoint is larger than the room left').to.be.above(free + 4096);

    expect(() => writeCheckpoint(path, body)).to.throw(FileWriteError, /ENOSPC/);
    expect(readFileSync(path).equals(good)).to.equal(true);
    expect(listing()).to.deep.equal(['last.json']);
    expect(readCheckpoint(path).body.progress.step).to.equal(6);
  });

  it('saveState on a full disk throws FileWriteError; the previous model file is unchanged and loads', () => {
    const path = join(fs!.dir, 'model.json');
    const rng = new Rng(3);
    const model = new Sequential(new Linear(3, 24, { rng, dtype: 'float64' }), new ReLU(), new Linear(24, 3, { rng, dtype: 'float64' }));
    saveState(model, path);
    const good = readFileSync(path);
    fillDisk(fs!.dir);
    const other = new Sequential(new Linear(3, 24, { rng, dtype: 'float64' }), new ReLU(), new Linear(24, 3, { rng, dtype: 'float64' }));
    expect(() => saveState(other, path)).to.throw(FileWriteError, /model\.json.*ENOSPC/);
    expect(readFileSync(path).equals(good)).to.equal(true);
    expect(listing()).to.deep.equal(['model.json']);
    loadState(other, path);
    expect(other.parameters().map((p) => p.toArray())).to.deep.equal(model.parameters().map((p) => p.toArray()));
  });
});
