import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng, StateError, tensor } from '@descent/tensor';
import {
  BatchNorm1d, Linear, ReLU, Sequential, decodeSafetensors, encodeSafetensors, loadSafetensors, loadTorchStateDict,
  saveSafetensors, saveTorchStateDict, torchName, torchStateDict,
} from '@descent/layers';
import { expectClose, expectSameBits } from './helpers.js';

function model(seed: number): Sequential {
  const rng = new Rng(seed);
  return new Sequential(new Linear(3, 4, { rng, dtype: 'float64' }), new BatchNorm1d(4, { dtype: 'float64' }), new ReLU(), new Linear(4, 2, { rng, dtype: 'float64' }));
}

/** A raw safetensors file from a header object and data bytes, as another writer would make it. */
function rawFile(header: object, data: Uint8Array): Uint8Array {
  const h = Buffer.from(JSON.stringify(header), 'utf8');
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}

/** The python3 that has numpy (Debian's, which also has torch when python3-torch is installed). */
function pythonWithNumpy(): string | null {
  for (const py of ['/usr/bin/python3', 'python3']) {
    if (spawnSync(py, ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0) return py;
  }
  return null;
}

describe('safetensors', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'descent-st-')); });
  afterEach(() => { rmSync(dir, { recursive: true, force: true }); });

  it('round-trips float32 and float64 tensors bit for bit, with metadata, 8-byte aligned data', () => {
    const a = tensor(new Float64Array([0.1, -0, NaN, Infinity, 5e-324, -1e308]), { shape: [2, 3], dtype: 'float64' });
    const b = tensor(new Float32Array([1.5, -0, NaN]), { dtype: 'float32' });
    const s = tensor(new Float32Array([7]), { shape: [], dtype: 'float32' });
    const bytes = encodeSafetensors({ a, b, s }, { note: 'hi' });
    const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect((8 + headerLength) % 8).to.equal(0);
    const back = decodeSafetensors(bytes);
    expect(Object.keys(back.tensors)).to.deep.equal(['a', 'b', 's']);
    expectSameBits(back.tensors.a!, a);
    expectSameBits(back.tensors.b!, b);
    expectSameBits(back.tensors.s!, s);
    expect(back.metadata).to.deep.equal({ note: 'hi' });
    const path = join(dir, 'x.safetensors');
    saveSafetensors(path, { a });
    expectSameBits(loadSafetensors(path).tensors.a!, a);
  });

  it('reads integer tensors (PyTorch num_batches_tracked is int64) as float64', () => {
    const data = new Uint8Array(16);
    new DataView(data.buffer).setBigInt64(0, 12n, true);
    new DataView(data.buffer).setInt32(8, -3, true);
    const file = rawFile({ n: { dtype: 'I64', shape: [], data_offsets: [0, 8] }, k: { dtype: 'I32', shape: [1], data_offsets: [8, 12] } }, data);
    const { tensors } = decodeSafetensors(file);
    expect(tensors.n!.dtype).to.equal('float64');
    expect(tensors.n!.item()).to.equal(12);
    expect(tensors.k!.toArray()).to.deep.equal([-3]);
  });

  const malformed: Array<[string, Uint8Array, RegExp]> = [
    ['a file shorter than the length field', new Uint8Array(3), /8-byte header length, but the file has 3 bytes/],
    ['a header length past the end', (() => { const b = new Uint8Array(12); new DataView(b.buffer).setBigUint64(0, 100n, true); return b; })(), /runs past the end of the file/],
    ['a header that is not JSON', rawFile({}, new Uint8Array()).map((v, i) => (i === 8 ? 0x7b + 1 : v)), /not valid JSON/],
    ['an unknown dtype', rawFile({ w: { dtype: 'BF16', shape: [1], data_offsets: [0, 2] } }, new Uint8Array(2)), /dtype 'BF16'.*descent reads F64, F32/],
    ['offsets past the data', rawFile({ w: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, new Uint8Array(4)), /data_offsets \[0,8\]|data_offsets/],
    ['a shape that does not fit the byte range', rawFile({ w: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, new Uint8Array(8)), /needs 12 bytes, but data_offsets span 8/],
    ['overlapping tensors', rawFile({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, new Uint8Array(8)), /'a' and 'b' overlap/],
    ['a negative dimension', rawFile({ w: { dtype: 'F32', shape: [-1], data_offsets: [0, 0] } }, new Uint8Array()), /shape of non-negative integers/],
  ];
  for (const [what, bytes, message] of malformed) {
    it(`rejects ${what} with a StateError`, () => {
      expect(() => decodeSafetensors(bytes, 'f.safetensors')).to.throw(StateError, message);
    });
  }

  it('rejects non-tensors and non-string metadata when writing', () => {
    expect(() => encodeSafetensors({ w: [1, 2] as never })).to.throw(StateError, /'w' must be a Tensor, but got/);
    expect(() => encodeSafetensors({}, { n: 1 as never })).to.throw(StateError, /metadata values must be strings, but 'n' is 1/);
  });

  it('names entries as PyTorch does and stores Linear weights as [out, in]', () => {
    expect(torchName('1.runningMean')).to.equal('1.running_mean');
    const m = model(0);
    const sd = torchStateDict(m);
    expect(Object.keys(sd)).to.deep.equal(['0.weight', '0.bias', '1.weight', '1.bias', '1.running_mean', '1.running_var', '1.num_batches_tracked', '3.weight', '3.bias']);
    expect(sd['0.weight']!.shape).to.deep.equal([4, 3]);
    expect(sd['0.weight']!.toArray()).to.deep.equal((m.getModule('0') as Linear).weight.transpose().toArray());
  });

  it('a model saved with PyTorch names loads back into another model bit for bit, all or nothing', () => {
    const a = model(1);
    a.call(tensor([[1, 2, 3], [0, -1, 2], [3, 1, 0]], { dtype: 'float64' })); // move the running statistics
    const path = join(dir, 'model.safetensors');
    saveTorchStateDict(a, path);
    const b = model(2);
    loadTorchStateDict(b, path);
    for (const [k, v] of Object.entries(a.stateDict())) expectSameBits(b.stateDict()[k]!, v);
    const small = new Sequential(new Linear(3, 5, { rng: new Rng(0), dtype: 'float64' }));
    const before = small.stateDict();
    expect(() => loadTorchStateDict(small, path)).to.throw(StateError, /wrong shape|unexpected/);
    expectSameBits(small.stateDict()['0.weight']!, before['0.weight']!);
  });

  it('PyTorch-side code reads the file and computes the same outputs; its file reads back (Python, numpy; torch when present)', function () {
    this.timeout(60_000);
    const py = pythonWithNumpy();
    if (!py) {
      if (process.env.CI) throw new Error('CI must have python3 with numpy (.ci/run installs python3-numpy)');
      this.skip(); // reason: no python3 with numpy on this machine (apt-get install python3-numpy)
    }
    const m = model(3).eval();
    m.train().call(tensor([[1, 2, 3], [0, -1, 2], [3, 1, 0]], { dtype: 'float64' }));
    m.eval();
    const x = [[0.5, -1, 2], [1, 1, 1]];
    const src = join(dir, 'descent.safetensors');
    const dst = join(dir, 'python.safetensors');
    saveTorchStateDict(m, src);
    writeFileSync(join(dir, 'x.json'), JSON.stringify(x));
    const script = new URL('./python/safetensors_interop.py', import.meta.url).pathname;
    const r = spawnSync(py!, [script, src, join(dir, 'x.json'), dst, join(dir, 'y.json')], { encoding: 'utf8' });
    expect(r.status, r.stderr).to.equal(0);
    const py_ = JSON.parse(readFileSync(join(dir, 'y.json'), 'utf8')) as { output: number[][]; checked: string };
    const ours = m.call(tensor(x, { dtype: 'float64' }));
    expectClose((ours.toArray() as number[][]).flat(), py_.output.flat(), 1e-12);
    const back = model(4);
    loadTorchStateDict(back, dst);
    const sd = back.stateDict();
    expect(sd['1.numBatchesTracked']!.item()).to.equal(1);
    expectSameBits(sd['0.weight']!, (m.getModule('0') as Linear).weight.mul(2));
  });
});
