/**
 * Sweep grid files: which workloads, optimizers (with options), learning rates and seeds to run,
 * expanded into run specifications. The format is in docs/sweeps.md.
 * @module
 */
import { UsageError } from '@descent/tensor';
import { closest } from '../suggest.js';
import { getWorkload, workloadNames, type PresetName } from '../workloads/index.js';
import { checkHalving, type HalvingOptions } from './asha.js';
import { SPEC_VERSION, type Budget, type OptimizerSpec, type RunSpec, type ScheduleName } from './spec.js';

/** An optimizer with options in a grid file.
 * @example
 * ```ts
 * const o: GridOptimizer = { name: 'sgd', options: { momentum: 0.9 } };
 * ```
 */
export interface GridOptimizer {
  /** Registered optimizer name. */
  readonly name: string;
  /** Its options other than lr. */
  readonly options?: Readonly<Record<string, unknown>>;
}

/** A sweep grid as written in its JSON file.
 * @example
 * ```ts
 * const grid: SweepGrid = { workloads: ['fn-rosenbrock'], optimizers: ['adam', { name: 'sgd', options: { momentum: 0.9 } }], lrs: [1e-3, 1e-2], seeds: 3 };
 * ```
 */
export interface SweepGrid {
  /** Workload names (`descent bench --help` lists them). */
  readonly workloads: readonly string[];
  /** Optimizers: registered names, or `{ name, options }` (options other than lr). */
  readonly optimizers: ReadonlyArray<string | GridOptimizer>;
  /** Base learning rates, each run with every optimizer. */
  readonly lrs: readonly number[];
  /** Seeds: a list, or a count `n` for seeds 0 … n−1 (default 1). */
  readonly seeds?: number | readonly number[];
  /** Size of each workload's data and budget (default `quick`). */
  readonly preset?: PresetName;
  /** A schedule for every run instead of each workload's. */
  readonly schedule?: ScheduleName;
  /** A budget for every run instead of each workload's. */
  readonly budget?: Budget;
  /** Successive halving of hopeless cells (off when absent): `runSuccessiveHalving`, docs/sweeps.md. */
  readonly asha?: HalvingOptions;
}

const GRID_KEYS = ['workloads', 'optimizers', 'lrs', 'seeds', 'preset', 'schedule', 'budget', 'asha', '$schema'];
const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Check a parsed grid file and expand it into run specs (workload × optimizer × lr × seed, in
 * that nesting order). Every problem names the field.
 * @param implementationOf the `implementation` of an optimizer spec (`'builtin'` or a plugin's fingerprint).
 * @throws UsageError for an unknown field, workload, bad lr or seed.
 * @example
 * ```ts
 * const specs = expandGrid(JSON.parse(readFileSync('grid.json', 'utf8')), () => 'builtin');
 * ```
 */
export function expandGrid(grid: unknown, implementationOf: (optimizer: string) => string): RunSpec[] {
  const at = 'grid';
  if (!isObject(grid)) throw new UsageError(`${at}: expected an object { workloads, optimizers, lrs, seeds? }, but got ${JSON.stringify(grid)}`);
  for (const k of Object.keys(grid)) {
    if (!GRID_KEYS.includes(k)) {
      const hint = closest(k, GRID_KEYS);
      throw new UsageError(`${at}: unknown field '${k}'${hint ? ` (did you mean '${hint}'?)` : ''}. Fields: ${GRID_KEYS.filter((g) => g !== '$schema').join(', ')}`);
    }
  }
  const list = (name: string): unknown[] => {
    const v = grid[name];
    if (!Array.isArray(v) || v.length === 0) throw new UsageError(`${at}.${name}: expected a non-empty list, but got ${JSON.stringify(v)}`);
    return v;
  };
  const workloads = list('workloads').map((w, i) => {
    if (typeof w !== 'string' || !workloadNames().includes(w)) {
      const hint = typeof w === 'string' ? closest(w, workloadNames()) : undefined;
      throw new UsageError(`${at}.workloads[${i}]: unknown workload ${JSON.stringify(w)}${hint ? ` (did you mean '${hint}'?)` : ''}. Workloads: ${workloadNames().join(', ')}`);
    }
    return w;
  });
  const optimizers: OptimizerSpec[] = list('optimizers').map((o, i) => {
    const name = typeof o === 'string' ? o : isObject(o) ? o.name : undefined;
    const options = isObject(o) ? (o.options ?? {}) : {};
    if (typeof name !== 'string' || !isObject(options) || (isObject(o) && Object.keys(o).some((k) => k !== 'name' && k !== 'options'))) {
      throw new UsageError(`${at}.optimizers[${i}]: expected a name or { name, options }, but got ${JSON.stringify(o)}`);
    }
    if ('lr' in options) throw new UsageError(`${at}.optimizers[${i}].options: give learning rates in 'lrs', not as an option`);
    return { name, options, implementation: implementationOf(name) };
  });
  const lrs = list('lrs').map((lr, i) => {
    if (typeof lr !== 'number' || !(lr > 0) || !Number.isFinite(lr)) throw new UsageError(`${at}.lrs[${i}]: expected a positive number, but got ${JSON.stringify(lr)}`);
    return lr;
  });
  const rawSeeds = grid.seeds ?? 1;
  const seeds = typeof rawSeeds === 'number'
    ? (Number.isInteger(rawSeeds) && rawSeeds >= 1 && rawSeeds <= 1000 ? Array.from({ length: rawSeeds }, (_, i) => i) : null)
    : Array.isArray(rawSeeds) && rawSeeds.length > 0 && rawSeeds.every((s) => Number.isInteger(s) && s >= 0) ? rawSeeds as number[] : null;
  if (!seeds) throw new UsageError(`${at}.seeds: expected a count 1–1000 or a list of non-negative integers, but got ${JSON.stringify(rawSeeds)}`);
  const preset = (grid.preset ?? 'quick') as PresetName;
  if (!['smoke', 'quick', 'full'].includes(preset)) throw new UsageError(`${at}.preset: expected smoke, quick or full, but got ${JSON.stringify(grid.preset)}`);
  const budget = grid.budget;
  if (budget !== undefined && (!isObject(budget) || !Object.entries(budget).every(([k, v]) => (k === 'epochs' || k === 'steps') && Number.isInteger(v) && (v as number) >= 1))) {
    throw new UsageError(`${at}.budget: expected { epochs: N } or { steps: N } with N ≥ 1, but got ${JSON.stringify(budget)}`);
  }
  const specs: RunSpec[] = [];
  for (const workload of workloads) {
    const config = getWorkload(workload).configure(preset);
    for (const optimizer of optimizers) {
      for (const lr of lrs) {
        for (const seed of seeds) {
          specs.push({
            version: SPEC_VERSION, workload, settings: config.settings, optimizer, lr, seed,
            schedule: (grid.schedule as ScheduleName | undefined) ?? config.schedule,
            budget: (budget as Budget | undefined) ?? config.budget, target: config.target,
          });
        }
      }
    }
  }
  return specs;
}

/**
 * The grid's successive-halving schedule (its `asha` field), or undefined when it has none.
 * @throws UsageError for a malformed `asha` field, naming it.
 * @example
 * ```ts
 * gridHalving({ workloads: ['fn-beale'], optimizers: ['adam'], lrs: [0.01], asha: { eta: 3, rungs: 3 } }); // { eta: 3, rungs: 3 }
 * ```
 */
export function gridHalving(grid: unknown): HalvingOptions | undefined {
  if (!isObject(grid) || grid.asha === undefined) return undefined;
  try {
    return checkHalving(grid.asha, 'grid.asha');
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}
