/**
 * The comparison's summary: one row per optimizer (final train loss, train and test accuracy,
 * generalisation gap, wall time), as a terminal table, and the lecture's Adam-vs-SGDM claim
 * checked against the numbers.
 * @module
 */
import type { RunResult } from './runner.js';
import { formatTable, type Column } from './terminal.js';

/** One row of the summary, in numbers.
 * @example
 * ```ts
 * const row: SummaryRow = summaryRows(runs)[0];
 * row.gap; // train accuracy − test accuracy
 * ```
 */
export interface SummaryRow {
  /** The optimizer's registered name. */
  readonly optimizer: string;
  /** Its base learning rate. */
  readonly lr: number;
  /** Cross-entropy on the whole training set at the end (eval mode). */
  readonly trainLoss: number;
  /** Cross-entropy on the whole test set at the end. */
  readonly testLoss: number;
  /** Accuracy on the whole training set at the end (eval mode). */
  readonly trainAccuracy: number;
  /** Accuracy on the whole test set at the end. */
  readonly testAccuracy: number;
  /** Generalisation gap in accuracy: train − test (fractions). */
  readonly gap: number;
  /** Generalisation gap in loss: test − train. */
  readonly lossGap: number;
  /** Training wall time, seconds. */
  readonly seconds: number;
  /** Mean training loss of the first epoch (how fast it starts). */
  readonly firstEpochLoss: number;
  /** Whether training stopped at a non-finite loss. */
  readonly diverged: boolean;
}

/** The summary rows of finished runs, in run order.
 * @example
 * ```ts
 * summaryRows(runs).map((r) => r.testAccuracy);
 * ```
 */
export function summaryRows(runs: readonly RunResult[]): SummaryRow[] {
  return runs.map((r) => ({
    /** The optimizer's registered name. */
    optimizer: r.optimizer,
    /** Its base learning rate. */
    lr: r.lr,
    trainLoss: r.final.trainLoss,
    /** Cross-entropy on the whole test set at the end. */
    testLoss: r.final.testLoss,
    /** Accuracy on the whole training set at the end (eval mode). */
    trainAccuracy: r.final.trainAccuracy,
    /** Accuracy on the whole test set at the end. */
    testAccuracy: r.final.testAccuracy,
    gap: r.final.trainAccuracy - r.final.testAccuracy,
    lossGap: r.final.testLoss - r.final.trainLoss,
    seconds: r.seconds,
    firstEpochLoss: r.epochs[0]?.trainLoss ?? NaN,
    /** Whether training stopped at a non-finite loss. */
    diverged: r.diverged,
  }));
}

/** Format a number compactly (3 significant digits, exponent for tiny or huge values).
 * @example
 * ```ts
 * fmtNumber(0.000123); // '1.23e-4'
 * ```
 */
export function fmtNumber(v: number, digits = 4): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return v.toExponential(2).replace(/e([+-])0*(\d)/, 'e$1$2').replace('e+', 'e');
  return Number(v.toPrecision(digits)).toString();
}

/** A fraction as a percentage with one decimal (`0.9712` → `97.1%`).
 * @example
 * ```ts
 * pct(0.9712); // '97.1%'
 * ```
 */
export function pct(v: number): string {
  return Number.isFinite(v) ? `${(v * 100).toFixed(1)}%` : String(v);
}

/** The columns of the summary table (terminal and HTML).
 * @example
 * ```ts
 * SUMMARY_COLUMNS.map((c) => c.header);
 * ```
 */
export const SUMMARY_COLUMNS: readonly Column[] = [
  { header: 'optimizer' }, { header: 'lr', align: 'right' }, { header: 'train loss', align: 'right' },
  { header: 'test loss', align: 'right' }, { header: 'train acc', align: 'right' }, { header: 'test acc', align: 'right' },
  { header: 'gap (acc)', align: 'right' }, { header: 'gap (loss)', align: 'right' }, { header: 'time', align: 'right' },
];

