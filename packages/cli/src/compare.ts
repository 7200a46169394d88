/**
 * The optimizer comparison behind `npm start` and `descent compare`: train the same MLP from the
 * same seeded initialisation with each optimizer, run an LR range test and the 2-D trajectories,
 * print the summary table and write the HTML report.
 * @module
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { optimizers } from '@descent/optim';
import { UsageError } from './args.js';
import { closest } from './suggest.js';
import { loadIris, loadMnist, type ClassificationData } from './data/index.js';
import { ROSENBROCK, SADDLE, trajectory } from './landscape.js';
import { runLrFind, type LrFindResult } from './lr_find.js';
import { describeLayers } from './model.js';
import { createProgress, type ProgressMode } from './progress.js';
import { writeReport, type LandscapeReport, type LrFindReport } from './report.js';
import { DEFAULT_OPTIMIZER_OPTIONS, IRIS_LRS, LECTURE_OPTIMIZERS, trainRun, type RunResult, type ScheduleKind } from './runner.js';
import { fmtNumber, lectureClaim, pct, summaryRows, summaryTable, type SummaryRow } from './summary.js';
import { asciiChart } from './terminal.js';

/** The data sets `compare` and `lr-find` know.
 * @example
 * ```ts
 * const d: DatasetName = 'iris';
 * ```
 */
export type DatasetName = 'mnist' | 'iris';

/** The defaults `compare` uses for a data set.
 * @example
 * ```ts
 * const d: DatasetDefaults = DATASET_DEFAULTS.iris;
 * ```
 */
export interface DatasetDefaults {
  /** Epochs per optimizer. */
  readonly epochs: number;
  /** Samples per mini-batch. */
  readonly batchSize: number;
  /** Hidden layer widths of the MLP. */
  readonly hidden: number[];
  /** Dropout after each hidden layer. */
  readonly dropout: number;
}

/** Per-dataset defaults: model size and training length tuned so `npm start` takes 2–4 minutes on 2 cores.
 * @example
 * ```ts
 * DATASET_DEFAULTS.mnist.epochs; // 10
 * ```
 */
export const DATASET_DEFAULTS: Readonly<Record<DatasetName, DatasetDefaults>> = {
  mnist: { epochs: 10, batchSize: 64, hidden: [128], dropout: 0.2 },
  iris: { epochs: 30, batchSize: 16, hidden: [16], dropout: 0 },
};

/** Options of {@link runCompare}.
 * @example
 * ```ts
 * const o: CompareOptions = { dataset: 'iris', optimizers: ['adam', 'sgdm'], epochs: 20, out: null };
 * ```
 */
export interface CompareOptions {
  /** `mnist` (default) or `iris`. */
  readonly dataset?: DatasetName;
  /** Registered optimizer names (default: the lecture's twelve). */
  readonly optimizers?: readonly string[];
  /** Epochs per optimizer (default per data set, {@link DATASET_DEFAULTS}). */
  readonly epochs?: number;
  /** Samples per mini-batch (default per data set). */
  readonly batchSize?: number;
  /** Seed of the split, the initial weights, dropout and shuffling (default 0). */
  readonly seed?: number;
  /** Learning-rate schedule shape shared by every optimizer (default warm-up + cosine). */
  readonly schedule?: ScheduleKind;
  /** Base learning rates overriding the defaults, by optimizer name. */
  readonly lrs?: Readonly<Record<string, number>>;
  /** Hidden layer widths (default per data set). */
  readonly hidden?: readonly number[];
  /** Dropout after each hidden layer (default per data set). */
  readonly dropout?: number;
  /** MNIST only: training and test set sizes (default 8000/2000). */
  readonly trainSize?: number;
  /** MNIST only: test set size (default 2000). */
  readonly testSize?: number;
  /** Directory for `index.html` and `results.json`; null writes nothing (default `report`). */
  readonly out?: string | null;
  /** Run the LR range test (default true). */
  readonly lrFind?: boolean;
  /** The optimizer of the LR range test (default sgdm). */
  readonly lrFindOptimizer?: string;
  /** Draw the Rosenbrock and saddle trajectories (default true). */
  readonly landscape?: boolean;
  /** Progress display (default: a bar on a terminal, else one line per epoch). */
  readonly progress?: ProgressMode;
  /** Where text output goes (default console.log). */
  readonly log?: (line: string) => void;
  /** Where progress lines go in `'lines'` mode (default stderr). */
  readonly progressLog?: (line: string) => void;
  /** The command line, shown in the report's footer. */
  readonly command?: string;
  /** Terminal charts after the table (default true). */
  readonly charts?: boolean;
}

/** What {@link runCompare} returns.
 * @example
 * ```ts
 * const { rows, reportPath } = await runCompare({ dataset: 'iris', out: 'tmp' });
 * ```
 */
