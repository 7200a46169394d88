/**
 * `descent bench` / `npm start`: the optimizer benchmark. Tunes each optimizer's learning rate per
 * workload on the validation split (seed 0, a log grid), reruns the chosen rate over N seeds,
 * summarises mean ± std, judges the lecture's claims with Welch's interval, and writes
 * `report/index.html` and `report/results.json`. Runs execute in parallel and are cached on disk.
 * @module
 */
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { optimizers } from '@descent/optim';
import { UsageError } from '../args.js';
import { checkOptimizerNames } from '../compare.js';
import { closest } from '../suggest.js';
import { loadPlugins } from '../plugins.js';
import type { ProgressMode } from '../progress.js';
import { LECTURE_OPTIMIZERS } from '../runner.js';
import { InlineExecutor, LocalPool, RunCache, runSweep, sha256, toResultJson, type Executor, type OptimizerSpec, type QueueExecutor, type RunRecord } from '../sweep/index.js';
import { getWorkload, loadWorkloads, workloadNames, type PresetName } from '../workloads/index.js';
import { band, judgeClaims, performanceProfile, summarizeCell } from './analysis.js';
import type { BenchResult, ResultsDocument, WorkloadFindings } from './findings.js';
import { createRunProgress, formatDuration } from './progress.js';
import { PRESETS, SELECTION_RULE, benchOptimizer, chooseLr, makePlan, seedSpecs, totalRuns, tuningSpecs } from './protocol.js';
import { benchTables, claimLines } from './tables.js';
import { writeBenchReport } from './report.js';

/** Optimizers registered when this module loaded: the built-ins (a plugin's come later). */
const BUILTIN = new Set(optimizers.names());

/** Options of {@link runBench}.
 * @example
 * ```ts
 * const o: BenchOptions = { preset: 'smoke', workloads: ['fn-saddle'], optimizers: ['adam', 'sgdm'], out: 'tmp-report', workers: 1 };
 * ```
 */
export interface BenchOptions {
  /** `smoke`, `quick` (default) or `full`. */
  readonly preset?: PresetName;
  /** Workload names (default: every registered workload). */
  readonly workloads?: readonly string[];
  /** Optimizer names (default: the lecture's twelve plus every optimizer the plugins register). */
  readonly optimizers?: readonly string[];
  /** Seeds per final configuration (default: the preset's). */
  readonly seeds?: number;
  /** Worker threads (default one per core; 0 runs everything in this thread). */
  readonly workers?: number;
  /** Where runs execute instead of this machine's worker threads (a {@link QueueExecutor} for
   * `descent bench --queue`); `workers` is then ignored, and runBench closes it at the end. */
  readonly executor?: Executor;
  /** Plugin modules (absolute paths): imported here and in every worker. */
  readonly plugins?: readonly string[];
  /** Report folder; null writes nothing (default `report`). Finished runs are cached in `out/runs`. */
  readonly out?: string | null;
  /** Use and fill the run cache (default true). */
  readonly cache?: boolean;
  /** Progress display (default: a bar on a terminal, else lines). */
  readonly progress?: ProgressMode;
  /** Where results go (default console.log). */
  readonly log?: (line: string) => void;
  /** Where progress lines go (default stderr). */
  readonly progressLog?: (line: string) => void;
  /** The command line, for the report. */
  readonly command?: string;
}

/** The optimizer specs: built-ins with the benchmark's options; plugin optimizers fingerprinted by their files. */
function optimizerSpecs(names: readonly string[], plugins: readonly string[]): OptimizerSpec[] {
  const fingerprint = plugins.length ? `plugin:${sha256(plugins.map((p) => readFileSync(p, 'utf8')).join('\n'))}` : 'plugin';
  return names.map((n) => (BUILTIN.has(n) ? benchOptimizer(n) : { name: n, options: {}, implementation: fingerprint }));
}

/**
 * Run the benchmark and write its report.
 * @throws UsageError for unknown workloads or optimizers, bad seeds or workers.
 * @example
 * ```ts
 * const r = await runBench({ preset: 'smoke', optimizers: ['adam', 'sgdm'], out: 'smoke-report' });
 * r.claims.map((c) => `${c.workload}: ${c.claim} ${c.verdict}`);
 * ```
 */