/** The cells of one row as text, in {@link SUMMARY_COLUMNS} order.
 * @example
 * ```ts
 * summaryCells(row); // ['adam', '0.001', '0.0421', …]
 * ```
 */
export function summaryCells(r: SummaryRow): string[] {
  const sign = (v: number, s: string) => (v > 0 ? `+${s}` : s);
  return [
    r.optimizer + (r.diverged ? ' (diverged)' : ''), fmtNumber(r.lr, 3), fmtNumber(r.trainLoss), fmtNumber(r.testLoss), pct(r.trainAccuracy), pct(r.testAccuracy),
    sign(r.gap, `${(r.gap * 100).toFixed(1)} pp`), sign(r.lossGap, fmtNumber(r.lossGap, 3)), `${r.seconds.toFixed(1)} s`,
  ];
}

/** The summary as an aligned plain-text table.
 * @example
 * ```ts
 * console.log(summaryTable(summaryRows(runs)));
 * ```
 */
export function summaryTable(rows: readonly SummaryRow[]): string {
  return formatTable(SUMMARY_COLUMNS, rows.map(summaryCells));
}

/** One part of the lecture's claim and whether it holds in this run.
 * @example
 * ```ts
 * const f: ClaimFinding = { claim: 'Adam trains faster', holds: true, evidence: '…' };
 * ```
 */
export interface ClaimFinding {
  /** The part of the claim, in words. */
  readonly claim: string;
  /** null when the run lacks the optimizers to check it. */
  readonly holds: boolean | null;
  /** The numbers it was judged on. */
  readonly evidence: string;
}

/**
 * Check the lecture's "Adam: fast training, large generalization gap; SGDM: better convergence"
 * against this run's Adam and SGDM rows (each part null when either is missing).
 * @example
 * ```ts
 * lectureClaim(summaryRows(runs)).map((f) => `${f.claim}: ${f.holds}`);
 * ```
 */
export function lectureClaim(rows: readonly SummaryRow[]): ClaimFinding[] {
  const adam = rows.find((r) => r.optimizer === 'adam');
  const sgdm = rows.find((r) => r.optimizer === 'sgdm');
  if (!adam || !sgdm) {
    const why = 'needs both adam and sgdm in the comparison';
    return [
      { claim: 'Adam trains faster than SGDM', holds: null, evidence: why },
      { claim: 'Adam has the larger generalization gap', holds: null, evidence: why },
      { claim: 'SGDM converges to a better (test) solution', holds: null, evidence: why },
    ];
  }
  return [
    {
      /** The part of the claim, in words. */
      claim: 'Adam trains faster than SGDM',
      holds: adam.firstEpochLoss < sgdm.firstEpochLoss,
      /** The numbers it was judged on. */
      evidence: `mean training loss in epoch 1: Adam ${fmtNumber(adam.firstEpochLoss)}, SGDM ${fmtNumber(sgdm.firstEpochLoss)}`,
    },
    {
      /** The part of the claim, in words. */
      claim: 'Adam has the larger generalization gap',
      holds: adam.gap > sgdm.gap,
      /** The numbers it was judged on. */
      evidence: `train − test accuracy: Adam ${(adam.gap * 100).toFixed(1)} pp, SGDM ${(sgdm.gap * 100).toFixed(1)} pp; test − train loss: Adam ${fmtNumber(adam.lossGap, 3)}, SGDM ${fmtNumber(sgdm.lossGap, 3)}`,
    },
    {
      /** The part of the claim, in words. */
      claim: 'SGDM converges to a better (test) solution',
      holds: sgdm.testAccuracy >= adam.testAccuracy,
      /** The numbers it was judged on. */
      evidence: `test accuracy: SGDM ${pct(sgdm.testAccuracy)}, Adam ${pct(adam.testAccuracy)}`,
    },
  ];
}
