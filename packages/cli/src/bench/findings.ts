/**
 * What the benchmark found: per workload, the cells (optimizer at its chosen rate over seeds),
 * the tuning and seed runs, the curves and the claims; over all workloads, the profile.
 * @module
 */
import type { RunRecord, RunFinalMetrics, RunHistory, TimeToTarget } from '../sweep/result.js';
import type { OptimizerSpec } from '../sweep/spec.js';
import type { WorkloadConfig } from '../workloads/registry.js';
import type { Band, CellSummary, ClaimResult, PerformanceProfile } from './analysis.js';
import type { BenchPlan } from './protocol.js';

/** One workload's findings.
 * @example
 * ```ts
 * result.workloads[0].cells.map((c) => c.valAcc?.mean);
 * ```
 */
export interface WorkloadFindings {
  /** The workload's name. */
  readonly name: string;
  /** Per optimizer at its chosen rate, over the seeds. */
  readonly cells: CellSummary[];
  /** The tuning runs (seed 0), per optimizer, in grid order. */
  readonly tuning: Record<string, RunRecord[]>;
  /** The seed runs, per optimizer. */
  readonly seedRuns: Record<string, RunRecord[]>;
  /** Validation curves (accuracy, or log10 of f − f*) as mean ± std over seeds, per optimizer. */
  readonly curves: Record<string, Band>;
  /** The lecture's claims on this workload. */
  readonly claims: ClaimResult[];
}

/** What {@link runBench} returns.
 * @example
 * ```ts
 * const { claims, reportPath } = await runBench({ preset: 'smoke' });
 * ```
 */
export interface BenchResult {
  /** The plan that ran. */
  readonly plan: BenchPlan;
  /** Findings per workload, in plan order. */
  readonly workloads: WorkloadFindings[];
  /** Every claim on every workload. */
  readonly claims: ClaimResult[];
  /** The performance profile over workloads (median steps to target). */
  readonly profile: PerformanceProfile;
  /** Runs executed now / taken from the cache. */
  readonly executed: number;
  /** Runs taken from the cache. */
  readonly cached: number;
  /** Wall time, seconds. */
  readonly seconds: number;
  /** The executor's description. */
  readonly executor: string;
  /** `out/index.html`, when written. */
  readonly reportPath?: string;
  /** `out/results.json`, when written. */
  readonly resultsPath?: string;
}


/** One run as `results.json` keeps it.
 * @example
 * ```ts
 * const r: ResultsRun = doc.runs[0];
 * ```
 */
export interface ResultsRun {
  /** The workload. */
  readonly workload: string;
  /** The optimizer's name. */
  readonly optimizer: string;
  /** The base learning rate. */
  readonly lr: number;
  /** The seed. */
  readonly seed: number;
  /** `tuning` (seed 0, a grid point; the chosen one is also seed 0 of the seed phase) or `seeds`. */
  readonly phase: 'tuning' | 'seeds';
  /** The spec's hash (the cache key). */
  readonly hash: string;
  /** Evaluation points. */
  readonly history: RunHistory;
  /** End-of-run metrics. */
  readonly final: RunFinalMetrics;
  /** Time to the target. */
  readonly timeToTarget: TimeToTarget;
  /** Whether the run diverged. */
  readonly diverged: boolean;
  /** Training seconds. */
  readonly seconds: number;
  /** Mean training loss over the first quarter of the steps. */
  readonly earlyLoss: number;
}

/** The protocol as `results.json` states it.
 * @example
 * ```ts
 * doc.protocol.lrGrid;
 * ```
 */
export interface ResultsProtocol {
  /** The preset. */
  readonly preset: string;
  /** Seeds per chosen configuration. */
  readonly seeds: number;
  /** The learning-rate grid. */
  readonly lrGrid: readonly number[];
  /** Workload names. */
  readonly workloads: readonly string[];
  /** Each workload's settings, budget, target and schedule. */
  readonly configs: Readonly<Record<string, WorkloadConfig>>;
  /** The optimizers and their fixed options. */
  readonly optimizers: readonly OptimizerSpec[];
  /** The learning-rate selection rule. */
  readonly selection: string;
  /** The statistics, in words. */
  readonly statistics: string;
  /** Where the runs executed. */
  readonly executor: string;
}

/** The `results.json` document.
 * @example
 * ```ts
 * const doc = fromResultJson<ResultsDocument>(readFileSync('report/results.json', 'utf8'));
 * ```
 */
export interface ResultsDocument {
  /** The protocol. */
  readonly protocol: ResultsProtocol;
  /** The chosen learning rate per workload and optimizer. */
  readonly chosen: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** Every run, once. */
  readonly runs: ResultsRun[];
  /** Per workload and optimizer, over the seeds. */
  readonly summary: CellSummary[];
  /** The claims. */
  readonly claims: ClaimResult[];
  /** The performance profile. */
  readonly profile: PerformanceProfile;
}
