/**
 * `descent bench`: the optimizer benchmark (what `npm start` runs with the quick preset).
 * @module
 */
import { resolve } from 'node:path';
import { availableParallelism } from 'node:os';
import { choiceOption, intOption, listOption, parseCommandArgs, stringOption, type CommandSpec } from '../args.js';
import { runBench } from '../bench/run.js';
import type { BenchResult } from '../bench/findings.js';
import { PRESETS } from '../bench/protocol.js';
import type { CliIo } from '../io.js';
import { QUIET_OPTION, outOption, pluginOption } from './options.js';
import { pluginPaths } from '../plugins.js';
import { QueueExecutor } from '../sweep/index.js';
import { queueOption } from './sweep.js';
import type { PresetName } from '../workloads/index.js';

/** The options of `descent bench`.
 * @example
 * ```ts
 * console.log(helpText(benchCommand));
 * ```
 */
export const benchCommand: CommandSpec = {
  name: 'bench',
  summary: 'The optimizer benchmark: several workloads, learning rates tuned on validation data, several seeds, claims judged with confidence intervals.',
  usage: 'descent bench [--preset smoke|quick|full] [--workers N | --queue redis://HOST:PORT/NAME] [--optimizers a,b,…] [--workloads a,b,…] [--plugin FILE] [--out DIR]',
  description: 'Tunes each optimizer\'s learning rate per workload on a log grid (seed 0, validation loss), reruns the chosen rate over N seeds, and writes DIR/index.html and DIR/results.json. '
    + 'Finished runs are cached in DIR/runs by their configuration hash: an interrupted run continues, and adding an optimizer runs only its cells. See docs/benchmark.md.',
  options: {
    preset: { type: 'string', value: 'NAME', help: `smoke (seconds), quick (≤ 5 min on 2 cores; ${PRESETS.quick.seeds} seeds) or full (${PRESETS.full.seeds} seeds, finer grid, longer budgets)`, default: 'quick' },
    workers: { type: 'string', value: 'N', help: 'worker threads (0: run in this thread); ignored with --queue', default: `${availableParallelism()} (one per core)` },
    queue: { type: 'string', value: 'URL', help: 'put the runs into this BullMQ queue for `descent worker` processes (on any machines) instead of running them here (docs/sweeps.md)' },
    optimizers: { type: 'string', value: 'LIST', help: 'registered optimizer names', default: 'the lecture\'s twelve and every --plugin optimizer' },
    workloads: { type: 'string', value: 'LIST', help: 'workload names', default: 'all registered' },
    seeds: { type: 'string', value: 'N', help: 'seeds per chosen configuration', default: 'the preset\'s' },
    out: outOption('where to write index.html, results.json and the run cache (runs/)', 'report'),
    cache: { type: 'boolean', help: 'reuse and fill the run cache (--no-cache runs everything again)', default: 'true' },
    quiet: QUIET_OPTION,
    plugin: pluginOption('load a module that registers plugins; its optimizers join every workload'),
  },
  examples: [
    'descent bench',
    'descent bench --preset full --workers 8',
    'descent bench --plugin ./my-optimizer.js',
    'descent bench --preset full --queue redis://10.0.0.5:6379/bench',
    'descent bench --preset smoke --optimizers adam,sgdm --workloads mlp-mnist,fn-saddle',
  ],
};

/**
 * Run `descent bench` with the arguments after the command name.
 * @throws UsageError for bad arguments.
 * @example
 * ```ts
 * await benchMain(['--preset', 'smoke', '--out', 'tmp'], processIo());
 * ```
 */
export async function benchMain(argv: readonly string[], io: CliIo, defaults: { command?: string } = {}): Promise<BenchResult> {
  const args = parseCommandArgs(benchCommand, argv);
  const seeds = args.values.seeds === undefined ? undefined : intOption(args, 'seeds', 1, { min: 1, max: 1000 });
  const workers = args.values.workers === undefined ? undefined : intOption(args, 'workers', 1, { min: 0, max: 256 });
  const queue = queueOption(args);
  const options = {
    preset: choiceOption<PresetName>(args, 'preset', ['smoke', 'quick', 'full'], 'quick'),
    ...(args.values.optimizers !== undefined ? { optimizers: listOption(args, 'optimizers', []) } : {}),
    ...(args.values.workloads !== undefined ? { workloads: listOption(args, 'workloads', []) } : {}),
    ...(seeds !== undefined ? { seeds } : {}),
    ...(workers !== undefined ? { workers } : {}),
    plugins: pluginPaths(args).map((p) => resolve(io.cwd, p)),
    out: resolve(io.cwd, stringOption(args, 'out', 'report')),
    cache: args.values.cache !== false,
    progress: args.values.quiet ? 'none' as const : io.interactive ? 'bar' as const : 'lines' as const,
    log: io.out,
    progressLog: io.err,
    command: defaults.command ?? `descent bench ${argv.join(' ')}`.trim(),
  };
  if (!queue) return runBench(options);
  const executor = new QueueExecutor(queue);
  try {
    return await runBench({ ...options, executor });
  } finally {
    await executor.close(); // runBench closes it too, except when it rejects the options first
  }
}
