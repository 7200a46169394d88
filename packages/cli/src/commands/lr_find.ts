/**
 * `descent lr-find`: the LR range test on the MLP, with a terminal chart, the suggestion and an SVG.
 * @module
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { lrRangeSvg } from '@descent/optim';
import { choiceOption, intOption, numberOption, parseCommandArgs, stringOption, UsageError, type CommandSpec } from '../args.js';
import { DATASET_DEFAULTS, checkOptimizerNames, loadDataset, optimizerOptionsFor, type DatasetName } from '../compare.js';
import type { CliIo } from '../io.js';
import { runLrFind, SUGGESTION_METHODS, type LrFindResult } from '../lr_find.js';
import { loadPlugins, pluginPaths } from '../plugins.js';
import { fmtNumber } from '../summary.js';
import { asciiChart } from '../terminal.js';

/** The options of `descent lr-find`.
 * @example
 * ```ts
 * console.log(helpText(lrFindCommand));
 * ```
 */
export const lrFindCommand: CommandSpec = {
  name: 'lr-find',
  summary: 'LR range test (Smith 2017): raise the learning rate exponentially over mini-batches and suggest one.',
  usage: 'descent lr-find [--dataset mnist|iris] [--optimizer NAME] [--min-lr X] [--max-lr X] [--steps N] [--out DIR]',
  description: 'Prints the smoothed loss against the learning rate as a terminal chart and the suggested learning rate (steepest descent of the smoothed loss; also the minimum / 10), then the four suggestions of fastai (valley, slide, minimum, steep). With --out, writes DIR/lr_find.svg (all of them marked) and DIR/lr_find.json.',
  options: {
    dataset: { type: 'string', value: 'NAME', help: 'mnist or iris', default: 'mnist' },
    optimizer: { type: 'string', value: 'NAME', help: 'registered optimizer', default: 'sgdm' },
    'min-lr': { type: 'string', value: 'X', help: 'first learning rate', default: '1e-5' },
    'max-lr': { type: 'string', value: 'X', help: 'last learning rate', default: '10' },
    steps: { type: 'string', value: 'N', help: 'mini-batches (the test stops early when the loss diverges)', default: '100' },
    'batch-size': { type: 'string', value: 'N', help: 'mini-batch size', default: '64 (mnist), 16 (iris)' },
    seed: { type: 'string', value: 'N', help: 'seed of the data split, initial weights and order', default: '0' },
    out: { type: 'string', short: 'o', value: 'DIR', help: 'write lr_find.svg and lr_find.json there' },
    plugin: { type: 'string', value: 'FILE', help: 'load a module that registers plugins', multiple: true },
  },
  examples: ['descent lr-find --dataset iris --optimizer adam', 'descent lr-find --optimizer sgdm --steps 150 --out report'],
};

/**
 * Run `descent lr-find` with the arguments after the command name.
 * @throws UsageError for bad arguments.
 * @example
 * ```ts
 * const r = await lrFindMain(['--dataset', 'iris'], processIo());
 * ```
 */
export async function lrFindMain(argv: readonly string[], io: CliIo): Promise<LrFindResult> {
  const args = parseCommandArgs(lrFindCommand, argv);
  await loadPlugins(pluginPaths(args), io.cwd);
  const dataset = choiceOption<DatasetName>(args, 'dataset', ['mnist', 'iris'], 'mnist');
  const d = DATASET_DEFAULTS[dataset];
  const optimizer = stringOption(args, 'optimizer', 'sgdm');
  checkOptimizerNames([optimizer], '--optimizer');
  const minLr = numberOption(args, 'min-lr', 1e-5, { positive: true });
  const maxLr = numberOption(args, 'max-lr', 10, { positive: true });
  if (maxLr <= minLr) throw new UsageError(`--max-lr must be greater than --min-lr (${minLr}), but got ${maxLr}`);
  const steps = intOption(args, 'steps', 100, { min: 5, max: 100000 });
  const batchSize = intOption(args, 'batch-size', d.batchSize, { min: 2 });
  const seed = intOption(args, 'seed', 0, { min: 0 });
  const data = loadDataset(dataset, seed);
  if (batchSize > data.train.y.length) throw new UsageError(`--batch-size must be at most the training set size (${data.train.y.length}), but got ${batchSize}`);
  const r = runLrFind({ data, optimizer, optimizerOptions: optimizerOptionsFor(optimizer, {}, dataset), batchSize, seed, hidden: d.hidden, dropout: d.dropout, steps, minLr, maxLr });
  io.out(asciiChart({ loss: r.losses }, { title: `LR range test (${optimizer} on ${dataset}): smoothed loss, lr ${fmtNumber(r.lrs[0] ?? minLr, 2)} → ${fmtNumber(r.lrs.at(-1) ?? maxLr, 2)} (log scale)`, height: 12, width: 64, color: false }));
  io.out('');
  io.out(`steps run: ${r.lrs.length}${r.stopReason === 'steps' ? '' : r.stopReason === 'diverged' ? ' (stopped early: the smoothed loss exceeded 4× its best)' : ' (stopped early: a non-finite loss)'}`);
  io.out(`suggested learning rate: ${fmtNumber(r.suggestion, 3)} (steepest descent of the smoothed loss)`);
  if (r.minimumOver10 !== undefined) io.out(`minimum / 10:            ${fmtNumber(r.minimumOver10, 3)}`);
  io.out('fastai suggestions:');
  for (const k of SUGGESTION_METHODS) {
    const v = r.suggestions[k];
    io.out(`  ${`${k}:`.padEnd(9)}${v === null ? 'none (the test ran too few steps for it)' : fmtNumber(v, 3)}`);
  }
  const out = stringOption(args, 'out');
  if (out !== undefined) {
    const dir = resolve(io.cwd, out);
    mkdirSync(dir, { recursive: true });
    const svg = await lrRangeSvg(
      {
        lrs: r.lrs, smoothedLosses: r.losses,
        suggestion: { steepest: r.suggestion, minimumDiv10: r.minimumOver10 ?? NaN, ...Object.fromEntries(SUGGESTION_METHODS.map((k) => [k, r.suggestions[k] ?? NaN])) },
      },
      { title: `LR range test (${optimizer})` },
    );
    writeFileSync(join(dir, 'lr_find.svg'), svg);
    writeFileSync(join(dir, 'lr_find.json'), JSON.stringify(r, null, 1));
    io.out(`wrote ${join(dir, 'lr_find.svg')} and lr_find.json`);
  }
  return r;
}
