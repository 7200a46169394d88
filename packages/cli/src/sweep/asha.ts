/**
 * Successive halving of a sweep grid (synchronous ASHA): every cell (workload × optimizer ×
 * options × lr, over its seeds) first runs at a small budget; per workload only the best 1/η of
 * the cells by mean validation loss go on to a budget η times larger, up to the full budget.
 * Each rung is an ordinary sweep of ordinary specs (the budget is part of a spec and of its hash),
 * so it works on any executor, is cached and resumable like any sweep, and a rung's run is a whole
 * short run — not a checkpoint continued later. The next rung restarts from scratch with the larger
 * budget: simple, and bit-identical wherever it runs, at the price of redoing the early steps.
 * @module
 */
import { ValueError } from '@descent/tensor';
import { runSweep, type Executor, type SweepEvent } from './executor.js';
import type { RunCache } from './cache.js';
import type { RunRecord } from './result.js';
import { canonicalJson, type Budget, type RunSpec } from './spec.js';

/** The halving schedule.
 * @example
 * ```ts
 * const h: HalvingOptions = { eta: 3, rungs: 3 }; // budgets full/9, full/3, full; 1/3 of the cells go on each time
 * ```
 */
export interface HalvingOptions {
  /** The reduction factor η > 1: each rung keeps the best ⌊n/η⌋ cells of a workload (at least one) and multiplies the budget by η. */
  readonly eta: number;
  /** Rungs, the last at the full budget (1: no halving). */
  readonly rungs: number;
}

/** A finished run of a halved sweep: the record of the last rung its cell reached.
 * @example
 * ```ts
 * const r: HalvingRecord = { hash, spec, outcome, rung: 0, stopped: true };
 * ```
 */
export interface HalvingRecord extends RunRecord {
  /** The rung of this record (0: the smallest budget). */
  readonly rung: number;
  /** Whether its cell was stopped before the full budget. */
  readonly stopped: boolean;
}

/** One rung as it ran.
 * @example
 * ```ts
 * const s: RungSummary = { rung: 0, cells: 9, runs: 18, steps: 180 };
 * ```
 */
export interface RungSummary {
  /** Rung index. */
  readonly rung: number;
  /** Cells that ran at this rung. */
  readonly cells: number;
  /** Runs (cells × seeds) at this rung. */
  readonly runs: number;
  /** Budget units (epochs or steps, as the specs give them) summed over this rung's runs. */
  readonly budget: number;
}

/** Options of {@link runSuccessiveHalving}.
 * @example
 * ```ts
 * const o: HalvingRunOptions = { executor: new InlineExecutor(), halving: { eta: 3, rungs: 3 } };
 * ```
 */
export interface HalvingRunOptions {
  /** Where the runs execute. */
  readonly executor: Executor;
  /** The schedule. */
  readonly halving: HalvingOptions;
  /** Finished runs (every rung's) are read from and stored here. */
  readonly cache?: RunCache;
  /** Called per finished run (`index`: its place in the specs given). */
  readonly onRun?: (event: SweepEvent & { readonly rung: number }) => void;
  /** Called when a rung is done. */
  readonly onRung?: (summary: RungSummary) => void;
}

/** What {@link runSuccessiveHalving} resolves with.
 * @example
 * ```ts
 * const { records, rungs }: HalvingResult = await runSuccessiveHalving(specs, { executor, halving });
 * ```
 */
export interface HalvingResult {
  /** One per spec, in order: the record of the last rung its cell reached. */
  readonly records: HalvingRecord[];
  /** The rungs as they ran. */
  readonly rungs: RungSummary[];
}

/**
 * Check a halving schedule (the grid file's `asha` field).
 * @throws ValueError naming the field and what was expected.
 * @example
 * ```ts
 * checkHalving({ eta: 3, rungs: 3 }, 'grid.asha'); // { eta: 3, rungs: 3 }
 * ```
 */
export function checkHalving(value: unknown, at = 'halving'): HalvingOptions {
  const v = value as Partial<Record<string, unknown>> | null;
  if (v === null || typeof v !== 'object' || Array.isArray(v) || Object.keys(v).some((k) => k !== 'eta' && k !== 'rungs')) {
    throw new ValueError(`${at}: expected { "eta": number > 1, "rungs": integer ≥ 1 }, but got ${JSON.stringify(value)}`);
  }
  const eta = v.eta ?? 3, rungs = v.rungs;
  if (typeof eta !== 'number' || !Number.isFinite(eta) || !(eta > 1)) throw new ValueError(`${at}.eta: expected a number > 1, but got ${JSON.stringify(eta)}`);
  if (typeof rungs !== 'number' || !Number.isInteger(rungs) || rungs < 1 || rungs > 10) throw new ValueError(`${at}.rungs: expected an integer from 1 to 10, but got ${JSON.stringify(rungs)}`);
  return { eta, rungs };
}

