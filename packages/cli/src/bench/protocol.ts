/**
 * The benchmark protocol as data: which workloads, optimizers, learning-rate grid and seeds a
 * preset uses; the specs of the tuning phase (every grid point, seed 0) and of the seed phase
 * (the chosen learning rate, every seed); and the one rule that chooses a learning rate.
 * @module
 */
import { DEFAULT_OPTIMIZER_OPTIONS } from '../runner.js';
import { SPEC_VERSION, type OptimizerSpec, type RunSpec } from '../sweep/spec.js';
import type { RunRecord } from '../sweep/result.js';
import { getWorkload, type PresetName, type SelectionMetric, type WorkloadConfig } from '../workloads/registry.js';

/** What a preset fixes besides the workloads' own budgets.
 * @example
 * ```ts
 * const p: PresetSettings = { seeds: 3, lrGrid: [1e-3, 1e-2] };
 * ```
 */
export interface PresetSettings {
  /** Seeds per chosen configuration. */
  readonly seeds: number;
  /** The learning-rate grid of the tuning phase. */
  readonly lrGrid: readonly number[];
}

/** Seeds and learning-rate grid of each preset.
 * @example
 * ```ts
 * PRESETS.full.seeds; // 10
 * ```
 */
export const PRESETS: Readonly<Record<PresetName, PresetSettings>> = {
  smoke: { seeds: 2, lrGrid: [1e-3, 1e-2, 1e-1] },
  quick: { seeds: 3, lrGrid: [1e-4, 1e-3, 1e-2, 1e-1, 1] },
  full: { seeds: 10, lrGrid: [1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1, 3e-1, 1] },
};

/** The options every built-in optimizer runs with besides the tuned lr (momentum 0.9 for SGDM and
 * NAG, AdamW's weight decay, Lookahead around Adam…): `compare`'s defaults without their lr.
 * @example
 * ```ts
 * benchOptimizer('sgdm'); // { name: 'sgdm', options: { momentum: 0.9 }, implementation: 'builtin' }
 * ```
 */
export function benchOptimizer(name: string, implementation = 'builtin'): OptimizerSpec {
  const { lr: _lr, ...options } = DEFAULT_OPTIMIZER_OPTIONS[name] ?? {};
  return { name, options, implementation };
}

/** A benchmark plan: what runs, before any result is known.
 * @example
 * ```ts
 * const plan: BenchPlan = makePlan({ preset: 'quick', workloads: ['fn-saddle'], optimizers: [benchOptimizer('adam')] });
 * ```
 */
export interface BenchPlan {
  /** The preset. */
  readonly preset: PresetName;
  /** Workload names, in report order. */
  readonly workloads: readonly string[];
  /** Each workload's configuration in this preset. */
  readonly configs: Readonly<Record<string, WorkloadConfig>>;
  /** The optimizers. */
  readonly optimizers: readonly OptimizerSpec[];
  /** Candidate base learning rates (the same for every optimizer and workload). */
  readonly lrGrid: readonly number[];
  /** Seeds 0 … seeds − 1. */
  readonly seeds: number;
}

/**
 * The plan of a preset (seeds may be overridden).
 * @example
 * ```ts
 * makePlan({ preset: 'quick', workloads: ['mlp-mnist'], optimizers: ['adam', 'sgdm'].map((n) => benchOptimizer(n)) }).lrGrid; // [1e-4, …, 1]
 * ```
 */
export function makePlan(options: { preset: PresetName; workloads: readonly string[]; optimizers: readonly OptimizerSpec[]; seeds?: number; lrGrid?: readonly number[] }): BenchPlan {
  const { preset, workloads, optimizers } = options;
  const configs = Object.fromEntries(workloads.map((w) => [w, getWorkload(w).configure(preset)]));
  return { preset, workloads, configs, optimizers, lrGrid: options.lrGrid ?? PRESETS[preset].lrGrid, seeds: options.seeds ?? PRESETS[preset].seeds };
}

