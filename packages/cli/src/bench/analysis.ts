/**
 * From runs to findings: per workload and optimizer, mean ± std of the final metrics over seeds,
 * median time-to-target, curves with a ± std band; the lecture's claims judged with Welch's
 * interval; the performance profile over workloads.
 * @module
 */
import type { RunRecord } from '../sweep/result.js';
import { mean, median, std, welch } from './stats.js';

/** Mean and sample standard deviation over seeds (of the finite values; `n` counts them).
 * @example
 * ```ts
 * const m: MeanStd = { mean: 0.95, std: 0.004, n: 3 };
 * ```
 */
export interface MeanStd {
  /** Mean. */
  readonly mean: number;
  /** Sample standard deviation. */
  readonly std: number;
  /** Values it is computed from. */
  readonly n: number;
}

const meanStd = (values: readonly number[]): MeanStd | null => {
  const v = values.filter((x) => Number.isFinite(x));
  return v.length === 0 ? null : { mean: mean(v), std: std(v), n: v.length };
};

/** One optimizer on one workload at its chosen learning rate, over the seeds.
 * @example
 * ```ts
 * summarizeCell(records).valAcc?.mean;
 * ```
 */
export interface CellSummary {
  /** The workload. */
  readonly workload: string;
  /** The optimizer. */
  readonly optimizer: string;
  /** The chosen learning rate. */
  readonly lr: number;
  /** Seeds run. */
  readonly seeds: number;
  /** Seeds whose run diverged. */
  readonly diverged: number;
  /** Final training loss. */
  readonly trainLoss: MeanStd | null;
  /** Final validation loss. */
  readonly valLoss: MeanStd | null;
  /** Final test loss. */
  readonly testLoss: MeanStd | null;
  /** Final training accuracy (fraction). */
  readonly trainAcc: MeanStd | null;
  /** Final validation accuracy. */
  readonly valAcc: MeanStd | null;
  /** Final test accuracy. */
  readonly testAcc: MeanStd | null;
  /** Median steps to the target over seeds (null when the median run did not reach it). */
  readonly stepsToTarget: number | null;
  /** Median seconds to the target. */
  readonly secondsToTarget: number | null;
  /** Seeds that reached the target. */
  readonly reached: number;
  /** Median training seconds per run. */
  readonly seconds: number;
}

/**
 * Summarise one cell's seed runs.
 * @example
 * ```ts
 * const s = summarizeCell(seedRecords.filter((r) => r.spec.workload === 'mlp-mnist' && r.spec.optimizer.name === 'adam'));
 * ```
 */
export function summarizeCell(records: readonly RunRecord[]): CellSummary {
  const first = records[0]!;
  const pick = (f: (r: RunRecord) => number | null) => meanStd(records.map((r) => f(r) ?? NaN));
  const steps = records.map((r) => r.outcome.timeToTarget.steps ?? Infinity);
  const secs = records.map((r) => r.outcome.timeToTarget.seconds ?? Infinity);
  const finite = (v: number) => (Number.isFinite(v) ? v : null);
  return {
    workload: first.spec.workload, optimizer: first.spec.optimizer.name, lr: first.spec.lr, seeds: records.length,
    diverged: records.filter((r) => r.outcome.diverged).length,
    trainLoss: pick((r) => r.outcome.final.trainLoss), valLoss: pick((r) => r.outcome.final.valLoss), testLoss: pick((r) => r.outcome.final.testLoss),
    trainAcc: pick((r) => r.outcome.final.trainAcc), valAcc: pick((r) => r.outcome.final.valAcc), testAcc: pick((r) => r.outcome.final.testAcc),
    stepsToTarget: finite(median(steps)), secondsToTarget: finite(median(secs)), reached: steps.filter((s) => Number.isFinite(s)).length,
    seconds: median(records.map((r) => r.outcome.seconds)),
  };
}

/** A curve over seeds: at each history step, the mean and the std of a metric.
 * @example
 * ```ts
 * const b: Band = { step: [10, 20], mean: [0.8, 0.9], std: [0.01, 0.005] };
 * ```
 */
export interface Band {
  /** Steps. */
  readonly step: number[];
  /** Mean over the seeds with a finite value there. */
  readonly mean: number[];
  /** Their sample standard deviation. */
  readonly std: number[];
}

