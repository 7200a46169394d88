/**
 * What the benchmark found: per workload, the cells (optimizer at its chosen rate over seeds),
 * the tuning and seed runs, the curves and the claims; over all workloads, the profile.
 * @module
 */
import type { RunRecord } from '../sweep/result.js';
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

