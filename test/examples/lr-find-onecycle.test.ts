import { expect } from 'chai';
import { main } from '../../examples/lr-find-onecycle/main.js';

describe('examples/lr-find-onecycle', () => {
  it('finds a learning rate, leaves the model unchanged and trains with one-cycle (small run)', () => {
    const lines: string[] = [];
    const r = main({ samples: 150, epochs: 2, rangeSteps: 40, log: (l) => lines.push(l) });
    expect(r.modelUnchanged).to.equal(true);
    expect(r.suggestion).to.be.within(1e-5, 10);
    expect(r.range.lrs.length).to.be.at.most(40);
    expect(r.runs.onecycle.maxLr).to.equal(r.suggestion);
    expect(Math.max(...r.runs.onecycle.history.steps.map((s) => s.lr))).to.be.closeTo(r.suggestion, r.suggestion * 0.05);
    expect(r.runs.onecycleTooSmall.maxLr).to.be.closeTo(r.suggestion / 100, 1e-15);
    expect(lines[0]).to.match(/^range test: \d+ steps/);
  });

  it('is deterministic', () => {
    const a = main({ samples: 60, epochs: 1, rangeSteps: 20, log: false });
    const b = main({ samples: 60, epochs: 1, rangeSteps: 20, log: false });
    expect(a.range).to.deep.equal(b.range);
    expect(a.runs.onecycle.history).to.deep.equal(b.runs.onecycle.history);
  });
});
