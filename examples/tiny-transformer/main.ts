// Modular addition with a one-layer Transformer: read "a b =" and predict (a + b) mod p.
//   node --import tsx --conditions=source examples/tiny-transformer/main.ts
// The answer depends on both operands at once, so the last position must attend to the first two:
// a task that needs attention. 80% of the p² pairs are for training and the rest are held out; the
// same model and seed are trained with AdamW (decoupled weight decay), Adam (none) and SGD, and the
// held-out accuracy shows what the optimizer and the weight decay do. The model (TinyTransformer)
// and the problems (modularAddition) come from @descent/cli, whose transformer-modadd workload trains them too.
import { pathToFileURL } from 'node:url';
import { Rng } from '@descent/tensor';
import { Trainer, type PluginSpec } from '@descent/optim';
import { TinyTransformer, evaluate, modularAddition, takeRows } from '@descent/cli';

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

/** Train one model per optimizer from the same initial weights and data; returns their accuracies. */
export function main(options: TinyTransformerOptions = {}): RunResult[] {
  const { p = 23, epochs = 1000, dModel = 32, seed = 0, trainFraction = 0.8, lr = 0.01, runs = ['adamw', 'adam', 'sgd'] } = options;
  const print = options.log === false ? () => {} : options.log ?? ((line: string) => console.log(line));
  const all = modularAddition(p, new Rng(seed));
  const half = Math.round(all.y.length * trainFraction);
  const data = { train: takeRows(all, 0, half), test: takeRows(all, half, all.y.length - half) };
  print(`a + b mod ${p}: ${data.train.y.length} training pairs, ${data.test.y.length} held out; ${epochs} full-batch steps`);
  const results: RunResult[] = [];
  for (const name of runs) {
    const model = new TinyTransformer({ vocabSize: p + 1, seqLength: 3, classes: p, dModel, rng: new Rng(seed + 1) });
    const trainer = new Trainer({
      model, loss: 'crossEntropy', optimizer: OPTIMIZERS[name](lr),
      batchSize: data.train.y.length, epochs, seed, progressBar: false,
    });
    const history = trainer.fit(data.train);
    const weightNorm = Math.sqrt(model.parameters().reduce((s, t) => s + Array.from(t.data()).reduce((q, v) => q + v * v, 0), 0));
    const result = {
      name, trainAccuracy: evaluate(model, data.train).accuracy, testAccuracy: evaluate(model, data.test).accuracy,
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
