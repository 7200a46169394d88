/**
 * The safetensors file format (huggingface/safetensors): an 8-byte little-endian header length,
 * a JSON header naming each tensor's dtype, shape and byte range, then the tensors' raw
 * little-endian bytes. It is what PyTorch users load with `safetensors.torch.load_file`, so it is
 * descent's way out to PyTorch ({@link saveTorchStateDict}) and back.
 *
 * Floats are stored as `F32`/`F64`. Integer tensors (`I64`, `I32`, …, as PyTorch's
 * `num_batches_tracked`) are read into float64 tensors when every value is exact there; `BOOL`
 * and `U8` likewise. Anything else is a {@link StateError}.
 *
 * @example
 * ```ts
 * import { tensor } from '@descent/tensor';
 * import { encodeSafetensors, decodeSafetensors } from '@descent/layers';
 * const bytes = encodeSafetensors({ w: tensor([1, 2]) }, { note: 'hello' });
 * decodeSafetensors(bytes).tensors.w!.toArray(); // [1, 2]
 * ```
 * @module
 */
import { readFileSync } from 'node:fs';
import { StateError, describe, tensor, type Tensor, type TypedArray } from '@descent/tensor';
import { writeFileAtomic } from './save_load.js';

/** A safetensors file's content: named tensors and the free-form string metadata.
 * @example
 * ```ts
 * const { tensors, metadata } = loadSafetensors('model.safetensors');
 * ```
 */
export interface Safetensors {
  /** Tensors by name, in the file's order. */
  tensors: Record<string, Tensor>;
  /** The header's `__metadata__` (string keys to string values), `{}` when absent. */
  metadata: Record<string, string>;
}

/** Bytes per element and a reader for each dtype the format names that descent can read. */
const READERS: Record<string, { size: number; read: (v: DataView, at: number) => number | bigint }> = {
  F64: { size: 8, read: (v, at) => v.getFloat64(at, true) },
  F32: { size: 4, read: (v, at) => v.getFloat32(at, true) },
  I64: { size: 8, read: (v, at) => v.getBigInt64(at, true) },
  U64: { size: 8, read: (v, at) => v.getBigUint64(at, true) },
  I32: { size: 4, read: (v, at) => v.getInt32(at, true) },
  U32: { size: 4, read: (v, at) => v.getUint32(at, true) },
  I16: { size: 2, read: (v, at) => v.getInt16(at, true) },
  U16: { size: 2, read: (v, at) => v.getUint16(at, true) },
  I8: { size: 1, read: (v, at) => v.getInt8(at) },
  U8: { size: 1, read: (v, at) => v.getUint8(at) },
  BOOL: { size: 1, read: (v, at) => v.getUint8(at) },
};

/** Serialise tensors (and optional string metadata) to the bytes of a safetensors file.
 * Float tensors keep their dtype; tensors are laid out in the order given.
 * @throws StateError for a value that is not a Tensor or metadata that is not strings.
 * @example
 * ```ts
 * writeFileSync('w.safetensors', encodeSafetensors({ weight: w }));
 * ```
 */
export function encodeSafetensors(tensors: Record<string, Tensor>, metadata: Record<string, string> = {}): Uint8Array {
  const where = 'encodeSafetensors';
  if (tensors === null || typeof tensors !== 'object') throw new StateError(`${where}: tensors must be an object of named tensors, but got ${describe(tensors)}`);
  const header: Record<string, unknown> = {};
  const meta = Object.entries(metadata ?? {});
  for (const [k, v] of meta) {
    if (typeof v !== 'string') throw new StateError(`${where}: metadata values must be strings, but '${k}' is ${describe(v)}`);
  }
  if (meta.length) header.__metadata__ = metadata;
  const buffers: TypedArray[] = [];
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    if (name === '__metadata__') throw new StateError(`${where}: '__metadata__' is reserved and cannot name a tensor`);
    if (t === null || typeof t !== 'object' || typeof (t as Tensor).data !== 'function') {
      throw new StateError(`${where}: '${name}' must be a Tensor, but got ${describe(t)}`);
    }
    const values = t.data();
    header[name] = { dtype: t.dtype === 'float64' ? 'F64' : 'F32', shape: [...t.shape], data_offsets: [offset, offset + values.byteLength] };
    buffers.push(values);
    offset += values.byteLength;
  }
  let json = JSON.stringify(header);
  // The reference writer pads the header with spaces so the data starts 8-byte aligned.
  json += ' '.repeat((8 - (Buffer.byteLength(json) % 8)) % 8);
  const headerBytes = Buffer.from(json, 'utf8');
  const out = new Uint8Array(8 + headerBytes.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.length;
  for (const values of buffers) {
    const dst = new DataView(out.buffer, at, values.byteLength);
    const f64 = values instanceof Float64Array;
    for (let i = 0; i < values.length; i++) {
      if (f64) dst.setFloat64(i * 8, values[i]!, true); else dst.setFloat32(i * 4, values[i]!, true);
    }
    at += values.byteLength;
  }
  return out;
}

