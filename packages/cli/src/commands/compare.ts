/**
 * `descent compare`: train one MLP with several optimizers and compare them (table, terminal
 * chart, HTML report).
 * @module
 */
import { resolve } from 'node:path';
import { choiceOption, intOption, listOption, numberMapOption, numberOption, parseCommandArgs, stringOption, UsageError, type CommandSpec } from '../args.js';
import { DATASET_DEFAULTS, parseOptimizerOptions, runCompare, type CompareResult, type DatasetName } from '../compare.js';
import type { CliIo } from '../io.js';
import { QUIET_OPTION, outOption, pluginOption } from './options.js';
import { loadPlugins, pluginPaths } from '../plugins.js';
import { LECTURE_OPTIMIZERS, SCHEDULE_KINDS, type ScheduleKind } from '../runner.js';

/** The options of `descent compare`.
 * @example
 * ```ts
 * console.log(helpText(compareCommand));
 * ```
 */
export const compareCommand: CommandSpec = {
  name: 'compare',
  summary: 'Train the same MLP from the same seeded initialisation with several optimizers and compare them.',
  usage: 'descent compare [--dataset mnist|iris] [--optimizers a,b,…] [--epochs N] [--out DIR] [options]',
  description: 'Prints a summary table (final train loss, train and test accuracy, generalization gap, time) and a terminal chart, and writes DIR/index.html (plots rendered with vega-lite) and DIR/results.json.',
  options: {
    dataset: { type: 'string', value: 'NAME', help: 'mnist (10,000 digits, split 8000/2000) or iris', default: 'mnist' },
    optimizers: { type: 'string', value: 'LIST', help: 'comma-separated registered optimizer names', default: LECTURE_OPTIMIZERS.join(',') },
    epochs: { type: 'string', value: 'N', help: 'epochs per optimizer', default: `${DATASET_DEFAULTS.mnist.epochs} (mnist), ${DATASET_DEFAULTS.iris.epochs} (iris)` },
    'batch-size': { type: 'string', value: 'N', help: 'mini-batch size', default: `${DATASET_DEFAULTS.mnist.batchSize} (mnist), ${DATASET_DEFAULTS.iris.batchSize} (iris)` },
    lr: { type: 'string', value: 'NAME=LR,…', help: 'base learning rates overriding the defaults, e.g. adam=0.002,sgdm=0.1' },
    options: { type: 'string', value: 'JSON', help: 'options per optimizer over the defaults, e.g. \'{"adabelief":{"eps":1e-16},"sgdm":{"momentum":0.8}}\'' },
    schedule: { type: 'string', value: 'KIND', help: `learning-rate schedule shape: ${SCHEDULE_KINDS.join(', ')}`, default: 'warmup-cosine' },
    hidden: { type: 'string', value: 'N,…', help: 'hidden layer widths', default: '128 (mnist), 16 (iris)' },
    dropout: { type: 'string', value: 'P', help: 'dropout probability after each hidden layer', default: '0.2 (mnist), 0 (iris)' },
    'train-size': { type: 'string', value: 'N', help: 'MNIST training samples', default: '8000' },
    'test-size': { type: 'string', value: 'N', help: 'MNIST test samples', default: '2000' },
    seed: { type: 'string', value: 'N', help: 'seed of the split, initial weights, dropout and shuffling', default: '0' },
    out: outOption('where to write index.html and results.json', 'report'),
    'lr-find': { type: 'boolean', help: 'run the LR range test for the report (--no-lr-find to skip)', default: 'true' },
    landscape: { type: 'boolean', help: 'draw trajectories on Rosenbrock and a saddle (--no-landscape to skip)', default: 'true' },
    quiet: QUIET_OPTION,
    plugin: pluginOption('load a module that registers plugins (e.g. your optimizer)'),
  },
  examples: [
    'descent compare --dataset iris --optimizers adam,sgdm,nag --epochs 40 --out report-iris',
    'descent compare --optimizers sgdm,adam,adamw --epochs 3 --lr sgdm=0.1 --no-landscape',
    'descent compare --plugin ./my-optimizer.js --optimizers mysgd,sgdm --dataset iris',
  ],
};

/**
 * Run `descent compare` with the arguments after the command name.
 * @throws UsageError for bad arguments.
 * @example
 * ```ts
 * await compareMain(['--dataset', 'iris', '--epochs', '5', '--out', 'tmp'], processIo());
 * ```
 */
export async function compareMain(argv: readonly string[], io: CliIo): Promise<CompareResult> {
  const args = parseCommandArgs(compareCommand, argv);
  await loadPlugins(pluginPaths(args), io.cwd);
  const dataset = choiceOption<DatasetName>(args, 'dataset', ['mnist', 'iris'], 'mnist');
  const d = DATASET_DEFAULTS[dataset];
  const hiddenRaw = stringOption(args, 'hidden');
  const hidden = hiddenRaw === undefined ? d.hidden : hiddenRaw.split(',').map((s) => {
    const n = Number(s.trim());
    if (!Number.isInteger(n) || n <= 0) throw new UsageError(`--hidden must be comma-separated positive integers, but got '${hiddenRaw}'`);
    return n;
  });
  const dropout = numberOption(args, 'dropout', d.dropout);
  if (dropout < 0 || dropout >= 1) throw new UsageError(`--dropout must be in [0, 1), but got '${String(args.values.dropout)}'`);
  if (dataset === 'iris' && (args.values['train-size'] !== undefined || args.values['test-size'] !== undefined)) {
    throw new UsageError('--train-size and --test-size apply to --dataset mnist only');
  }
  const out = stringOption(args, 'out', 'report');
  return runCompare({
    dataset,
    optimizers: listOption(args, 'optimizers', LECTURE_OPTIMIZERS),
    epochs: intOption(args, 'epochs', d.epochs, { min: 1, max: 10000 }),
    batchSize: intOption(args, 'batch-size', d.batchSize, { min: 1 }),
    lrs: numberMapOption(args, 'lr'),
    ...(args.values.options !== undefined ? { optimizerOptions: parseOptimizerOptions(String(args.values.options)) } : {}),
    schedule: choiceOption<ScheduleKind>(args, 'schedule', SCHEDULE_KINDS, 'warmup-cosine'),
    hidden,
    dropout,
    ...(args.values['train-size'] !== undefined ? { trainSize: intOption(args, 'train-size', 8000, { min: 1, max: 9999 }) } : {}),
    ...(args.values['test-size'] !== undefined ? { testSize: intOption(args, 'test-size', 2000, { min: 1, max: 9999 }) } : {}),
    seed: intOption(args, 'seed', 0, { min: 0 }),
    out: resolve(io.cwd, out),
    lrFind: args.values['lr-find'] !== false,
    landscape: args.values.landscape !== false,
    progress: args.values.quiet ? 'none' : io.interactive ? 'bar' : 'lines',
    log: io.out,
    progressLog: io.err,
    command: `descent compare ${argv.join(' ')}`.trim(),
  });
}