/**
 * A budget divided by `factor`, rounded, at least 1 epoch or step.
 * @example
 * ```ts
 * rungBudget({ steps: 90 }, 9); // { steps: 10 }
 * ```
 */
export function rungBudget(budget: Budget, factor: number): Budget {
  const scale = (n: number | undefined) => (n === undefined ? undefined : Math.max(1, Math.round(n / factor)));
  const epochs = scale(budget.epochs), steps = scale(budget.steps);
  return { ...(epochs !== undefined ? { epochs } : {}), ...(steps !== undefined ? { steps } : {}) };
}

const budgetSize = (b: Budget): number => (b.steps ?? 0) + (b.epochs ?? 0);

/** What makes a cell: the spec without its seed and budget. */
const cellKey = (spec: RunSpec): string => canonicalJson({ ...spec, seed: undefined, budget: undefined });

/** A cell's score at a rung: mean final validation loss over its seeds; a diverged or non-finite run counts as +∞. */
function cellScore(records: readonly RunRecord[]): number {
  let sum = 0;
  for (const r of records) {
    const v = r.outcome.final.valLoss;
    if (r.outcome.diverged || typeof v !== 'number' || !Number.isFinite(v)) return Number.POSITIVE_INFINITY;
    sum += v;
  }
  return sum / records.length;
}

/**
 * Run a sweep with successive halving: rung r runs every surviving cell's seeds at the full
 * budget divided by η^(rungs−1−r) (through {@link runSweep}: any executor, the cache in front),
 * then keeps, per workload, the ⌊n/η⌋ cells (at least one) with the lowest mean validation loss,
 * ties to the cell first in the grid. Resolves with one record per spec, in order: the last rung
 * its cell reached.
 * @throws ValueError for a bad schedule; a run's error as {@link runSweep} throws it.
 * @example
 * ```ts
 * const { records, rungs } = await runSuccessiveHalving(specs, { executor: new LocalPool(), halving: { eta: 3, rungs: 3 } });
 * records.filter((r) => !r.stopped); // the cells that ran the full budget
 * ```
 */
export async function runSuccessiveHalving(specs: readonly RunSpec[], options: HalvingRunOptions): Promise<HalvingResult> {
  const { eta, rungs } = checkHalving(options.halving);
  const cells = specs.map(cellKey);
  let alive = new Set(cells);
  const last: Array<{ record: RunRecord; rung: number }> = [];
  const summaries: RungSummary[] = [];
  for (let rung = 0; rung < rungs; rung++) {
    const indices = specs.flatMap((_, i) => (alive.has(cells[i]!) ? [i] : []));
    const factor = eta ** (rungs - 1 - rung);
    const rungSpecs = indices.map((i) => ({ ...specs[i]!, budget: rungBudget(specs[i]!.budget, factor) }));
    const records = await runSweep(rungSpecs, {
      executor: options.executor,
      ...(options.cache ? { cache: options.cache } : {}),
      onRun: (e) => options.onRun?.({ ...e, index: indices[e.index]!, rung }),
    });
    records.forEach((record, j) => { last[indices[j]!] = { record, rung }; });
    const summary = { rung, cells: alive.size, runs: rungSpecs.length, budget: rungSpecs.reduce((s, r) => s + budgetSize(r.budget), 0) };
    summaries.push(summary);
    options.onRung?.(summary);
    if (rung === rungs - 1) break;
    // per workload, the best ⌊n/η⌋ cells go on
    const byCell = new Map<string, RunRecord[]>();
    indices.forEach((i, j) => byCell.set(cells[i]!, [...(byCell.get(cells[i]!) ?? []), records[j]!]));
    const byWorkload = new Map<string, Array<{ cell: string; score: number }>>();
    for (const [cell, rs] of byCell) {
      const w = rs[0]!.spec.workload;
      byWorkload.set(w, [...(byWorkload.get(w) ?? []), { cell, score: cellScore(rs) }]);
    }
    alive = new Set();
    for (const ranked of byWorkload.values()) {
      const keep = Math.max(1, Math.floor(ranked.length / eta));
      // a stable sort: equal scores keep grid order
      for (const { cell } of [...ranked].sort((a, b) => (a.score === b.score ? 0 : a.score < b.score ? -1 : 1)).slice(0, keep)) alive.add(cell);
    }
  }
  return {
    records: last.map(({ record, rung }) => ({ ...record, rung, stopped: rung < rungs - 1 })),
    rungs: summaries,
  };
}