export async function runBench(options: BenchOptions = {}): Promise<BenchResult> {
  const t0 = performance.now();
  const log = options.log ?? ((l: string) => console.log(l));
  const progressLog = options.progressLog ?? ((l: string) => void process.stderr.write(`${l}\n`));
  const preset = options.preset ?? 'quick';
  if (!PRESETS[preset]) throw new UsageError(`--preset must be one of ${Object.keys(PRESETS).join(', ')}, but got '${String(preset)}'`);
  await loadWorkloads();
  const plugins = [...(options.plugins ?? [])];
  await loadPlugins(plugins);
  const workloads = [...(options.workloads ?? defaultWorkloads())];
  for (const w of workloads) {
    if (!workloadNames().includes(w)) {
      const hint = closest(w, workloadNames());
      throw new UsageError(`--workloads: unknown workload '${w}'${hint ? ` (did you mean '${hint}'?)` : ''}. Workloads: ${workloadNames().join(', ')}`);
    }
  }
  const names = [...(options.optimizers ?? [...LECTURE_OPTIMIZERS, ...optimizers.names().filter((n) => !BUILTIN.has(n))])];
  checkOptimizerNames(names);
  if (options.seeds !== undefined && (!Number.isInteger(options.seeds) || options.seeds < 1)) throw new UsageError(`--seeds must be an integer ≥ 1, but got ${options.seeds}`);
  const plan = makePlan({ preset, workloads, optimizers: optimizerSpecs(names, plugins), ...(options.seeds ? { seeds: options.seeds } : {}) });
  const workers = options.workers;
  if (workers !== undefined && (!Number.isInteger(workers) || workers < 0)) throw new UsageError(`--workers must be an integer ≥ 0, but got ${workers}`);
  const executor: Executor = options.executor ?? (workers === 0 ? new InlineExecutor() : new LocalPool({ ...(workers ? { workers } : {}), plugins }));
  const out = options.out === undefined ? 'report' : options.out;
  const cache = out !== null && options.cache !== false ? new RunCache(join(out, 'runs')) : undefined;
  const total = totalRuns(plan);
  log(`Benchmark, preset ${preset}: ${workloads.length} workloads × ${names.length} optimizers; lr grid ${plan.lrGrid.join(', ')} (seed 0), then ${plan.seeds} seeds at the chosen lr: ${total} runs on ${executor.name}.`);
  const progress = createRunProgress(options.progress ?? (process.stderr.isTTY ? 'bar' : 'lines'), total, progressLog);
  let executed = 0, cachedRuns = 0;
  const onRun = (e: { cached: boolean }) => { if (e.cached) cachedRuns++; else executed++; progress.tick(e.cached); };
  let tuning: RunRecord[], seeded: RunRecord[];
  try {
    tuning = await runSweep(tuningSpecs(plan), { executor, ...(cache ? { cache } : {}), onRun });
    const chosen: Record<string, Record<string, number>> = {};
    for (const w of workloads) {
      chosen[w] = {};
      for (const o of names) chosen[w]![o] = chooseLr(tuning.filter((r) => r.spec.workload === w && r.spec.optimizer.name === o), plan.configs[w]!.selectBy);
    }
    const seedPlan = seedSpecs(plan, chosen);
    // seed 0 at the chosen rate is a tuning run: counted once
    const tuned = new Set(tuning.map((r) => r.hash));
    seeded = await runSweep(seedPlan, { executor, ...(cache ? { cache } : {}), onRun: (e) => { if (!tuned.has(e.record.hash)) onRun(e); } });
  } finally {
    progress.stop();
    await executor.close();
  }

  const findings = workloads.map((w): WorkloadFindings => {
    const task = getWorkload(w).task;
    const of = (list: RunRecord[], o: string) => list.filter((r) => r.spec.workload === w && r.spec.optimizer.name === o);
    const seedRuns = Object.fromEntries(names.map((o) => [o, of(seeded, o)]));
    const curve = (r: RunRecord, i: number) => (task === 'classification' ? r.outcome.history.valAcc[i] ?? null : Math.log10(Math.max(r.outcome.history.valLoss[i]!, 1e-16)));
    return {
      name: w,
      cells: names.map((o) => summarizeCell(seedRuns[o]!)),
      tuning: Object.fromEntries(names.map((o) => [o, of(tuning, o).sort((a, b) => a.spec.lr - b.spec.lr)])),
      seedRuns,
      curves: Object.fromEntries(names.map((o) => [o, band(seedRuns[o]!, curve)])),
      claims: judgeClaims(w, task, seedRuns.adam ?? [], seedRuns.sgdm ?? []),
    };
  });
  const claims = findings.flatMap((f) => f.claims);
  const profile = performanceProfile(findings.flatMap((f) => f.cells));
  const seconds = (performance.now() - t0) / 1000;

  log('');
  for (const line of benchTables(plan, findings)) log(line);
  log('');
  if (claims.length === 0) log('The lecture\'s claims need both adam and sgdm among the optimizers.');
  for (const line of claimLines(claims)) log(line);
  log('');
  log(`${total} runs: ${executed} executed, ${cachedRuns} from the cache, in ${formatDuration(seconds)}.`);

  const result: BenchResult = { plan, workloads: findings, claims, profile, executed, cached: cachedRuns, seconds, executor: executor.name };
  if (out === null) return result;
  mkdirSync(out, { recursive: true });
  const resultsPath = join(out, 'results.json');
  writeFileSync(resultsPath, toResultJson(resultsJson(result, tuning, seeded), 1));
  const reportPath = await writeBenchReport(out, result, options.command ?? 'descent bench');
  log(`Report written to ${reportPath} (every run in ${resultsPath}).`);
  return { ...result, reportPath, resultsPath };
}

