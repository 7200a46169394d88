/**
 * The benchmark's tables as text (terminal) and as cells (HTML): per workload, each optimizer's
 * chosen learning rate, final metrics as mean ± std over seeds, and median time-to-target.
 * @module
 */
import { fmtNumber } from '../summary.js';
import { formatTable, type Column } from '../terminal.js';
import { getWorkload } from '../workloads/registry.js';
import type { CellSummary, ClaimResult, MeanStd } from './analysis.js';
import type { BenchPlan } from './protocol.js';
import type { WorkloadFindings } from './findings.js';

/** `mean ± std` of a fraction in percent (`95.1 ± 0.3%`), or `–`.
 * @example
 * ```ts
 * pctMeanStd({ mean: 0.951, std: 0.003, n: 3 }); // '95.1 ± 0.3%'
 * ```
 */
export function pctMeanStd(m: MeanStd | null): string {
  return m ? `${(m.mean * 100).toFixed(1)} ± ${(m.std * 100).toFixed(1)}%` : '–';
}

/** `mean ± std` of a number (3 significant digits).
 * @example
 * ```ts
 * numMeanStd({ mean: 0.1234, std: 0.0051, n: 3 }); // '0.123 ± 0.0051'
 * ```
 */
export function numMeanStd(m: MeanStd | null): string {
  return m ? `${fmtNumber(m.mean, 3)} ± ${fmtNumber(m.std, 2)}` : '–';
}

/** The table of one workload: columns and rows of text.
 * @example
 * ```ts
 * const { columns, rows } = workloadTable('mlp-mnist', cells);
 * ```
 */
export function workloadTable(workload: string, cells: readonly CellSummary[]): { columns: Column[]; rows: string[][] } {
  const classification = getWorkload(workload).task === 'classification';
  const r = (header: string): Column => ({ header, align: 'right' });
  const columns: Column[] = classification
    ? [{ header: 'optimizer' }, r('lr'), r('val acc'), r('test acc'), r('train loss'), r('gap (pp)'), r('steps to target'), r('s to target'), r('diverged')]
    : [{ header: 'optimizer' }, r('lr'), r('final f − f*'), r('log10(f − f*)'), r('steps to target'), r('diverged')];
  const ttt = (c: CellSummary) => (c.stepsToTarget === null ? `– (${c.reached}/${c.seeds})` : `${Math.round(c.stepsToTarget)} (${c.reached}/${c.seeds})`);
  const rows = cells.map((c) => {
    const div = c.diverged ? `${c.diverged}/${c.seeds}` : '0';
    if (!classification) {
      const logs = c.valLoss ? { mean: Math.log10(Math.max(c.valLoss.mean, 1e-16)), std: 0, n: c.valLoss.n } : null;
      return [c.optimizer, fmtNumber(c.lr, 2), numMeanStd(c.valLoss), logs ? fmtNumber(logs.mean, 3) : '–', ttt(c), div];
    }
    const gap = c.trainAcc && c.testAcc ? `${((c.trainAcc.mean - c.testAcc.mean) * 100).toFixed(1)}` : '–';
    return [c.optimizer, fmtNumber(c.lr, 2), pctMeanStd(c.valAcc), pctMeanStd(c.testAcc), numMeanStd(c.trainLoss), gap, ttt(c), c.secondsToTarget === null ? '–' : c.secondsToTarget.toFixed(1), div];
  });
  return { columns, rows };
}

/** Every workload's table as text lines, each under its title.
 * @example
 * ```ts
 * benchTables(plan, findings).forEach((l) => console.log(l));
 * ```
 */
export function benchTables(plan: BenchPlan, findings: readonly WorkloadFindings[]): string[] {
  return findings.flatMap((f) => {
    const w = getWorkload(f.name);
    const { columns, rows } = workloadTable(f.name, f.cells);
    return [`${f.name}: ${w.title} (${plan.seeds} seeds, mean ± std; time to target: median over seeds, (reached/seeds))`, formatTable(columns, rows), ''];
  });
}

/** An interval as text: `[-0.12, 0.034]`.
 * @example
 * ```ts
 * intervalText([-0.1234, 0.0345]); // '[-0.123, 0.0345]'
 * ```
 */
export function intervalText(interval: readonly [number, number] | null): string {
  return interval ? `[${fmtNumber(interval[0], 3)}, ${fmtNumber(interval[1], 3)}]` : '(fewer than 2 finite runs a side)';
}

/** The claims as aligned lines: verdict, workload, claim, difference and interval.
 * @example
 * ```ts
 * claimLines(result.claims).forEach((l) => console.log(l));
 * ```
 */
export function claimLines(claims: readonly ClaimResult[]): string[] {
  return claims.map((c) => `${c.verdict.padEnd(13)}  ${c.workload.padEnd(13)}  ${c.claim}: difference ${fmtNumber(c.difference, 3)}, 95% CI ${intervalText(c.interval)} (${c.metric}; n = ${c.n.join(' vs ')})`);
}
