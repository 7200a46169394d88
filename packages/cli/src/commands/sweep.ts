/**
 * `descent sweep GRID`: expand a grid file into runs and execute them — on this machine's worker
 * threads by default, or through a Redis queue on `descent worker` processes with `--queue` —
 * then write DIR/results.json and DIR/index.html. Both ways give the same results, bit for bit.
 * @module
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { writeFileAtomic } from '@descent/layers';
import { intOption, parseCommandArgs, stringOption, UsageError, type CommandSpec, type ParsedArgs } from '../args.js';
import { mean, std } from '../bench/stats.js';
import type { CliIo } from '../io.js';
import { loadPlugins, pluginPaths } from '../plugins.js';
import {
  InlineExecutor, LocalPool, QueueExecutor, RunCache, expandGrid, gridHalving, parseQueueUrl, runSuccessiveHalving, runSweep, sha256, toResultJson,
  type Executor, type QueueAddress, type RunRecord, type SweepEvent,
} from '../sweep/index.js';
import { loadWorkloads } from '../workloads/index.js';
import { optimizers } from '@descent/optim';

/** The options of `descent sweep`.
 * @example
 * ```ts
 * console.log(helpText(sweepCommand));
 * ```
 */
export const sweepCommand: CommandSpec = {
  name: 'sweep',
  summary: 'Run a grid of optimizers × learning rates × seeds × workloads, locally or on queue workers.',
  usage: 'descent sweep GRID.json [--queue redis://HOST:PORT/NAME] [--workers N] [--plugin FILE]… [--out DIR]',
  description: 'GRID.json: { "workloads": [...], "optimizers": ["adam", { "name": "sgd", "options": { "momentum": 0.9 } }], "lrs": [...], "seeds": 3, "preset": "quick" } (docs/sweeps.md). '
    + 'Each run is identified by the hash of its full configuration: finished runs are cached in DIR/runs and, with --queue, in the queue, so a resubmitted sweep redoes nothing.',
  positionals: 1,
  options: {
    queue: { type: 'string', value: 'URL', help: 'put the runs into this BullMQ queue for `descent worker` processes instead of running them here' },
    workers: { type: 'string', value: 'N', help: 'local worker threads (0: this thread); ignored with --queue', default: `${availableParallelism()} (one per core)` },
    plugin: { type: 'string', value: 'FILE', help: 'load a module that registers plugins (workers need the same files)', multiple: true },
    out: { type: 'string', short: 'o', value: 'DIR', help: 'where to write results.json, index.html and the run cache', default: 'sweep' },
    quiet: { type: 'boolean', short: 'q', help: 'no progress lines' },
  },
  examples: ['descent sweep grid.json', 'descent sweep grid.json --queue redis://10.0.0.5:6379/sweeps --out sweep-a'],
};

/** What `descent sweep` returns (and writes as DIR/results.json).
 * @example
 * ```ts
 * const { runs } = await sweepMain(['grid.json'], processIo());
 * ```
 */
export interface SweepResult {
  /** The grid file's content, the executor and the number of runs. */
  readonly protocol: { readonly grid: unknown; readonly executor: string; readonly runs: number };
  /** Every run, in grid order. */
  readonly runs: ReadonlyArray<Record<string, unknown>>;
}

/**
 * Run `descent sweep` with the arguments after the command name.
 * @throws UsageError for a missing or malformed grid file and bad options.
 * @example
 * ```ts
 * await sweepMain(['grid.json', '--workers', '2'], processIo());
 * ```
 */
