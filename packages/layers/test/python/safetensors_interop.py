#!/usr/bin/env python3
"""Read descent's safetensors file the way PyTorch users do, and write one back.

usage: safetensors_interop.py IN.safetensors INPUT.json OUT.safetensors OUTPUT.json
- reads IN (the format's spec: 8-byte LE header length, JSON header, raw LE bytes) with numpy;
- runs the model Linear(3,4) -> BatchNorm1d(4) eval -> ReLU -> Linear(4,2) in numpy with
  PyTorch's layouts (Linear weight [out, in]) on INPUT, writes its output to OUTPUT.json;
- when torch is importable, also loads the tensors into torch.nn.Sequential with
  load_state_dict(strict=True) and checks it computes the same output;
- writes OUT: the same tensors with every parameter doubled, num_batches_tracked as int64.
"""
import json
import struct
import sys

import numpy as np

DTYPES = {'F32': np.float32, 'F64': np.float64, 'I64': np.int64}


def read(path):
    with open(path, 'rb') as f:
        data = f.read()
    (n,) = struct.unpack('<Q', data[:8])
    header = json.loads(data[8:8 + n].decode('utf8'))
    meta = header.pop('__metadata__', {})
    start = 8 + n
    out = {}
    for name, e in header.items():
        b, end = e['data_offsets']
        out[name] = np.frombuffer(data[start + b:start + end], dtype=np.dtype(DTYPES[e['dtype']]).newbyteorder('<')).reshape(e['shape'])
    return out, meta


def write(path, tensors):
    header, blobs, offset = {}, [], 0
    for name, a in tensors.items():
        code = {np.dtype(np.float32): 'F32', np.dtype(np.float64): 'F64', np.dtype(np.int64): 'I64'}[a.dtype]
        raw = np.ascontiguousarray(a).astype(a.dtype.newbyteorder('<')).tobytes()
        header[name] = {'dtype': code, 'shape': list(a.shape), 'data_offsets': [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    h = json.dumps(header).encode('utf8')
    h += b' ' * ((8 - len(h) % 8) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(h)) + h + b''.join(blobs))


def forward(t, x):
    h = x @ t['0.weight'].T + t['0.bias']
    h = (h - t['1.running_mean']) / np.sqrt(t['1.running_var'] + 1e-5) * t['1.weight'] + t['1.bias']
    h = np.maximum(h, 0)
    return h @ t['3.weight'].T + t['3.bias']


def main():
    src, x_path, dst, y_path = sys.argv[1:5]
    tensors, meta = read(src)
    assert meta.get('format') == 'pt', meta
    x = np.array(json.load(open(x_path)), dtype=np.float64)
    y = forward(tensors, x)
    try:
        import torch
        model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4), torch.nn.ReLU(), torch.nn.Linear(4, 2)).double().eval()
        model.load_state_dict({k: torch.from_numpy(v.copy()) for k, v in tensors.items()}, strict=True)
        with torch.no_grad():
            yt = model(torch.from_numpy(x)).numpy()
        assert np.allclose(yt, y, rtol=1e-12, atol=1e-12), (yt, y)
        checked = 'numpy and torch'
    except ImportError:
        checked = 'numpy'
    json.dump({'output': y.tolist(), 'checked': checked}, open(y_path, 'w'))
    doubled = {k: (v.astype(np.int64) if k.endswith('num_batches_tracked') else v * 2) for k, v in tensors.items()}
    write(dst, doubled)


if __name__ == '__main__':
    main()
