import { expect } from 'chai';
import { setBackend } from '@descent/tensor';
import { main } from '../../../examples/gpu/main.js';
import { gpuCases } from '../../helpers/backends.js';

describe('examples/gpu', () => {
  after(() => setBackend('cpu'));

  it('multiplies and trains on the gpu backend (or the CPU when gpu.js is missing), matching the CPU', () => {
    const usable = gpuCases.find((c) => c.reason === null);
    const lines: string[] = [];
    const r = main({ mode: usable?.mode ?? 'auto', size: 96, steps: 6, log: (l) => lines.push(l) });
    expect(r.backend).to.equal(usable ? 'gpu' : 'cpu');
    expect(r.info.available).to.equal(Boolean(usable));
    expect(r.matmul.maxRelDiff).to.be.below(1e-4);
    r.training.gpuLosses.forEach((l, i) => expect(Math.abs(l - r.training.cpuLosses[i]!)).to.be.below(1e-4 * r.training.cpuLosses[i]!));
    expect(r.training.gpuLosses.at(-1)!).to.be.below(r.training.gpuLosses[0]!);
    expect(lines[0]).to.match(usable ? /^gpu backend: mode/ : /^gpu backend unavailable/);
  });
});
