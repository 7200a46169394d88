import { basename } from 'node:path';
import { expect } from 'chai';
import './golden_runner/all_kinds.js';
import { goldenDir, listTraceFiles, runTraceFile } from './golden_runner/runner.js';

describe('golden traces (PyTorch float64)', () => {
  for (const file of listTraceFiles(goldenDir())) {
    it(basename(file), function () {
      const r = runTraceFile(file);
      if (r.status === 'skip') this.skip(); // only a kind with no handler yet; the runner reports it
      expect(r.status, r.message).to.equal('pass');
    });
  }
});
