/**
 * The `descent train` config file: a JSON object naming the data, the model's layers, and the
 * optimizer, scheduler, regularizers, gradient transforms, constraints, data order and callbacks
 * by registry name with options. {@link parseTrainConfig} checks every field and reports the
 * first problem with its path (`optimizer.options.lr`, `model[2]`, `callbacks[0].name`).
 * @module
 */
import {
  constraints, gradientTransforms, orders, callbacks, regularizers, schedulers, optimizers,
  getOptimizerPlugin, resolveOptimizerOptions, type KindRegistry,
} from '@descent/optim';
import { UsageError } from './args.js';
import type { LayerSpec } from './model.js';
import { closest } from './suggest.js';

/** A plugin in a config: its registered name, or `{ "name": …, "options": {…} }`.
 * @example
 * ```ts
 * const p: ConfigPlugin = { name: 'clipGradNorm', options: { maxNorm: 1 } };
 * ```
 */
export type ConfigPlugin = {
  /** The registered name. */
  name: string;
  /** Its options (checked by the plugin). */
  options?: Record<string, unknown>;
};

/** A checked `descent train` config, defaults filled in.
 * @example
 * ```ts
 * const c: TrainConfig = parseTrainConfig(JSON.parse(text));
 * c.optimizer.name; // 'adam'
 * ```
 */
export interface TrainConfig {
  /** `'iris'` or `'mnist'` (MNIST sizes optional). */
  readonly dataset: {
    /** `iris` or `mnist`. */
    name: 'iris' | 'mnist';
    /** MNIST training samples (default 8000). */
    trainSize?: number;
    /** MNIST test samples (default 2000). */
    testSize?: number;
  };
  /** The layers, in order (see `descent list layer`). */
  readonly model: LayerSpec[];
  /** Label smoothing of the cross-entropy loss (0 by default). */
  readonly labelSmoothing: number;
  /** The optimizer and its options. */
  readonly optimizer: ConfigPlugin;
  /** The learning-rate schedule, or null for the optimizer's constant lr. */
  readonly scheduler: ConfigPlugin | null;
  /** Loss penalties (`l1`, `l2`, `elasticNet`). */
  readonly regularizers: ConfigPlugin[];
  /** Gradient transforms, in order (`clipGradNorm`, `gradientNoise`, …). */
  readonly gradients: ConfigPlugin[];
  /** Constraints applied after each update (`maxNorm`). */
  readonly constraints: ConfigPlugin[];
  /** The data order (default `shuffle`). */
  readonly order: ConfigPlugin;
  /** Callbacks (`earlyStopping`, `checkpoint`, …). */
  readonly callbacks: ConfigPlugin[];
  /** Passes over the training set. */
  readonly epochs: number;
  /** Samples per mini-batch (default 32). */
  readonly batchSize: number;
  /** Seed of the initial weights and of every random choice of the trainer (default 0). */
  readonly seed: number;
  /** Where to save the trained model's state (relative to the config file), or null. */
  readonly save: string | null;
}

/** Every top-level key a config may have.
 * @example
 * ```ts
 * CONFIG_KEYS.includes('optimizer'); // true
 * ```
 */
export const CONFIG_KEYS: readonly string[] = [
  '$schema', 'description', 'dataset', 'model', 'loss', 'optimizer', 'scheduler', 'regularizers', 'gradients', 'constraints',
  'order', 'callbacks', 'epochs', 'batchSize', 'seed', 'save',
];

const json = (v: unknown) => (v === undefined ? 'nothing' : JSON.stringify(v));
const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function positiveInt(v: unknown, path: string, fallback?: number): number {
  if (v === undefined && fallback !== undefined) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) throw new UsageError(`config: '${path}' must be a positive integer, but got ${json(v)}`);
  return v;
}

