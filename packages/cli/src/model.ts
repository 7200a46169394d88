/**
 * Models for the CLI: the default MLP and a small layer registry, so a JSON config can name its
 * layers (`{ "name": "linear", "options": { "out": 128 } }`) and a `--plugin` module can add more.
 * @module
 */
import { noGrad, type Rng, type Tensor } from '@descent/tensor';
import {
  BatchNorm1d, Dropout, GELU, Identity, LayerNorm, LeakyReLU, Linear, ReLU, Sequential, Sigmoid, Tanh,
  crossEntropyLoss, type TensorModule,
} from '@descent/layers';
import { UsageError } from './args.js';
import { closest } from './suggest.js';
import type { LabelledData } from './data/types.js';

/** What a layer factory is told: the input width, the generator to draw from, the dtype.
 * @example
 * ```ts
 * const ctx: LayerContext = { inFeatures: 784, rng: new Rng(0) };
 * ```
 */
export interface LayerContext {
  /** Features of the layer's input. */
  readonly inFeatures: number;
  /** The model's generator (initial weights, dropout masks: split one off per consumer). */
  readonly rng: Rng;
}

/** A layer built by a {@link LayerFactory}: the module and the width of its output.
 * @example
 * ```ts
 * const b: BuiltLayer = { module: new ReLU(), outFeatures: 16 };
 * ```
 */
export interface BuiltLayer {
  /** The layer. */
  readonly module: TensorModule;
  /** Features of its output (the next layer's input). */
  readonly outFeatures: number;
}

/** A layer factory: builds the module from its options and reports its output width.
 * @example
 * ```ts
 * const square: LayerFactory = {
 *   description: 'x²',
 *   create: (_o, ctx) => ({ module: new (class extends Module { forward(x: Tensor) { return x.square(); } })(), outFeatures: ctx.inFeatures }),
 * };
 * ```
 */
export interface LayerFactory {
  /** One line for `descent list`. */
  readonly description: string;
  /** The option names accepted (others are rejected); omit to accept any. */
  readonly options?: readonly string[];
  /** Build the layer from its options; report the module and its output width. */
  create(options: Record<string, unknown>, ctx: LayerContext): BuiltLayer;
}

const factories = new Map<string, LayerFactory>();

/**
 * Register a layer type under a name usable in `descent train` configs (`{ "name": …, "options": … }`).
 * @throws UsageError when the name is taken and `replace` is not set.
 * @example
 * ```ts
 * registerLayer('square', { description: 'x²', create: (_o, ctx) => ({ module: new Square(), outFeatures: ctx.inFeatures }) });
 * ```
 */
export function registerLayer(name: string, factory: LayerFactory, options: { replace?: boolean } = {}): void {
  if (factories.has(name) && !options.replace) throw new UsageError(`registerLayer: a layer named '${name}' is already registered; pass { replace: true } to replace it`);
  factories.set(name, factory);
}

/** Names and descriptions of the registered layer types, sorted by name.
 * @example
 * ```ts
 * layerNames(); // [['batchNorm1d', '…'], ['dropout', '…'], …]
 * ```
 */
export function layerNames(): Array<[string, string]> {
  return [...factories.entries()].map(([n, f]) => [n, f.description] as [string, string]).sort((a, b) => a[0].localeCompare(b[0]));
}

const num = (o: Record<string, unknown>, key: string, where: string, fallback?: number): number => {
  const v = o[key] ?? fallback;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new UsageError(`${where}: option '${key}' must be a number, but got ${JSON.stringify(v)}`);
  return v;
};
const int = (o: Record<string, unknown>, key: string, where: string, fallback?: number): number => {
  const v = num(o, key, where, fallback);
  if (!Number.isInteger(v) || v <= 0) throw new UsageError(`${where}: option '${key}' must be a positive integer, but got ${JSON.stringify(v)}`);
  return v;
};
const same = (module: TensorModule, ctx: LayerContext) => ({ module, outFeatures: ctx.inFeatures });