/** The spec of one cell.
 * @example
 * ```ts
 * cellSpec(plan, 'mlp-mnist', plan.optimizers[0], 1e-3, 0);
 * ```
 */
export function cellSpec(plan: BenchPlan, workload: string, optimizer: OptimizerSpec, lr: number, seed: number): RunSpec {
  const c = plan.configs[workload]!;
  return { version: SPEC_VERSION, workload, settings: c.settings, optimizer, lr, seed, schedule: c.schedule, budget: c.budget, target: c.target };
}

/** The tuning phase: every (workload, optimizer, grid point) at seed 0.
 * @example
 * ```ts
 * tuningSpecs(plan).length; // workloads × optimizers × grid points
 * ```
 */
export function tuningSpecs(plan: BenchPlan): RunSpec[] {
  return plan.workloads.flatMap((w) => plan.optimizers.flatMap((o) => plan.lrGrid.map((lr) => cellSpec(plan, w, o, lr, 0))));
}

/** Runs in the whole benchmark: the grid at seed 0, plus seeds 1 … N − 1 at the chosen rate.
 * @example
 * ```ts
 * totalRuns(plan); // W × O × (G + N − 1)
 * ```
 */
export function totalRuns(plan: BenchPlan): number {
  return plan.workloads.length * plan.optimizers.length * (plan.lrGrid.length + plan.seeds - 1);
}

/** A run's validation score for the choice (lower wins): the final validation loss, or minus the
 * final validation accuracy; Infinity when diverged or non-finite. */
function selectionScore(r: RunRecord, by: SelectionMetric): number {
  const v = by === 'valAcc' ? -(r.outcome.final.valAcc ?? NaN) : r.outcome.final.valLoss;
  return r.outcome.diverged || !Number.isFinite(v) ? Infinity : v;
}

/**
 * The rule that chooses a learning rate, the same for every optimizer: the grid point with the
 * lowest final validation loss at seed 0 (or, for a workload whose config says `selectBy: 'valAcc'`,
 * the highest final validation accuracy); diverged runs never win; ties go to the smaller rate;
 * if every point diverged, the smallest rate.
 * @example
 * ```ts
 * chooseLr(tuningRecordsOf('mlp-mnist', 'adam')); // 0.001
 * chooseLr(tuningRecordsOf('transformer-modadd', 'adam'), 'valAcc'); // 0.1
 * ```
 */
export function chooseLr(records: readonly RunRecord[], by: SelectionMetric = 'valLoss'): number {
  const sorted = [...records].sort((a, b) => a.spec.lr - b.spec.lr);
  let best = sorted[0]!;
  for (const r of sorted) if (selectionScore(r, by) < selectionScore(best, by)) best = r;
  return best.spec.lr;
}

/** The rule in words, for the report.
 * @example
 * ```ts
 * console.log(SELECTION_RULE);
 * ```
 */
export const SELECTION_RULE = 'for each workload and optimizer, every learning rate of the grid is run at seed 0; the one with the lowest final validation loss wins (on a workload whose description says "chosen by final validation accuracy", the highest final validation accuracy instead; diverged runs never win; ties go to the smaller rate). Test data plays no part.';

/** The seed phase: the chosen rate at seeds 0 … N − 1 (seed 0 is the tuning run itself, from the cache).
 * @example
 * ```ts
 * seedSpecs(plan, chosen); // chosen: { 'mlp-mnist': { adam: 0.001, … } }
 * ```
 */
export function seedSpecs(plan: BenchPlan, chosen: Readonly<Record<string, Readonly<Record<string, number>>>>): RunSpec[] {
  return plan.workloads.flatMap((w) => plan.optimizers.flatMap((o) => Array.from({ length: plan.seeds }, (_, seed) => cellSpec(plan, w, o, chosen[w]![o.name]!, seed))));
}