/** A plugin spec at `path`: a name or `{name, options}`, the name registered in `view`. */
function pluginSpec(v: unknown, path: string, view: KindRegistry<unknown>): ConfigPlugin {
  const spec = typeof v === 'string' ? { name: v } : v;
  if (!isObject(spec) || typeof spec.name !== 'string') {
    throw new UsageError(`config: '${path}' must be a ${view.kind} name or { "name": …, "options": {…} }, but got ${json(v)}`);
  }
  const extra = Object.keys(spec).find((k) => k !== 'name' && k !== 'options');
  if (extra) throw new UsageError(`config: '${path}' has an unknown field '${extra}' (a plugin has 'name' and 'options')`);
  if (!view.has(spec.name)) {
    const hint = closest(spec.name, view.names());
    throw new UsageError(`config: '${path}.name': unknown ${view.kind} '${spec.name}'${hint ? ` (did you mean '${hint}'?)` : ''}. Registered: ${view.names().join(', ') || '(none)'}`);
  }
  if (spec.options !== undefined && !isObject(spec.options)) throw new UsageError(`config: '${path}.options' must be an object, but got ${json(spec.options)}`);
  return { name: spec.name, ...(spec.options ? { options: spec.options } : {}) };
}

/** Create a plugin once to check its options; errors name the path. */
function tryCreate(path: string, create: () => unknown): void {
  try {
    create();
  } catch (e) {
    throw new UsageError(`config: '${path}.options': ${(e as Error).message}`);
  }
}

function pluginList(v: unknown, path: string, view: KindRegistry<unknown>): ConfigPlugin[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw new UsageError(`config: '${path}' must be a list of ${view.kind} plugins, but got ${json(v)}`);
  return v.map((item, i) => {
    const spec = pluginSpec(item, `${path}[${i}]`, view);
    tryCreate(`${path}[${i}]`, () => view.create(spec.name, { ...(spec.options ?? {}) }));
    return spec;
  });
}

/**
 * Check a parsed config object and fill in defaults (seed 0, batch size 32, order `shuffle`,
 * loss cross-entropy). Plugin names are looked up in the registry (so `--plugin` modules must be
 * loaded first) and their options are validated by creating them once.
 * @throws UsageError naming the first bad field, e.g. `config: 'optimizer.options': adam: unknown option 'lR' (did you mean 'lr'?)`.
 * @example
 * ```ts
 * parseTrainConfig({ dataset: 'iris', model: [{ name: 'linear', options: { out: 3 } }], optimizer: 'adam', epochs: 5 });
 * ```
 */