/**
 * Mean ± std over seeds of a history metric, point by point (the seeds of a cell share their steps).
 * @example
 * ```ts
 * band(records, (r, i) => r.outcome.history.valAcc[i]);
 * ```
 */
export function band(records: readonly RunRecord[], value: (r: RunRecord, i: number) => number | null): Band {
  const steps = records[0]?.outcome.history.step ?? [];
  const out: Band = { step: [], mean: [], std: [] };
  steps.forEach((s, i) => {
    const v = records.map((r) => value(r, i) ?? NaN).filter((x) => Number.isFinite(x));
    if (v.length === 0) return;
    out.step.push(s); out.mean.push(mean(v)); out.std.push(std(v));
  });
  return out;
}

/** A verdict on a claim.
 * @example
 * ```ts
 * const v: Verdict = 'inconclusive';
 * ```
 */
export type Verdict = 'holds' | 'does not hold' | 'inconclusive';

/** One lecture claim judged on one workload.
 * @example
 * ```ts
 * const c: ClaimResult = { workload: 'mlp-mnist', claim: 'Adam trains faster than SGDM', verdict: 'inconclusive', interval: [-0.1, 0.05], difference: -0.02, metric: '…', test: 'Welch t, 95%', n: [3, 3] };
 * ```
 */
export interface ClaimResult {
  /** The workload. */
  readonly workload: string;
  /** The claim, in words. */
  readonly claim: string;
  /** `holds` when the whole interval lies on the claimed side of 0, `does not hold` when it lies on the other side, else `inconclusive`. */
  readonly verdict: Verdict;
  /** 95% interval of the difference (null when there are fewer than two finite values a side). */
  readonly interval: readonly [number, number] | null;
  /** The observed difference of means. */
  readonly difference: number;
  /** What is compared, and which sign supports the claim. */
  readonly metric: string;
  /** The test. */
  readonly test: string;
  /** Finite values on each side (first, second optimizer). */
  readonly n: readonly [number, number];
}

/** One claim's definition: the metric per run, the order of the difference, the supporting sign.
 * @example
 * ```ts
 * CLAIMS[0].value(record, 'classification'); // the run's early training loss
 * ```
 */
export interface ClaimDef {
  /** The claim, in words. */
  readonly claim: string;
  /** The kinds of workload it is judged on. */
  readonly tasks: ReadonlyArray<'classification' | 'function'>;
  /** What is compared, in words (per task). */
  readonly metric: (task: 'classification' | 'function') => string;
  /** The per-run value compared. */
  readonly value: (r: RunRecord, task: 'classification' | 'function') => number;
  /** The difference is first − second (per task). */
  readonly first: (task: 'classification' | 'function') => 'adam' | 'sgdm';
  /** Sign of the difference that supports the claim. */
  readonly sign: 1 | -1;
}

const log10Gap = (v: number) => Math.log10(Math.max(v, 1e-16));

/** The lecture's claims, as the benchmark tests them.
 * @example
 * ```ts
 * CLAIMS.map((c) => c.claim);
 * ```
 */
export const CLAIMS: readonly ClaimDef[] = [
  {
    claim: 'Adam trains faster than SGDM', tasks: ['classification', 'function'], first: () => 'adam', sign: -1,
    metric: (t) => (t === 'classification' ? 'Adam − SGDM: mean mini-batch training loss over the first quarter of the steps (< 0 supports)' : 'Adam − SGDM: mean log10(f − f*) over the first quarter of the steps (< 0 supports)'),
    value: (r) => r.outcome.earlyLoss,
  },
  {
    claim: 'Adam has the larger generalization gap', tasks: ['classification'], first: () => 'adam', sign: 1,
    metric: () => 'Adam − SGDM: (train accuracy − test accuracy) in percentage points (> 0 supports)',
    value: (r) => ((r.outcome.final.trainAcc ?? NaN) - (r.outcome.final.testAcc ?? NaN)) * 100,
  },
  {
    // accuracy: SGDM − Adam > 0 supports; 2-D loss: Adam − SGDM > 0 (SGDM ends lower) supports
    claim: 'SGDM converges to a better solution', tasks: ['classification', 'function'], first: (t) => (t === 'classification' ? 'sgdm' : 'adam'), sign: 1,
    metric: (t) => (t === 'classification' ? 'SGDM − Adam: final test accuracy in percentage points (> 0 supports)' : 'Adam − SGDM: final log10(f − f*) (> 0 supports: SGDM ends lower)'),
    value: (r, t) => (t === 'classification' ? (r.outcome.final.testAcc ?? NaN) * 100 : log10Gap(r.outcome.final.valLoss)),
  },
];

