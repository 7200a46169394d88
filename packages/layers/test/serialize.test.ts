import { expect } from 'chai';
import { StateError, tensor } from '@descent/tensor';
import { decodeTensor, decodeTensors, decodeTypedArray, encodeTensor, encodeTensors, encodeTypedArray } from '@descent/layers';
import { bytesOf, expectSameBits } from './helpers.js';

const awkward = [0.1, -0, NaN, Infinity, -Infinity, 5e-324, 1.7976931348623157e308, 1 / 3, -2.5e-310];

describe('serialize', () => {
  for (const dtype of ['float32', 'float64'] as const) {
    it(`round-trips ${dtype} bit for bit (NaN, −0, ±Infinity, subnormals) through JSON`, () => {
      const t = tensor(awkward, { dtype, shape: [3, 3] });
      const back = decodeTensor(JSON.parse(JSON.stringify(encodeTensor(t))));
      expectSameBits(back, t);
      expect(back.requiresGrad).to.equal(false);
    });
  }

  it('round-trips a scalar and an empty tensor', () => {
    expectSameBits(decodeTensor(encodeTensor(tensor([7], { shape: [] }))), tensor([7], { shape: [] }));
    const empty = tensor([], { shape: [0, 3] });
    expectSameBits(decodeTensor(encodeTensor(empty)), empty);
  });

  it('encodes little-endian bytes as base64', () => {
    expect(encodeTypedArray(new Float32Array([1, 2]))).to.equal('AACAPwAAAEA=');
    expect(encodeTensor(tensor([1, 2]))).to.deep.equal({ dtype: 'float32', shape: [2], data: 'AACAPwAAAEA=' });
    expect(bytesOf(decodeTypedArray('AACAPwAAAEA=', 'float32'))).to.deep.equal(bytesOf(new Float32Array([1, 2])));
  });

  it('encodes and decodes named tensors in order', () => {
    const state = { b: tensor([1]), a: tensor(new Float64Array([2, 3])) };
    const back = decodeTensors(JSON.parse(JSON.stringify(encodeTensors(state))));
    expect(Object.keys(back)).to.deep.equal(['b', 'a']);
    expectSameBits(back.a!, state.a);
  });

  it('rejects malformed data with a StateError naming the problem', () => {
    const good = encodeTensor(tensor([1, 2, 3]));
    expect(() => decodeTensor({ ...good, data: good.data.slice(0, 8) })).to.throw(StateError, /expected 12 bytes \(3 float32 values\), but the data holds 6/);
    expect(() => decodeTensor({ ...good, data: 'not base64!' })).to.throw(StateError, /data must be a base64 string/);
    expect(() => decodeTensor({ ...good, dtype: 'int8' })).to.throw(StateError, /dtype must be one of float32, float64, but got 'int8'/);
    expect(() => decodeTensor({ ...good, shape: [3, -1] })).to.throw(StateError, /shape must be an array of non-negative integers/);
    expect(() => decodeTensor(null)).to.throw(StateError, /must be an object \{dtype, shape, data\}, but got null/);
    expect(() => decodeTensors({ x: { ...good, dtype: 'int8' }, y: good, z: 3 })).to.throw(StateError, /2 malformed entries:\n {2}entry 'x'.*\n {2}.*entry 'z'/s);
  });
});