export async function sweepMain(argv: readonly string[], io: CliIo): Promise<SweepResult> {
  const args = parseCommandArgs(sweepCommand, argv);
  const file = args.positionals[0];
  if (!file) throw new UsageError('descent sweep: give the grid file, e.g. descent sweep grid.json (see --help)');
  const path = resolve(io.cwd, file);
  let grid: unknown;
  try {
    grid = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new UsageError(`descent sweep: cannot read the grid file '${file}': ${(e as Error).message}`);
  }
  const plugins = pluginPaths(args).map((p) => resolve(io.cwd, p));
  const builtin = new Set(optimizers.names());
  await loadPlugins(plugins);
  await loadWorkloads();
  const fingerprint = plugins.length ? `plugin:${sha256(plugins.map((p) => readFileSync(p, 'utf8')).join('\n'))}` : 'plugin';
  const specs = expandGrid(grid, (name) => {
    if (!optimizers.names().includes(name)) throw new UsageError(`grid.optimizers: unknown optimizer '${name}'. Registered: ${optimizers.names().join(', ')}`);
    return builtin.has(name) ? 'builtin' : fingerprint;
  });
  const queue = queueOption(args);
  let executor: Executor;
  if (queue) {
    executor = new QueueExecutor(queue);
  } else {
    const workers = intOption(args, 'workers', availableParallelism(), { min: 0, max: 256 });
    executor = workers === 0 ? new InlineExecutor() : new LocalPool({ workers, plugins });
  }
  const out = resolve(io.cwd, stringOption(args, 'out', 'sweep'));
  const quiet = args.values.quiet === true;
  const t0 = performance.now();
  let done = 0;
  io.err(`descent sweep: ${specs.length} runs on ${executor.name}`);
  const halving = gridHalving(grid);
  let records: Array<RunRecord & { rung?: number; stopped?: boolean }>;
  const cache = new RunCache(resolve(out, 'runs'));
  const total = specs.length;
  const onRun = (e: SweepEvent & { rung?: number }): void => {
    done++;
    if (quiet) return;
    const eta = !halving && done < total ? ` — ETA ${(((performance.now() - t0) / 1000) * (total - done) / done).toFixed(0)} s` : '';
    const rung = e.rung === undefined ? '' : ` (rung ${e.rung}, ${JSON.stringify(e.record.spec.budget)})`;
    io.err(`[${halving ? done : `${done}/${total}`}] ${e.cached ? 'cached' : 'done'} ${e.record.spec.workload} / ${e.record.spec.optimizer.name} / lr ${e.record.spec.lr} / seed ${e.record.spec.seed}${rung}${eta}`);
  };
  try {
    if (halving) {
      ({ records } = await runSuccessiveHalving(specs, {
        executor, cache, halving, onRun,
        onRung: (s) => { if (!quiet) io.err(`rung ${s.rung}: ${s.cells} cells, ${s.runs} runs`); },
      }));
    } else {
      records = await runSweep(specs, { executor, cache, onRun });
    }
  } finally {
    await executor.close();
  }
  const result: SweepResult = {
    protocol: { grid, executor: executor.name, runs: records.length },
    runs: records.map((r) => ({
      workload: r.spec.workload, optimizer: r.spec.optimizer.name, options: r.spec.optimizer.options, lr: r.spec.lr, seed: r.spec.seed,
      hash: r.hash, history: r.outcome.history, final: r.outcome.final, timeToTarget: r.outcome.timeToTarget, diverged: r.outcome.diverged,
      ...(r.rung !== undefined ? { budget: r.spec.budget, rung: r.rung, stopped: r.stopped } : {}),
    })),
  };
  writeFileAtomic(resolve(out, 'results.json'), toResultJson(result, 1));
  writeFileAtomic(resolve(out, 'index.html'), sweepHtml(records));
  io.out(`descent sweep: ${records.length} runs → ${resolve(out, 'results.json')} and index.html (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  return result;
}

/**
 * The `--queue URL` option of `sweep`, `bench` and `worker`, parsed (undefined when not given).
 * @throws UsageError for a malformed URL, naming what was expected.
 * @example
 * ```ts
 * const address = queueOption(parseCommandArgs(benchCommand, ['--queue', 'redis://10.0.0.5:6379/sweeps']));
 * ```
 */
export function queueOption(args: ParsedArgs): QueueAddress | undefined {
  const url = stringOption(args, 'queue');
  if (url === undefined) return undefined;
  try {
    return parseQueueUrl(url);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** A table per workload: final validation loss (and accuracy) as mean ± std over seeds, per optimizer and lr. */
function sweepHtml(records: readonly RunRecord[]): string {
  const cells = new Map<string, RunRecord[]>();
  for (const r of records) {
    const key = JSON.stringify([r.spec.workload, r.spec.optimizer.name, r.spec.optimizer.options, r.spec.lr, r.spec.budget]);
    cells.set(key, [...(cells.get(key) ?? []), r]);
  }
  const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot' }[c]};`);
  const fmt = (v: number[]) => (v.length ? `${mean(v).toPrecision(4)} ± ${v.length > 1 ? std(v).toPrecision(2) : '—'}` : '—');
  const rows = [...cells.values()].map((rs) => {
    const s = rs[0]!.spec;
    const loss = rs.map((r) => r.outcome.final.valLoss).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
    const acc = rs.map((r) => r.outcome.final.valAcc).filter((v): v is number => typeof v === 'number');
    return `<tr><td>${esc(s.workload)}</td><td>${esc(s.optimizer.name)} ${esc(JSON.stringify(s.optimizer.options))}</td><td>${s.lr}</td><td>${esc(JSON.stringify(s.budget))}</td><td>${rs.length}</td><td>${fmt(loss)}</td><td>${fmt(acc)}</td></tr>`;
  });
  return `<!doctype html><meta charset="utf-8"><title>descent sweep</title>
<style>body{font:14px system-ui;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}td:nth-child(-n+2){text-align:left}</style>
<h1>descent sweep</h1><p>${records.length} runs; final validation metrics, mean ± sample std over seeds (with successive halving, a stopped cell shows its last, smaller budget).</p>
<table><tr><th>workload</th><th>optimizer</th><th>lr</th><th>budget</th><th>seeds</th><th>val loss</th><th>val acc</th></tr>
${rows.join('\n')}
</table>
`;
}