export function parseTrainConfig(raw: unknown): TrainConfig {
  if (!isObject(raw)) throw new UsageError(`config: must be a JSON object, but got ${json(raw)}`);
  for (const k of Object.keys(raw)) {
    if (!CONFIG_KEYS.includes(k)) {
      const hint = closest(k, CONFIG_KEYS);
      throw new UsageError(`config: unknown field '${k}'${hint ? ` (did you mean '${hint}'?)` : ''}. Known fields: ${CONFIG_KEYS.filter((c) => c !== '$schema').join(', ')}`);
    }
  }
  for (const k of ['dataset', 'model', 'optimizer', 'epochs']) {
    if (raw[k] === undefined) throw new UsageError(`config: missing required field '${k}'`);
  }
  // dataset
  const ds = typeof raw.dataset === 'string' ? { name: raw.dataset } : raw.dataset;
  if (!isObject(ds) || (ds.name !== 'iris' && ds.name !== 'mnist')) throw new UsageError(`config: 'dataset' must be "iris", "mnist" or { "name": "mnist", "trainSize": …, "testSize": … }, but got ${json(raw.dataset)}`);
  const dsExtra = Object.keys(ds).find((k) => !['name', 'trainSize', 'testSize'].includes(k));
  if (dsExtra) throw new UsageError(`config: 'dataset' has an unknown field '${dsExtra}' (name, trainSize, testSize)`);
  if (ds.name === 'iris' && (ds.trainSize !== undefined || ds.testSize !== undefined)) throw new UsageError("config: 'dataset.trainSize'/'testSize' apply to mnist only");
  const dataset = {
    name: ds.name,
    ...(ds.trainSize !== undefined ? { trainSize: positiveInt(ds.trainSize, 'dataset.trainSize') } : {}),
    ...(ds.testSize !== undefined ? { testSize: positiveInt(ds.testSize, 'dataset.testSize') } : {}),
  } as TrainConfig['dataset'];
  // model (checked in detail when it is built; here only the shape)
  if (!Array.isArray(raw.model) || raw.model.length === 0) throw new UsageError(`config: 'model' must be a non-empty list of layers, but got ${json(raw.model)}`);
  // loss
  let labelSmoothing = 0;
  if (raw.loss !== undefined) {
    const loss = typeof raw.loss === 'string' ? { name: raw.loss } : raw.loss;
    if (!isObject(loss) || loss.name !== 'crossEntropy') throw new UsageError(`config: 'loss' must be "crossEntropy" or { "name": "crossEntropy", "options": { "labelSmoothing": … } } (the data sets are classification), but got ${json(raw.loss)}`);
    const o = loss.options ?? {};
    if (!isObject(o) || Object.keys(o).some((k) => k !== 'labelSmoothing')) throw new UsageError(`config: 'loss.options' may only hold 'labelSmoothing', but got ${json(loss.options)}`);
    if (o.labelSmoothing !== undefined) {
      if (typeof o.labelSmoothing !== 'number' || !(o.labelSmoothing >= 0 && o.labelSmoothing <= 1)) throw new UsageError(`config: 'loss.options.labelSmoothing' must be a number in [0, 1], but got ${json(o.labelSmoothing)}`);
      labelSmoothing = o.labelSmoothing;
    }
  }
  // optimizer
  const optimizer = pluginSpec(raw.optimizer, 'optimizer', optimizers as KindRegistry<unknown>);
  try {
    resolveOptimizerOptions(getOptimizerPlugin(optimizer.name), optimizer.options ?? {});
  } catch (e) {
    throw new UsageError(`config: 'optimizer.options': ${(e as Error).message}`);
  }
  // scheduler: the name here; the options when the trainer creates it (it fills tMax/totalSteps)
  const scheduler = raw.scheduler === undefined || raw.scheduler === null ? null : pluginSpec(raw.scheduler, 'scheduler', schedulers as KindRegistry<unknown>);
  const order = raw.order === undefined ? { name: 'shuffle' } : pluginSpec(raw.order, 'order', orders as KindRegistry<unknown>);
  if (order.options) tryCreate('order', () => orders.create(order.name, { ...order.options }));
  const save = raw.save === undefined || raw.save === null ? null : raw.save;
  if (save !== null && (typeof save !== 'string' || save.length === 0)) throw new UsageError(`config: 'save' must be a file path, but got ${json(raw.save)}`);
  const seed = raw.seed === undefined ? 0 : raw.seed;
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0) throw new UsageError(`config: 'seed' must be an integer ≥ 0, but got ${json(raw.seed)}`);
  return {
    dataset,
    /** The layers, in order (see `descent list layer`). */
    model: raw.model as LayerSpec[],
    labelSmoothing,
    optimizer,
    scheduler,
    /** Loss penalties (`l1`, `l2`, `elasticNet`). */
    regularizers: pluginList(raw.regularizers, 'regularizers', regularizers as KindRegistry<unknown>),
    /** Gradient transforms, in order (`clipGradNorm`, `gradientNoise`, …). */
    gradients: pluginList(raw.gradients, 'gradients', gradientTransforms as KindRegistry<unknown>),
    /** Constraints applied after each update (`maxNorm`). */
    constraints: pluginList(raw.constraints, 'constraints', constraints as KindRegistry<unknown>),
    order,
    /** Callbacks (`earlyStopping`, `checkpoint`, …). */
    callbacks: pluginList(raw.callbacks, 'callbacks', callbacks as KindRegistry<unknown>),
    /** Passes over the training set. */
    epochs: positiveInt(raw.epochs, 'epochs'),
    /** Samples per mini-batch (default 32). */
    batchSize: positiveInt(raw.batchSize, 'batchSize', 32),
    seed,
    save: save as string | null,
  };
}
