/**
 * `descent train config.json`: train a model described by a JSON config (layers and every plugin
 * by registry name), print the epochs and a terminal chart, optionally save the model.
 * @module
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Rng } from '@descent/tensor';
import { crossEntropyLoss, saveState } from '@descent/layers';
import { Trainer, type Callback, type EpochRecord, type History } from '@descent/optim';
import { UsageError, intOption, parseCommandArgs, stringOption, type CommandSpec } from '../args.js';
import { loadDataset } from '../compare.js';
import { parseTrainConfig, type TrainConfig } from '../config.js';
import type { CliIo } from '../io.js';
import { QUIET_OPTION, outOption, pluginOption } from './options.js';
import { buildModel, describeLayers, evaluate } from '../model.js';
import type { FinalMetrics } from '../runner.js';
import { loadPlugins, pluginPaths } from '../plugins.js';
import { fmtNumber, pct } from '../summary.js';
import { asciiChart, formatTable } from '../terminal.js';

/** The options of `descent train`.
 * @example
 * ```ts
 * console.log(helpText(trainCommand));
 * ```
 */
export const trainCommand: CommandSpec = {
  name: 'train',
  summary: 'Train a model described by a JSON config file.',
  usage: 'descent train CONFIG.json [--plugin FILE]… [--epochs N] [--out DIR]',
  description: [
    'The config names the data, the layers and every plugin by registry name with options:',
    '  {',
    '    "dataset": "iris",                      // or { "name": "mnist", "trainSize": 2000, "testSize": 500 }',
    '    "model": [{ "name": "linear", "options": { "out": 16 } }, "relu", { "name": "linear", "options": { "out": 3 } }],',
    '    "optimizer": { "name": "adam", "options": { "lr": 0.01 } },',
    '    "scheduler": { "name": "cosine" },        // optional; tMax defaults to the run\'s steps',
    '    "regularizers": [{ "name": "l2", "options": { "lambda": 0.0001 } }],',
    '    "gradients": [{ "name": "clipGradNorm", "options": { "maxNorm": 1 } }],',
    '    "constraints": [], "order": "shuffle", "callbacks": [{ "name": "earlyStopping", "options": { "patience": 5 } }],',
    '    "loss": "crossEntropy", "epochs": 30, "batchSize": 16, "seed": 0, "save": "model.json"',
    '  }',
    'Run `descent list` for the registered names. A --plugin module may register more (optimizers, schedulers, callbacks, layers…).',
  ].join('\n'),
  positionals: 1,
  options: {
    plugin: pluginOption('load a module that registers plugins before the config is read'),
    epochs: { type: 'string', value: 'N', help: "override the config's epochs" },
    out: outOption('write history.json and model.json (the trained model) there'),
    quiet: QUIET_OPTION,
  },
  examples: ['descent train examples/iris/config.json', 'descent train my.json --plugin ./my-optimizer.js --out runs/1'],
};

/** What `descent train` returns (for tests and scripts).
 * @example
 * ```ts
 * const { history, final } = await trainMain(['config.json'], io);
 * ```
 */
export interface TrainOutcome {
  /** The checked config. */
  readonly config: TrainConfig;
  /** What `Trainer.fit` returned. */
  readonly history: History;
  /** Loss and accuracy on the whole training and test sets at the end. */
  readonly final: FinalMetrics;
  /** Where the model was saved, if it was. */
  readonly savedTo: string | null;
}

/** At most about 15 epochs for the table: every k-th, and always the last. */
function shownEpochs(epochs: readonly EpochRecord[]): EpochRecord[] {
  const k = Math.ceil(epochs.length / 15);
  return epochs.filter((e, i) => (i + 1) % k === 0 || i === epochs.length - 1);
}

/** Read and parse a JSON config file.
 * @throws UsageError when the file is missing or not valid JSON (with the parser's position).
 * @example
 * ```ts
 * const raw = readConfigFile('config.json');
 * ```
 */
export function readConfigFile(path: string): unknown {
  if (!existsSync(path)) throw new UsageError(`config file not found: ${path}`);
  const text = readFileSync(path, 'utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new UsageError(`${path}: not valid JSON: ${(e as Error).message}`);
  }
}

/**
 * The config with each `checkpoint` callback's `path` resolved relative to the config file's
 * folder (as `save` is), and that folder created when the path has no `{…}` placeholder in it.
 * @example
 * ```ts
 * withCheckpointPaths(config, '/runs/exp1'); // { name: 'checkpoint', options: { path: '/runs/exp1/ckpt/last.json' } }
 * ```
 */
export function withCheckpointPaths(config: TrainConfig, configDir: string): TrainConfig {
  const callbacks = config.callbacks.map((c) => {
    const p = c.options?.path;
    if (c.name !== 'checkpoint' || typeof p !== 'string' || p.length === 0) return c;
    const abs = resolve(configDir, p);
    if (!dirname(abs).includes('{')) mkdirSync(dirname(abs), { recursive: true });
    return { ...c, options: { ...c.options, path: abs } };
  });
  return { ...config, callbacks };
}

