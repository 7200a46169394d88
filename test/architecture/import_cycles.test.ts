import { expect } from 'chai';
import { join } from 'node:path';
import { importCycles, importGraph, sourceFiles } from './import_cycles.js';

const root = new URL('../../', import.meta.url).pathname;

describe('architecture: no import cycles', () => {
  for (const pkg of ['tensor', 'layers', 'optim', 'cli']) {
    it(`@descent/${pkg}: no source file imports itself through others (type-only imports included)`, () => {
      const cycles = importCycles(importGraph(sourceFiles(join(root, 'packages', pkg, 'src'))), root);
      expect(cycles.map((c) => c.join(' → ')), 'import cycles').to.deep.equal([]);
    });
  }

  it('finds a cycle when there is one (the check itself works)', () => {
    const g = new Map([['/r/a.ts', ['/r/b.ts']], ['/r/b.ts', ['/r/c.ts']], ['/r/c.ts', ['/r/a.ts']], ['/r/d.ts', ['/r/a.ts']]]);
    expect(importCycles(g, '/r')).to.deep.equal([['a.ts', 'b.ts', 'c.ts']]);
  });
});
