// An MLP on the MNIST digits of the `mnist` package: 784-128-10 with batch norm and dropout,
// SGD with Nesterov momentum and a one-cycle schedule, trained by the Trainer.
//   node --import tsx --conditions=source examples/mnist-mlp/main.ts [epochs]
import { pathToFileURL } from 'node:url';
import { Rng } from '@descent/tensor';
import { BatchNorm1d, Dropout, Linear, ReLU, Sequential } from '@descent/layers';
import { Trainer, type History } from '@descent/optim';
import { evaluate, loadMnist } from '@descent/cli';

/** Options of {@link main}. */
export interface MnistMlpOptions {
  epochs?: number;
  /** Training and test samples (default 8000 and 2000, of the package's 10,000). */
  trainSize?: number;
  testSize?: number;
  hidden?: number;
  /** Peak learning rate of the one-cycle schedule. */
  maxLr?: number;
  seed?: number;
  /** Show the trainer's progress bar (default: when stderr is a terminal). */
  progressBar?: boolean;
  log?: ((line: string) => void) | false;
}

/** What {@link main} returns. */
export interface MnistMlpResult {
  history: History;
  train: { loss: number; accuracy: number };
  test: { loss: number; accuracy: number };
  parameters: number;
}

/** Load the digits, build the MLP, train it, and evaluate on both sets. */
export function main(options: MnistMlpOptions = {}): MnistMlpResult {
  const { epochs = 5, trainSize = 8000, testSize = 2000, hidden = 128, maxLr = 0.1, seed = 0 } = options;
  const print = options.log === false ? () => {} : options.log ?? ((line: string) => console.log(line));
  const data = loadMnist({ trainSize, testSize, seed });
  const rng = new Rng(seed);
  const model = new Sequential(
    new Linear(784, hidden, { rng }),
    new BatchNorm1d(hidden),
    new ReLU(),
    new Dropout(0.2, { rng: rng.split() }),
    new Linear(hidden, 10, { rng }),
  );
  print(`${data.description}`);
  print(`model: 784-${hidden}-10, ${model.numParameters()} parameters`);
  const trainer = new Trainer({
    model,
    loss: 'crossEntropy',
    optimizer: { name: 'nag', options: { lr: maxLr, momentum: 0.9 } },
    scheduler: { name: 'onecycle', options: { maxLr } },   // totalSteps: the run's steps
    batchSize: 64, epochs, seed,
    ...(options.progressBar !== undefined ? { progressBar: options.progressBar } : {}),
  });
  const history = trainer.fit(data.train, { validation: data.test });
  for (const e of history.epochs) {
    print(`epoch ${e.epoch + 1}/${epochs}  train loss ${e.loss.toFixed(4)}  test loss ${e.valLoss!.toFixed(4)}  test acc ${(e.valAccuracy! * 100).toFixed(1)}%`);
  }
  const train = evaluate(model, data.train);
  const test = evaluate(model, data.test);
  print(`final: train acc ${(train.accuracy * 100).toFixed(1)}%, test acc ${(test.accuracy * 100).toFixed(1)}%`);
  return { history, train, test, parameters: model.numParameters() };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main({ ...(process.argv[2] ? { epochs: Number(process.argv[2]) } : {}) });
}