/**
 * Run `descent train` with the arguments after the command name.
 * @throws UsageError for bad arguments or a bad config (naming the field); exit code 1 when training fails.
 * @example
 * ```ts
 * await trainMain(['examples/iris/config.json', '--epochs', '5'], processIo());
 * ```
 */
export async function trainMain(argv: readonly string[], io: CliIo): Promise<TrainOutcome> {
  const args = parseCommandArgs(trainCommand, argv);
  const file = args.positionals[0];
  if (file === undefined) throw new UsageError('descent train: missing the config file, e.g. `descent train config.json` (see --help)');
  await loadPlugins(pluginPaths(args), io.cwd);
  const path = resolve(io.cwd, file);
  const config = withCheckpointPaths(parseTrainConfig(readConfigFile(path)), dirname(path));
  const epochs = intOption(args, 'epochs', config.epochs, { min: 1 });
  const data = loadDataset(config.dataset.name, config.seed, config.dataset);
  if (config.batchSize > data.train.y.length) throw new UsageError(`config: 'batchSize' must be at most the training set size (${data.train.y.length}), but got ${config.batchSize}`);
  const rng = new Rng(config.seed);
  const { model, outFeatures } = buildModel(config.model, data.features, rng.split(), 'config: model');
  if (outFeatures !== data.classes.length) {
    throw new UsageError(`config: 'model': the last layer gives ${outFeatures} outputs, but ${data.name} has ${data.classes.length} classes; end with { "name": "linear", "options": { "out": ${data.classes.length} } }`);
  }
  io.out(data.description);
  io.out(`Model: ${describeLayers(config.model)} (${model.numParameters()} parameters); optimizer ${config.optimizer.name}${config.scheduler ? `, scheduler ${config.scheduler.name}` : ''}; ${epochs} epochs, batch ${config.batchSize}.`);
  const lines: Callback = {
    name: 'trainLines',
    onEpochEnd(r: EpochRecord, ctx) {
      if (args.values.quiet || io.interactive) return;
      io.err(`epoch ${r.epoch + 1}/${ctx.epochs}: loss ${fmtNumber(r.loss)}, val loss ${fmtNumber(r.valLoss ?? NaN)}, val acc ${pct(r.valAccuracy ?? NaN)}, lr ${fmtNumber(r.lr, 3)}`);
    },
  };
  let trainer: Trainer;
  try {
    trainer = new Trainer({
      model,
      loss: config.labelSmoothing > 0 ? (p, t) => crossEntropyLoss(p, t as number[], { labelSmoothing: config.labelSmoothing }) : 'crossEntropy',
      optimizer: config.optimizer,
      ...(config.scheduler ? { scheduler: config.scheduler } : {}),
      regularizers: config.regularizers, gradients: config.gradients, constraints: config.constraints,
      order: config.order, callbacks: [...config.callbacks, lines],
      batchSize: config.batchSize, epochs, seed: config.seed,
      progressBar: io.interactive && !args.values.quiet,
    });
  } catch (e) {
    throw new UsageError(`config: ${(e as Error).message}`);
  }
  let history: History;
  try {
    history = trainer.fit(data.train, { validation: data.test });
  } catch (e) {
    throw new UsageError(`training failed: ${(e as Error).message}`, 1);
  }
  const train = evaluate(model, data.train);
  const test = evaluate(model, data.test);
  const final = { trainLoss: train.loss, trainAccuracy: train.accuracy, testLoss: test.loss, testAccuracy: test.accuracy };
  io.out('');
  io.out(formatTable(
    [{ header: 'epoch', align: 'right' }, { header: 'loss', align: 'right' }, { header: 'val loss', align: 'right' }, { header: 'val acc', align: 'right' }, { header: 'lr', align: 'right' }],
    shownEpochs(history.epochs).map((e) => [String(e.epoch + 1), fmtNumber(e.loss), fmtNumber(e.valLoss ?? NaN), pct(e.valAccuracy ?? NaN), fmtNumber(e.lr, 3)]),
  ));
  io.out('');
  io.out(asciiChart({ train: history.epochs.map((e) => e.loss), validation: history.epochs.map((e) => e.valLoss ?? NaN) }, { title: 'loss per epoch', height: 8, width: 60, color: false }));
  io.out('');
  io.out(`stopped: ${history.stopReason}${history.stopMessage ? ` (${history.stopMessage})` : ''}`);
  io.out(`final: train loss ${fmtNumber(final.trainLoss)}, train acc ${pct(final.trainAccuracy)}, test loss ${fmtNumber(final.testLoss)}, test acc ${pct(final.testAccuracy)}`);
  // The model goes to --out DIR/model.json (as --help says) and to the config's `save`, each when given.
  const targets: string[] = [];
  const out = stringOption(args, 'out');
  if (out !== undefined) {
    const dir = resolve(io.cwd, out);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'history.json'), JSON.stringify({ config, history, final }, null, 1));
    targets.push(join(dir, 'model.json'));
  }
  if (config.save !== null) targets.push(resolve(dirname(path), config.save));
  for (const target of new Set(targets)) {
    mkdirSync(dirname(target), { recursive: true });
    saveState(model, target);
    io.out(`model saved to ${target}`);
  }
  return { config, history, final, savedTo: targets.at(-1) ?? null };
}
