import { expect } from 'chai';
import { main } from '../../examples/curriculum-noise/main.js';

describe('examples/curriculum-noise', () => {
  const small = { samples: 96, epochs: 3, hidden: 8, depth: 2, log: false as const };

  it('trains the four variants (small run)', () => {
    const lines: string[] = [];
    const r = main({ ...small, log: (l) => lines.push(l) });
    expect(Object.keys(r)).to.deep.equal(['baseline', 'noise', 'curriculum', 'curriculumNoise']);
    for (const run of Object.values(r)) {
      expect(run.valLoss).to.be.finite;
      expect(run.valAccuracy).to.be.within(0, 1);
      expect(run.history.epochs).to.have.length(3);
    }
    expect(lines.some((l) => l.startsWith('curriculumNoise'))).to.equal(true);
  });

  it('the curriculum paces the data from 30 % to all of it; the noise changes the gradients', () => {
    const r = main(small);
    const steps = r.curriculum.history.steps;
    expect(steps[0]!.dataFraction).to.be.closeTo(0.3, 1e-12);
    expect(steps.at(-1)!.dataFraction).to.equal(1);
    expect(r.baseline.history.steps.every((s) => s.dataFraction === 1)).to.equal(true);
    expect(r.noise.history.steps.every((s) => s.transformedGradNorm !== s.gradNorm)).to.equal(true);
    expect(r.baseline.history.steps.every((s) => s.transformedGradNorm === s.gradNorm)).to.equal(true);
  });

  it('is deterministic', () => {
    const a = main({ ...small, epochs: 2 });
    const b = main({ ...small, epochs: 2 });
    expect(a.curriculumNoise.history).to.deep.equal(b.curriculumNoise.history);
  });
});
