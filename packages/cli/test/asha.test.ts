import { expect } from 'chai';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  InlineExecutor, canonicalJson, checkHalving, deterministicPart, expandGrid, gridHalving, rungBudget, runSuccessiveHalving, runSweep, toResultJson,
  type RunRecord, type RunSpec,
} from '../src/sweep/index.js';
import { sweepMain } from '../src/commands/sweep.js';
import { loadWorkloads } from '../src/workloads/index.js';
import { captureIo, counting, tempDir } from './helpers.js';

const cellOf = (s: RunSpec): string => JSON.stringify([s.workload, s.optimizer.name, s.lr]);
const meanValLoss = (rs: readonly RunRecord[]): number => rs.reduce((a, r) => a + (r.outcome.diverged ? Infinity : r.outcome.final.valLoss), 0) / rs.length;

describe('cli/sweep successive halving (ASHA)', function () {
  this.timeout(120_000);
  before(() => loadWorkloads());
  const tmp = tempDir();
  after(() => tmp.remove());

  it('keeps the best 1/η of each workload\'s cells per rung by mean validation loss, and runs fewer steps than the full grid', async () => {
    const grid = {
      workloads: ['fn-beale', 'fn-rosenbrock'], optimizers: ['adam', 'sgd'], lrs: [1e-5, 1e-3, 1e-2, 5e-2, 2e-1], seeds: 2,
      preset: 'smoke', budget: { steps: 90 }, asha: { eta: 3, rungs: 3 },
    };
    const specs = expandGrid(grid, () => 'builtin');
    const halving = gridHalving(grid)!;
    const runs = counting(new InlineExecutor());
    const { records, rungs } = await runSuccessiveHalving(specs, { executor: runs, halving });
    // 10 cells per workload → ⌊10/3⌋ = 3 → max(1, ⌊3/3⌋) = 1, at 10, 30 and 90 steps
    expect(rungs).to.deep.equal([
      { rung: 0, cells: 20, runs: 40, budget: 400 }, { rung: 1, cells: 6, runs: 12, budget: 360 }, { rung: 2, cells: 2, runs: 4, budget: 360 },
    ]);
    expect(new Set(runs.specs.map((s) => s.budget.steps))).to.deep.equal(new Set([10, 30, 90]));
    const executedSteps = runs.specs.reduce((a, s) => a + s.budget.steps!, 0);
    expect(executedSteps).to.equal(400 + 360 + 360);
    expect(executedSteps).to.be.lessThan(specs.length * 90); // 3600 for the full grid

    // the same selection, by brute force: every cell at every rung's budget
    const at = (steps: number) => runSweep(specs.map((s) => ({ ...s, budget: { steps } })), { executor: new InlineExecutor() });
    const [r10, r30, r90] = [await at(10), await at(30), await at(90)];
    const best = (rs: RunRecord[], among: Set<string>, keep: number, workload: string): string[] => {
      const cells = [...new Set(rs.filter((r) => r.spec.workload === workload).map((r) => cellOf(r.spec)))].filter((c) => among.has(c));
      const score = (c: string) => meanValLoss(rs.filter((r) => cellOf(r.spec) === c));
      return [...cells].sort((a, b) => score(a) - score(b)).slice(0, keep);
    };
    for (const w of grid.workloads) {
      const all = new Set(specs.map(cellOf));
      const after0 = new Set(best(r10, all, 3, w));
      const after1 = new Set(best(r30, after0, 1, w));
      const reached = (rung: number) => new Set(records.filter((r) => r.spec.workload === w && r.rung >= rung).map((r) => cellOf(r.spec)));
      expect(reached(1), `${w} rung 1`).to.deep.equal(after0);
      expect(reached(2), `${w} rung 2`).to.deep.equal(after1);
      // the hopeless lr never gets past the first rung
      expect([...reached(1)].some((c) => c.includes('1e-5'))).to.equal(false);
    }
    // every spec has one record, its cell's last rung; the survivors' are the full-budget runs
    expect(records).to.have.length(specs.length);
    records.forEach((r, i) => {
      expect(cellOf(r.spec)).to.equal(cellOf(specs[i]!));
      expect(r.spec.seed).to.equal(specs[i]!.seed);
      expect(r.spec.budget.steps).to.equal([10, 30, 90][r.rung]);
      expect(r.stopped).to.equal(r.rung < 2);
      const full = [r10, r30, r90][r.rung]![i]!;
      expect(toResultJson(deterministicPart(r.outcome))).to.equal(toResultJson(deterministicPart(full.outcome)));
    });
  });

  it('checks the schedule, scales budgets, and writes rungs into `descent sweep` results', async () => {
    expect(checkHalving({ rungs: 2 })).to.deep.equal({ eta: 3, rungs: 2 });
    expect(() => checkHalving({ eta: 1, rungs: 3 }, 'grid.asha')).to.throw(/grid\.asha\.eta: expected a number > 1, but got 1/);
    expect(() => checkHalving({ eta: 3, rungs: 0 }, 'grid.asha')).to.throw(/grid\.asha\.rungs: expected an integer from 1 to 10, but got 0/);
    expect(() => checkHalving({ eta: 3, rung: 2 }, 'grid.asha')).to.throw(/grid\.asha: expected \{ "eta": number > 1, "rungs": integer ≥ 1 \}/);
    expect(() => gridHalving({ asha: 'yes' })).to.throw(/grid\.asha: expected/);
    expect(gridHalving({ workloads: [] })).to.equal(undefined);
    expect(rungBudget({ steps: 90 }, 9)).to.deep.equal({ steps: 10 });
    expect(rungBudget({ epochs: 8 }, 3)).to.deep.equal({ epochs: 3 });
    expect(rungBudget({ epochs: 1 }, 9)).to.deep.equal({ epochs: 1 });

    const file = join(tmp.path, 'grid.json');
    writeFileSync(file, canonicalJson({ workloads: ['fn-saddle'], optimizers: ['adam'], lrs: [1e-4, 1e-2, 5e-2], preset: 'smoke', budget: { steps: 40 }, asha: { eta: 2, rungs: 2 } }));
    const io = captureIo(tmp.path);
    const result = await sweepMain(['grid.json', '--workers', '0', '--out', 'out'], io);
    const doc = JSON.parse(readFileSync(join(tmp.path, 'out', 'results.json'), 'utf8')) as { runs: Array<{ lr: number; rung: number; stopped: boolean; budget: { steps: number } }> };
    expect(doc.runs.map((r) => [r.rung, r.budget.steps])).to.deep.include.members([[0, 20], [1, 40]]);
    expect(doc.runs.filter((r) => !r.stopped)).to.have.length(1);
    expect(result.runs).to.have.length(3);
    expect(io.errorText()).to.match(/rung 0: 3 cells, 3 runs[\s\S]*rung 1: 1 cells, 1 runs/);
    expect(readFileSync(join(tmp.path, 'out', 'index.html'), 'utf8')).to.contain('<th>budget</th>');
  });
});
