// Modular addition with a one-layer Transformer: read "a b =" and predict (a + b) mod p.
//   node --import tsx --conditions=source examples/tiny-transformer/main.ts
// The answer depends on both operands at once, so the last position must attend to the first two:
// a task that needs attention. 80% of the p² pairs are for training and the rest are held out; the
// same model and seed are trained with AdamW (decoupled weight decay), Adam (none) and SGD, and the
// held-out accuracy shows what the optimizer and the weight decay do.
import { pathToFileURL } from 'node:url';
import { Rng, add, embedding, noGrad, slice, reshape, tensor, type Tensor } from '@descent/tensor';
import { Embedding, LayerNorm, Linear, Module, TransformerEncoderLayer } from '@descent/layers';
import { Trainer, type PluginSpec } from '@descent/optim';

/** Options of {@link main}. */
export interface TinyTransformerOptions {
  /** The modulus (default 23): p² pairs, p classes. */
  p?: number;
  /** Training epochs, each one full-batch step (default 1000). */
  epochs?: number;
  /** Fraction of the p² pairs used for training (default 0.8). */
  trainFraction?: number;
  /** Learning rate of AdamW and Adam (default 0.01; SGD uses 0.1 with momentum 0.9). */
  lr?: number;
  /** Model width (default 32). */
  dModel?: number;
  seed?: number;
  /** Which optimizers to compare (default all three). */
  runs?: ReadonlyArray<keyof typeof OPTIMIZERS>;
  /** Where lines go (default console.log; `false` for silence). */
  log?: ((line: string) => void) | false;
}

/** One optimizer's result. */
export interface RunResult { name: string; trainAccuracy: number; testAccuracy: number; finalLoss: number; weightNorm: number }

const OPTIMIZERS = {
  adamw: (lr: number): PluginSpec => ({ name: 'adamw', options: { lr, weightDecay: 1 } }),
  adam: (lr: number): PluginSpec => ({ name: 'adam', options: { lr } }),
  sgd: (): PluginSpec => ({ name: 'sgd', options: { lr: 0.1, momentum: 0.9 } }),
};

/** Token embedding plus learned positions, one pre-norm encoder layer, a linear read-out of the last position. */
class TinyTransformer extends Module {
  readonly tokens: Embedding;
  readonly positions: Embedding;
  readonly encoder: TransformerEncoderLayer;
  readonly norm: LayerNorm;
  readonly head: Linear;
  constructor(p: number, dModel: number, rng: Rng) {
    super();
    this.tokens = this.registerModule('tokens', new Embedding(p + 1, dModel, { rng }));
    this.positions = this.registerModule('positions', new Embedding(3, dModel, { rng }));
    this.encoder = this.registerModule('encoder', new TransformerEncoderLayer(dModel, 4, {
      rng, dimFeedforward: 4 * dModel, dropout: 0, batchFirst: true, normFirst: true,
    }));
    this.norm = this.registerModule('norm', new LayerNorm(dModel));
    this.head = this.registerModule('head', new Linear(dModel, p, { rng }));
  }
  forward(x: Tensor): Tensor {
    const h = add(this.tokens.call(x), embedding(this.positions.weight, [0, 1, 2]));
    const out = this.encoder.call(h);
    const last = reshape(slice(out, [0, 2, 0], [-1, 1, -1]), [x.shape[0]!, -1]);
    return this.head.call(this.norm.call(last));
  }
}

/** The p² problems "a b =" (the "=" token is p) with answers, split in half by a seeded shuffle. */
function dataset(p: number, trainFraction: number, rng: Rng): { train: { x: Tensor; y: number[] }; test: { x: Tensor; y: number[] } } {
  const pairs: Array<[number, number]> = [];
  for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) pairs.push([a, b]);
  for (let i = pairs.length - 1; i > 0; i--) {
    const j = Math.floor(rng.uniform() * (i + 1));
    [pairs[i], pairs[j]] = [pairs[j]!, pairs[i]!];
  }
  const half = Math.round(pairs.length * trainFraction);
  const part = (list: Array<[number, number]>) => ({
    x: tensor(list.map(([a, b]) => [a, b, p])),
    y: list.map(([a, b]) => (a + b) % p),
  });
  return { train: part(pairs.slice(0, half)), test: part(pairs.slice(half)) };
}

function accuracy(model: TinyTransformer, data: { x: Tensor; y: number[] }): number {
  const logits = noGrad(() => model.eval().call(data.x)).toArray() as number[][];
  model.train();
  return logits.filter((row, i) => row.indexOf(Math.max(...row)) === data.y[i]).length / data.y.length;
}

/** Train one model per optimizer from the same initial weights and data; returns their accuracies. */
export function main(options: TinyTransformerOptions = {}): RunResult[] {
  const { p = 23, epochs = 1000, dModel = 32, seed = 0, trainFraction = 0.8, lr = 0.01, runs = ['adamw', 'adam', 'sgd'] } = options;
  const print = options.log === false ? () => {} : options.log ?? ((line: string) => console.log(line));
  const data = dataset(p, trainFraction, new Rng(seed));
  print(`a + b mod ${p}: ${data.train.y.length} training pairs, ${data.test.y.length} held out; ${epochs} full-batch steps`);
  const results: RunResult[] = [];
  for (const name of runs) {
    const model = new TinyTransformer(p, dModel, new Rng(seed + 1));
    const trainer = new Trainer({
      model, loss: 'crossEntropy', optimizer: OPTIMIZERS[name](lr),
      batchSize: data.train.y.length, epochs, seed, progressBar: false,
    });
    const history = trainer.fit(data.train);
    const weightNorm = Math.sqrt(model.parameters().reduce((s, t) => s + Array.from(t.data()).reduce((q, v) => q + v * v, 0), 0));
    const result = {
      name, trainAccuracy: accuracy(model, data.train), testAccuracy: accuracy(model, data.test),
      finalLoss: history.epochs.at(-1)!.loss, weightNorm,
    };
    results.push(result);
    print(`${name.padEnd(6)} train acc ${(result.trainAccuracy * 100).toFixed(1).padStart(5)}%  held-out acc ${(result.testAccuracy * 100).toFixed(1).padStart(5)}%  loss ${result.finalLoss.toFixed(4)}  |θ| ${weightNorm.toFixed(1)}`);
  }
  return results;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  const num = (name: string) => (arg(name) === undefined ? undefined : Number(arg(name)));
  main({ p: num('p'), epochs: num('epochs'), trainFraction: num('train'), lr: num('lr'), dModel: num('d') });
}