/** The verdict of an interval on a claim whose supporting difference has sign `sign`.
 * @example
 * ```ts
 * verdictOf([0.2, 0.9], 1); // 'holds'
 * ```
 */
export function verdictOf(interval: readonly [number, number] | null, sign: 1 | -1): Verdict {
  if (!interval) return 'inconclusive';
  const [lo, hi] = sign > 0 ? interval : [-interval[1], -interval[0]];
  return lo > 0 ? 'holds' : hi < 0 ? 'does not hold' : 'inconclusive';
}

/**
 * Judge the lecture's claims on one workload from its seed runs of Adam and SGDM (at their chosen
 * rates): Welch's 95% interval of the difference of means; non-finite values (diverged runs) left out.
 * @returns an empty list when Adam or SGDM is missing.
 * @example
 * ```ts
 * judgeClaims('mlp-mnist', 'classification', adamRuns, sgdmRuns).map((c) => c.verdict);
 * ```
 */
export function judgeClaims(workload: string, task: 'classification' | 'function', adam: readonly RunRecord[], sgdm: readonly RunRecord[]): ClaimResult[] {
  if (adam.length === 0 || sgdm.length === 0) return [];
  return CLAIMS.filter((c) => c.tasks.includes(task)).map((c) => {
    const [a, b] = c.first(task) === 'adam' ? [adam, sgdm] : [sgdm, adam];
    const va = a.map((r) => c.value(r, task)).filter((v) => Number.isFinite(v));
    const vb = b.map((r) => c.value(r, task)).filter((v) => Number.isFinite(v));
    const w = welch(va, vb);
    return {
      workload, claim: c.claim, verdict: verdictOf(w?.interval ?? null, c.sign), interval: w?.interval ?? null,
      difference: va.length && vb.length ? mean(va) - mean(vb) : NaN, metric: c.metric(task), test: 'Welch t, 95% two-sided', n: [va.length, vb.length],
    };
  });
}

/** The performance profile: for each optimizer, the fraction of workloads on which its median
 * steps-to-target is within a factor τ of the best optimizer's on that workload (Dolan & Moré; AlgoPerf).
 * @example
 * ```ts
 * const p: PerformanceProfile = performanceProfile(cells);
 * ```
 */
export interface PerformanceProfile {
  /** The factors τ (from 1). */
  readonly tau: number[];
  /** ρ(τ) per optimizer. */
  readonly rho: Record<string, number[]>;
  /** Workloads where some optimizer reached the target (the others do not count). */
  readonly workloads: string[];
  /** Area under ρ over log τ in [1, τmax], divided by log τmax: 1 = fastest everywhere (AlgoPerf's score shape). */
  readonly score: Record<string, number>;
}

/**
 * The performance profile of median steps-to-target over workloads.
 * @example
 * ```ts
 * performanceProfile(cells).score.adam;
 * ```
 */
export function performanceProfile(cells: readonly CellSummary[], tauMax = 16, points = 49): PerformanceProfile {
  const byWorkload = new Map<string, CellSummary[]>();
  for (const c of cells) (byWorkload.get(c.workload) ?? byWorkload.set(c.workload, []).get(c.workload)!).push(c);
  const ratios: Record<string, number[]> = {};
  const workloads: string[] = [];
  for (const [w, list] of byWorkload) {
    const best = Math.min(...list.map((c) => c.stepsToTarget ?? Infinity));
    if (!Number.isFinite(best)) continue;
    workloads.push(w);
    for (const c of list) (ratios[c.optimizer] ??= []).push((c.stepsToTarget ?? Infinity) / Math.max(best, 1));
  }
  const tau = Array.from({ length: points }, (_, i) => tauMax ** (i / (points - 1)));
  const rho: Record<string, number[]> = {}, score: Record<string, number> = {};
  for (const o of new Set(cells.map((c) => c.optimizer))) {
    const r = ratios[o] ?? [];
    rho[o] = tau.map((t) => (workloads.length ? r.filter((x) => x <= t * (1 + 1e-12)).length / workloads.length : 0));
    score[o] = rho[o]!.slice(0, -1).reduce((a, v) => a + v, 0) / (points - 1);
  }
  return { tau, rho, workloads, score };
}