/** Parse the bytes of a safetensors file. Every entry is checked (dtype, shape, byte range
 * inside the file, no overlaps) before any tensor is made.
 * @param source names the file in error messages.
 * @throws StateError for a malformed file.
 * @example
 * ```ts
 * const { tensors } = decodeSafetensors(readFileSync('w.safetensors'));
 * ```
 */
export function decodeSafetensors(bytes: Uint8Array, source = 'safetensors'): Safetensors {
  if (!(bytes instanceof Uint8Array)) throw new StateError(`${source}: expected the file's bytes (a Uint8Array), but got ${describe(bytes)}`);
  if (bytes.length < 8) throw new StateError(`${source}: a safetensors file starts with an 8-byte header length, but the file has ${bytes.length} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getBigUint64(0, true);
  if (headerLength > BigInt(bytes.length - 8)) {
    throw new StateError(`${source}: the header length ${headerLength} runs past the end of the file (${bytes.length} bytes)`);
  }
  let header: unknown;
  try {
    header = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset + 8, Number(headerLength)).toString('utf8'));
  } catch (e) {
    throw new StateError(`${source}: the header is not valid JSON (${(e as Error).message})`);
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) throw new StateError(`${source}: the header must be a JSON object, but got ${describe(header)}`);
  const dataStart = 8 + Number(headerLength);
  const dataLength = bytes.length - dataStart;
  const metadata: Record<string, string> = {};
  const entries: Array<{ name: string; dtype: string; shape: number[]; begin: number; end: number }> = [];
  for (const [name, entry] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      for (const [k, v] of Object.entries((entry ?? {}) as Record<string, unknown>)) {
        if (typeof v !== 'string') throw new StateError(`${source}: __metadata__.${k} must be a string, but got ${describe(v)}`);
        metadata[k] = v;
      }
      continue;
    }
    const e = entry as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    const reader = typeof e?.dtype === 'string' ? READERS[e.dtype] : undefined;
    if (!reader) throw new StateError(`${source}: tensor '${name}' has dtype ${describe(e?.dtype)}; descent reads ${Object.keys(READERS).join(', ')}`);
    if (!Array.isArray(e.shape) || !e.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw new StateError(`${source}: tensor '${name}' needs a shape of non-negative integers, but got ${describe(e.shape)}`);
    }
    const offsets = e.data_offsets;
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0) || offsets[0] > offsets[1] || offsets[1] > dataLength) {
      throw new StateError(`${source}: tensor '${name}' has data_offsets ${describe(offsets)}; expected [begin, end] within the ${dataLength} data bytes`);
    }
    const count = (e.shape as number[]).reduce((a, b) => a * b, 1);
    if (count * reader.size !== offsets[1] - offsets[0]) {
      throw new StateError(`${source}: tensor '${name}' of shape [${(e.shape as number[]).join(', ')}] and dtype ${e.dtype} needs ${count * reader.size} bytes, but data_offsets span ${offsets[1] - offsets[0]}`);
    }
    entries.push({ name, dtype: e.dtype as string, shape: e.shape as number[], begin: offsets[0] as number, end: offsets[1] as number });
  }
  const sorted = [...entries].sort((a, b) => a.begin - b.begin);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.begin < sorted[i - 1]!.end) throw new StateError(`${source}: tensors '${sorted[i - 1]!.name}' and '${sorted[i]!.name}' overlap`);
  }
  const tensors: Record<string, Tensor> = {};
  for (const { name, dtype, shape, begin } of entries) {
    const reader = READERS[dtype]!;
    const count = shape.reduce((a, b) => a * b, 1);
    const values = dtype === 'F32' ? new Float32Array(count) : new Float64Array(count);
    for (let i = 0; i < count; i++) {
      const v = reader.read(view, dataStart + begin + i * reader.size);
      if (typeof v === 'bigint' && (v > BigInt(Number.MAX_SAFE_INTEGER) || v < -BigInt(Number.MAX_SAFE_INTEGER))) {
        throw new StateError(`${source}: tensor '${name}' holds ${v}, which a float64 tensor cannot hold exactly`);
      }
      values[i] = Number(v);
    }
    tensors[name] = tensor(values, { dtype: dtype === 'F32' ? 'float32' : 'float64', shape });
  }
  return { tensors, metadata };
}

/** Write tensors to a safetensors file (atomically: the previous file survives a failed write).
 * @throws StateError for bad tensors or when the file cannot be written.
 * @example
 * ```ts
 * saveSafetensors('weights.safetensors', { weight: w, bias: b }, { framework: 'descent' });
 * ```
 */
export function saveSafetensors(path: string, tensors: Record<string, Tensor>, metadata: Record<string, string> = {}): void {
  writeFileAtomic(path, encodeSafetensors(tensors, metadata));
}

/** Read a safetensors file.
 * @throws StateError when the file cannot be read or is malformed.
 * @example
 * ```ts
 * const { tensors, metadata } = loadSafetensors('weights.safetensors');
 * ```
 */
export function loadSafetensors(path: string): Safetensors {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new StateError(`loadSafetensors: cannot read '${path}': ${(e as Error).message}`);
  }
  return decodeSafetensors(bytes, path);
}