registerLayer('linear', { description: 'dense layer x·W + b (options: out, bias)', options: ['out', 'bias'], create: (o, ctx) => {
  const out = int(o, 'out', 'linear');
  return { module: new Linear(ctx.inFeatures, out, { rng: ctx.rng, bias: o.bias === undefined ? true : Boolean(o.bias) }), outFeatures: out };
} });
registerLayer('relu', { description: 'max(x, 0)', options: [], create: (_o, ctx) => same(new ReLU(), ctx) });
registerLayer('leakyRelu', { description: 'leaky ReLU (options: negativeSlope)', options: ['negativeSlope'], create: (o, ctx) => same(new LeakyReLU({ negativeSlope: num(o, 'negativeSlope', 'leakyRelu', 0.01) }), ctx) });
registerLayer('tanh', { description: 'hyperbolic tangent', options: [], create: (_o, ctx) => same(new Tanh(), ctx) });
registerLayer('sigmoid', { description: 'logistic sigmoid', options: [], create: (_o, ctx) => same(new Sigmoid(), ctx) });
registerLayer('gelu', { description: "GELU (options: approximate 'none' | 'tanh')", options: ['approximate'], create: (o, ctx) => same(new GELU(o.approximate === undefined ? {} : { approximate: o.approximate as 'none' | 'tanh' }), ctx) });
registerLayer('dropout', { description: 'inverted dropout (options: p, default 0.5)', options: ['p'], create: (o, ctx) => same(new Dropout(num(o, 'p', 'dropout', 0.5), { rng: ctx.rng.split() }), ctx) });
registerLayer('batchNorm1d', { description: 'batch normalisation (options: eps, momentum, affine)', options: ['eps', 'momentum', 'affine'], create: (o, ctx) => same(new BatchNorm1d(ctx.inFeatures, o as object), ctx) });
registerLayer('layerNorm', { description: 'layer normalisation (options: eps, elementwiseAffine)', options: ['eps', 'elementwiseAffine'], create: (o, ctx) => same(new LayerNorm(ctx.inFeatures, o as object), ctx) });
registerLayer('identity', { description: 'returns its input', options: [], create: (_o, ctx) => same(new Identity(), ctx) });

/** A layer as a config names it: `"relu"` or `{ "name": "linear", "options": { "out": 10 } }`.
 * @example
 * ```ts
 * const layers: LayerSpec[] = [{ name: 'linear', options: { out: 16 } }, 'relu', { name: 'linear', options: { out: 3 } }];
 * ```
 */
export type LayerSpec = string | {
  /** The registered layer name. */
  name: string;
  /** Its options (e.g. `{ out: 10 }` for `linear`). */
  options?: Record<string, unknown>;
};

/** A model built from layer specs.
 * @example
 * ```ts
 * const { model, outFeatures }: BuiltModel = buildModel(['relu'], 4, new Rng(0));
 * ```
 */
export interface BuiltModel {
  /** The layers in a `Sequential`. */
  readonly model: Sequential;
  /** Width of the last layer's output. */
  readonly outFeatures: number;
}

/**
 * Build a `Sequential` from layer specs; each layer's input width is the previous one's output.
 * @param where the config path used in error messages (`model`).
 * @throws UsageError naming the layer (`model[2]`) for an unknown name, unknown or bad options.
 * @example
 * ```ts
 * const { model, outFeatures } = buildModel(['relu'], 4, new Rng(0));
 * ```
 */
export function buildModel(specs: readonly LayerSpec[], inFeatures: number, rng: Rng, where = 'model'): BuiltModel {
  if (!Array.isArray(specs) || specs.length === 0) throw new UsageError(`${where} must be a non-empty list of layers, e.g. [{ "name": "linear", "options": { "out": 10 } }]`);
  const modules: TensorModule[] = [];
  let width = inFeatures;
  specs.forEach((spec, i) => {
    const at = `${where}[${i}]`;
    const s = typeof spec === 'string' ? { name: spec } : spec;
    if (s === null || typeof s !== 'object' || typeof s.name !== 'string') throw new UsageError(`${at} must be a layer name or { "name": …, "options": {…} }, but got ${JSON.stringify(spec)}`);
    const extra = Object.keys(s).filter((k) => k !== 'name' && k !== 'options');
    if (extra.length) throw new UsageError(`${at}: unknown field '${extra[0]}' (a layer has 'name' and 'options')`);
    const f = factories.get(s.name);
    if (!f) {
      const hint = closest(s.name, [...factories.keys()]);
      throw new UsageError(`${at}: unknown layer '${s.name}'${hint ? ` (did you mean '${hint}'?)` : ''}. Known layers: ${[...factories.keys()].sort().join(', ')}`);
    }
    const o = s.options ?? {};
    if (o === null || typeof o !== 'object' || Array.isArray(o)) throw new UsageError(`${at}.options must be an object, but got ${JSON.stringify(o)}`);
    if (f.options) {
      const bad = Object.keys(o).find((k) => !f.options!.includes(k));
      if (bad) throw new UsageError(`${at}: ${s.name} has no option '${bad}'${f.options.length ? `. Options: ${f.options.join(', ')}` : ' (it takes none)'}`);
    }
    try {
      const built = f.create(o as Record<string, unknown>, { inFeatures: width, rng });
      modules.push(built.module);
      width = built.outFeatures;
    } catch (e) {
      if (e instanceof UsageError) throw new UsageError(`${at}: ${e.message}`);
      throw new UsageError(`${at} (${s.name}): ${(e as Error).message}`);
    }
  });
  return { model: new Sequential(...modules), outFeatures: width };
}