/** The workloads a benchmark runs when none are named (`npm start`): every registered one,
 * classification workloads first, then the 2-D functions, each group by name.
 * @example
 * ```ts
 * defaultWorkloads(); // ['cnn-mnist', 'mlp-mnist', 'transformer-modadd', 'fn-beale', 'fn-rosenbrock', 'fn-saddle']
 * ```
 */
export function defaultWorkloads(): string[] {
  const rank = (n: string) => (getWorkload(n).task === 'classification' ? 0 : 1);
  return workloadNames().sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : 1));
}

/**
 * The `results.json` document: the protocol, every run (tuning and seed runs, each once), the
 * chosen rates and the claims. Non-finite numbers are written as strings (`"Infinity"`).
 * @example
 * ```ts
 * const doc = resultsJson(result, tuning, seeded);
 * doc.protocol.lrGrid;
 * ```
 */
export function resultsJson(result: BenchResult, tuning: readonly RunRecord[], seeded: readonly RunRecord[]): ResultsDocument {
  const { plan } = result;
  const seen = new Set<string>();
  const runs = [...tuning, ...seeded].filter((r) => (seen.has(r.hash) ? false : (seen.add(r.hash), true))).map((r) => ({
    workload: r.spec.workload, optimizer: r.spec.optimizer.name, lr: r.spec.lr, seed: r.spec.seed,
    phase: r.spec.seed === 0 ? 'tuning' as const : 'seeds' as const, hash: r.hash, history: r.outcome.history, final: r.outcome.final,
    timeToTarget: r.outcome.timeToTarget, diverged: r.outcome.diverged, seconds: r.outcome.seconds, earlyLoss: r.outcome.earlyLoss,
  }));
  return {
    protocol: {
      preset: plan.preset, seeds: plan.seeds, lrGrid: plan.lrGrid, workloads: plan.workloads,
      configs: plan.configs, optimizers: plan.optimizers, selection: SELECTION_RULE,
      statistics: 'mean ± sample std over seeds; claims: Welch t 95% two-sided interval of the difference of means; holds / does not hold when the interval excludes 0 on the claimed / other side, else inconclusive',
      executor: result.executor,
    },
    chosen: Object.fromEntries(result.workloads.map((w) => [w.name, Object.fromEntries(w.cells.map((c) => [c.optimizer, c.lr]))])),
    runs,
    summary: result.workloads.flatMap((w) => w.cells),
    claims: result.claims,
    profile: result.profile,
  };
}