export interface CompareResult {
  /** The data set trained on. */
  readonly data: ClassificationData;
  /** One run per optimizer, in order. */
  readonly runs: RunResult[];
  /** The summary rows, in order. */
  readonly rows: SummaryRow[];
  /** The summary table as printed. */
  readonly table: string;
  /** The LR range test (unless turned off). */
  readonly lrFind?: LrFindResult;
  /** The 2-D trajectories (unless turned off). */
  readonly landscapes?: LandscapeReport[];
  /** Path of the HTML report (when `out` was given). */
  readonly reportPath?: string;
  /** Wall time of the whole comparison, seconds. */
  readonly seconds: number;
}

/** Load a data set by name (MNIST sizes optional).
 * @throws UsageError for an unknown name.
 * @example
 * ```ts
 * loadDataset('iris', 0).train.x.shape; // [120, 4]
 * ```
 */
export function loadDataset(name: DatasetName, seed: number, sizes: { trainSize?: number; testSize?: number } = {}): ClassificationData {
  if (name === 'mnist') return loadMnist({ seed, ...sizes });
  if (name === 'iris') return loadIris({ seed });
  throw new UsageError(`unknown dataset '${String(name)}': use mnist or iris`);
}

/** The options `compare` gives an optimizer: its defaults for this MLP (Iris: {@link IRIS_LRS}), then the lr override.
 * @example
 * ```ts
 * optimizerOptionsFor('sgdm', { sgdm: 0.1 }); // { lr: 0.1, momentum: 0.9 }
 * ```
 */
export function optimizerOptionsFor(name: string, lrs: Readonly<Record<string, number>> = {}, dataset: DatasetName = 'mnist'): Record<string, unknown> {
  const base = { ...(DEFAULT_OPTIMIZER_OPTIONS[name] ?? {}) };
  if (dataset === 'iris' && IRIS_LRS[name] !== undefined) base.lr = IRIS_LRS[name];
  if (lrs[name] !== undefined) base.lr = lrs[name];
  return base;
}

/** Check optimizer names against the registry.
 * @throws UsageError naming the unknown name and listing the registered ones.
 * @example
 * ```ts
 * checkOptimizerNames(['adam', 'sgdm']);
 * ```
 */
export function checkOptimizerNames(names: readonly string[], option = '--optimizers'): void {
  for (const n of names) {
    if (!optimizers.has(n)) {
      const hint = closest(n, optimizers.names());
      throw new UsageError(`${option}: unknown optimizer '${n}'${hint ? ` (did you mean '${hint}'?)` : ''}. Registered optimizers: ${optimizers.names().join(', ')}`);
    }
  }
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new UsageError(`${option}: '${dup}' is listed twice`);
}

/**
 * Train the MLP with each optimizer, then (optionally) run the LR range test and the 2-D
 * trajectories, print the summary table, and write `out/index.html` and `out/results.json`.
 * @throws UsageError for unknown optimizers or bad sizes.
 * @example
 * ```ts
 * const result = await runCompare({ dataset: 'iris', optimizers: ['adam', 'sgdm'], epochs: 10, out: null, progress: 'none' });
 * console.log(result.table);
 * ```
 */