/** Options of {@link buildMlp}.
 * @example
 * ```ts
 * const o: MlpOptions = { inputs: 784, hidden: [128], classes: 10, dropout: 0.2, batchNorm: true, seed: 0 };
 * ```
 */
export interface MlpOptions {
  /** Input features (784 for MNIST). */
  readonly inputs: number;
  /** Hidden layer widths (default [128]). */
  readonly hidden?: readonly number[];
  /** Output classes (the head's width). */
  readonly classes: number;
  /** Dropout after each hidden activation (default 0.2; 0 for none). */
  readonly dropout?: number;
  /** Batch norm after each hidden linear layer (default true). */
  readonly batchNorm?: boolean;
  /** Generator of the initial weights and dropout masks: the same seed gives the same network. */
  readonly rng: Rng;
}

/**
 * The main job's MLP: `Linear → BatchNorm1d → ReLU → Dropout` per hidden layer, then a linear
 * head (e.g. 784-128-10). The layer specs it builds are returned too (for the report).
 * @example
 * ```ts
 * const { model, layers } = buildMlp({ inputs: 784, hidden: [128], classes: 10, rng: new Rng(0) });
 * ```
 */
export function buildMlp(options: MlpOptions): {
  /** The MLP. */
  model: Sequential;
  /** Its layer specs (as a config would name them). */
  layers: LayerSpec[];
} {
  const { inputs, hidden = [128], classes, dropout = 0.2, batchNorm = true, rng } = options;
  const layers: LayerSpec[] = [];
  for (const h of hidden) {
    layers.push({ name: 'linear', options: { out: h } });
    if (batchNorm) layers.push('batchNorm1d');
    layers.push('relu');
    if (dropout > 0) layers.push({ name: 'dropout', options: { p: dropout } });
  }
  layers.push({ name: 'linear', options: { out: classes } });
  return { model: buildModel(layers, inputs, rng).model, layers };
}

/** Describe layer specs in one line: `linear(128) → batchNorm1d → relu → dropout(0.2) → linear(10)`.
 * @example
 * ```ts
 * describeLayers(['relu']); // 'relu'
 * ```
 */
export function describeLayers(layers: readonly LayerSpec[]): string {
  return layers.map((l) => {
    if (typeof l === 'string') return l;
    const vals = Object.values(l.options ?? {});
    return vals.length ? `${l.name}(${vals.join(', ')})` : l.name;
  }).join(' → ');
}

/** Mean cross-entropy and accuracy on a data set.
 * @example
 * ```ts
 * const e: Evaluation = evaluate(model, data.test);
 * ```
 */
export interface Evaluation {
  /** Mean cross-entropy over the samples. */
  readonly loss: number;
  /** Fraction of samples whose largest logit is the label. */
  readonly accuracy: number;
}

/** Loss and accuracy of a model on a data set, in eval mode and without a tape, in chunks.
 * @example
 * ```ts
 * const { loss, accuracy } = evaluate(model, data.test);
 * ```
 */
export function evaluate(model: TensorModule, data: LabelledData, chunk = 1000): Evaluation {
  const wasTraining = model.training;
  model.eval();
  try {
    return noGrad(() => {
      const n = data.y.length;
      let loss = 0, correct = 0;
      for (let from = 0; from < n; from += chunk) {
        const m = Math.min(chunk, n - from);
        const idx = Array.from({ length: m }, (_, i) => from + i);
        const logits: Tensor = model.call(data.x.gatherRows(idx));
        const labels = data.y.slice(from, from + m);
        loss += crossEntropyLoss(logits, labels).item() * m;
        const v = logits.buffer();
        const c = logits.shape[1]!;
        for (let i = 0; i < m; i++) {
          let best = 0;
          for (let k = 1; k < c; k++) if (v[i * c + k]! > v[i * c + best]!) best = k;
          if (best === labels[i]) correct++;
        }
      }
      return { loss: loss / n, accuracy: correct / n };
    });
  } finally {
    model.train(wasTraining);
  }
}