export async function runCompare(options: CompareOptions = {}): Promise<CompareResult> {
  const t0 = performance.now();
  const dataset = options.dataset ?? 'mnist';
  const defaults = DATASET_DEFAULTS[dataset];
  if (!defaults) throw new UsageError(`--dataset must be one of mnist, iris, but got '${String(dataset)}'`);
  const names = [...(options.optimizers ?? LECTURE_OPTIMIZERS)];
  checkOptimizerNames(names);
  for (const k of Object.keys(options.lrs ?? {})) {
    if (!names.includes(k)) throw new UsageError(`--lr: '${k}' is not among the compared optimizers (${names.join(', ')})`);
  }
  const epochs = options.epochs ?? defaults.epochs;
  const batchSize = options.batchSize ?? defaults.batchSize;
  const seed = options.seed ?? 0;
  const schedule = options.schedule ?? 'warmup-cosine';
  const hidden = options.hidden ?? defaults.hidden;
  const dropout = options.dropout ?? defaults.dropout;
  const out = options.out === undefined ? 'report' : options.out;
  const log = options.log ?? ((line: string) => console.log(line));
  const mode = options.progress ?? (process.stderr.isTTY ? 'bar' : 'lines');
  const sizes = { ...(options.trainSize ? { trainSize: options.trainSize } : {}), ...(options.testSize ? { testSize: options.testSize } : {}) };
  let data: ClassificationData;
  try {
    data = loadDataset(dataset, seed, sizes);
  } catch (e) {
    throw e instanceof UsageError ? e : new UsageError((e as Error).message);
  }
  if (batchSize > data.train.y.length) throw new UsageError(`--batch-size must be at most the training set size (${data.train.y.length}), but got ${batchSize}`);
  log(`${data.description}`);
  log(`Training ${names.length} optimizer${names.length > 1 ? 's' : ''} × ${epochs} epoch${epochs > 1 ? 's' : ''} (batch ${batchSize}, schedule ${schedule}, seed ${seed}).`);

  const plog = options.progressLog;
  const progress = createProgress(mode, plog ? { write: (s) => plog(s.replace(/\n$/, '')), isTTY: false } : undefined);
  const runs: RunResult[] = [];
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    progress.begin(name, i + 1, names.length);
    let run: RunResult;
    try {
      run = trainRun({
        data, optimizer: name, optimizerOptions: optimizerOptionsFor(name, options.lrs, dataset), epochs, batchSize, seed, schedule, hidden, dropout,
        onProgress: (e) => progress.update(e),
      });
    } catch (e) {
      progress.end();
      throw new UsageError(`${name}: ${(e as Error).message}`, 1);
    }
    progress.end(`done in ${run.seconds.toFixed(1)} s: train loss ${fmtNumber(run.final.trainLoss)}, test acc ${pct(run.final.testAccuracy)}${run.diverged ? ' (diverged)' : ''}`);
    runs.push(run);
  }

  let lrFind: LrFindResult | undefined;
  if (options.lrFind ?? true) {
    const opt = options.lrFindOptimizer ?? 'sgdm';
    checkOptimizerNames([opt], '--lr-find-optimizer');
    lrFind = runLrFind({ data, optimizer: opt, optimizerOptions: optimizerOptionsFor(opt, {}, dataset), batchSize, seed, hidden, dropout, steps: dataset === 'iris' ? 60 : 100 });
    log(`LR range test (${opt}): suggested learning rate ${fmtNumber(lrFind.suggestion, 3)}${lrFind.minimumOver10 ? `, minimum/10 ${fmtNumber(lrFind.minimumOver10, 3)}` : ''}.`);
  }

  let landscapes: LandscapeReport[] | undefined;
  if (options.landscape ?? true) {
    landscapes = [ROSENBROCK, SADDLE].map((fn) => ({ fn, trajectories: names.map((n) => trajectory(fn, n)) }));
  }

  const rows = summaryRows(runs);
  const table = summaryTable(rows);
  log('');
  log(table);
  log('');
  for (const c of lectureClaim(rows)) log(`${c.holds === null ? 'n/a          ' : c.holds ? 'holds        ' : 'does not hold'}  ${c.claim}: ${c.evidence}`);
  if (options.charts ?? true) {
    log('');
    log(asciiChart(Object.fromEntries(runs.map((r) => [r.optimizer, r.epochs.map((e) => e.testAccuracy * 100)])), { title: 'test accuracy (%) per epoch', height: 10, width: 60 }));
  }

  let reportPath: string | undefined;
  if (out !== null) {
    const seconds = (performance.now() - t0) / 1000;
    reportPath = await writeReport(out, {
      title: `descent: ${names.length} optimizers on ${dataset === 'mnist' ? 'MNIST' : 'Iris'}`,
      /** `mnist` (default) or `iris`. */
      dataset: data.description,
      model: `${data.features}-${hidden.join('-')}-${data.classes.length} MLP: ${describeLayers(runs[0]?.layers ?? [])}`,
      settings: {
        epochs, 'batch size': batchSize, schedule: scheduleText(schedule), 'data order': 'shuffled every epoch (seeded)', seed,
        'loss': 'cross-entropy', 'machine': `${process.platform}, Node ${process.version}`,
      },
      runs,
      ...(lrFind ? { lrFind: lrFindReport(lrFind, runs, options.lrs ?? {}, dataset) } : {}),
      ...(landscapes ? { landscapes } : {}),
      totalSeconds: seconds,
      ...(options.command ? { command: options.command } : {}),
    });
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'results.json'), JSON.stringify({ dataset, epochs, batchSize, seed, schedule, rows, runs, lrFind }, null, 1));
    log('');
    log(`Report written to ${reportPath}`);
  }
  return { data, runs, rows, table, ...(lrFind ? { lrFind } : {}), ...(landscapes ? { landscapes } : {}), ...(reportPath ? { reportPath } : {}), seconds: (performance.now() - t0) / 1000 };
}

/** The LR range test as the report shows it: the suggestion, the minimum / 10, and the base lr
 * the comparison used for that optimizer. */
function lrFindReport(r: LrFindResult, runs: readonly RunResult[], lrs: Readonly<Record<string, number>>, dataset: DatasetName): LrFindReport {
  const used = runs.find((run) => run.optimizer === r.optimizer)?.lr ?? optimizerOptionsFor(r.optimizer, lrs, dataset).lr;
  const marks: Record<string, number> = {};
  if (r.minimumOver10 !== undefined) marks['min/10'] = r.minimumOver10;
  if (typeof used === 'number') marks.used = used;
  return { optimizer: r.optimizer, lrs: r.lrs, losses: r.losses, suggestion: r.suggestion, method: r.method, marks };
}

/** A schedule's description for the report.
 * @example
 * ```ts
 * scheduleText('warmup-cosine'); // 'linear warm-up (10% of steps, from 0.1×) then cosine annealing to 0'
 * ```
 */
export function scheduleText(kind: ScheduleKind): string {
  switch (kind) {
    case 'warmup-cosine': return 'linear warm-up (10% of steps, from 0.1×) then cosine annealing to 0';
    case 'constant': return 'constant';
    case 'cosine': return 'cosine annealing to 0';
    case 'onecycle': return 'one-cycle (peak at the base rate)';
    case 'step': return 'step decay ×0.3 every third of the run';
    default: return String(kind);
  }
}
