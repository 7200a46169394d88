// A small CNN on the MNIST digits of the `mnist` package: two conv blocks
// (Conv2d → ReLU → MaxPool2d) and a linear classifier, SGD with Nesterov momentum
// and a one-cycle schedule, trained by the Trainer.
//   node --import tsx --conditions=source examples/mnist-cnn/main.ts [epochs]
import { pathToFileURL } from 'node:url';
import { Rng } from '@descent/tensor';
import { Conv2d, Dropout, Flatten, Linear, MaxPool2d, ReLU, Sequential } from '@descent/layers';
import { Trainer, type History } from '@descent/optim';
import { evaluate, loadMnist } from '@descent/cli';

/** Options of {@link main}. */
export interface MnistCnnOptions {
  epochs?: number;
  /** Training and test samples (default 8000 and 2000, of the package's 10,000). */
  trainSize?: number;
  testSize?: number;
  /** Channels of the two conv blocks (default 16 and 32). */
  channels?: [number, number];
  /** Peak learning rate of the one-cycle schedule. */
  maxLr?: number;
  seed?: number;
  /** Show the trainer's progress bar (default: when stderr is a terminal). */
  progressBar?: boolean;
  log?: ((line: string) => void) | false;
}

/** What {@link main} returns. */
export interface MnistCnnResult {
  history: History;
  train: { loss: number; accuracy: number };
  test: { loss: number; accuracy: number };
  parameters: number;
  seconds: number;
}

/** The network: 1×28×28 → c1×14×14 → c2×7×7 → 10. */
export function cnn(rng: Rng, [c1, c2]: [number, number] = [16, 32]): Sequential {
  return new Sequential(
    new Conv2d(1, c1, 3, { rng, padding: 1 }), new ReLU(), new MaxPool2d(2),
    new Conv2d(c1, c2, 3, { rng, padding: 1 }), new ReLU(), new MaxPool2d(2),
    new Flatten(), new Dropout(0.25, { rng: rng.split() }), new Linear(c2 * 7 * 7, 10, { rng }),
  );
}

/** Load the digits as 1×28×28 images, build the CNN, train it, and evaluate on both sets. */
export function main(options: MnistCnnOptions = {}): MnistCnnResult {
  const { epochs = 8, trainSize = 8000, testSize = 2000, channels = [16, 32], maxLr = 0.05, seed = 0 } = options;
  const print = options.log === false ? () => {} : options.log ?? ((line: string) => console.log(line));
  const data = loadMnist({ trainSize, testSize, seed });
  const images = (d: typeof data.train) => ({ x: d.x.reshape([d.y.length, 1, 28, 28]), y: d.y });
  const train = images(data.train), test = images(data.test);
  const model = cnn(new Rng(seed), channels);
  print(data.description);
  print(`model: conv ${channels[0]} → conv ${channels[1]} → linear 10, ${model.numParameters()} parameters`);
  const trainer = new Trainer({
    model,
    loss: 'crossEntropy',
    optimizer: { name: 'nag', options: { lr: maxLr, momentum: 0.9, weightDecay: 5e-4 } },
    scheduler: { name: 'onecycle', options: { maxLr } },   // totalSteps: the run's steps
    batchSize: 64, epochs, seed,
    ...(options.progressBar !== undefined ? { progressBar: options.progressBar } : {}),
  });
  const t0 = performance.now();
  const history = trainer.fit(train, { validation: test });
  const seconds = (performance.now() - t0) / 1000;
  for (const e of history.epochs) {
    print(`epoch ${e.epoch + 1}/${epochs}  train loss ${e.loss.toFixed(4)}  test loss ${e.valLoss!.toFixed(4)}  test acc ${(e.valAccuracy! * 100).toFixed(2)}%`);
  }
  const trainEval = evaluate(model, train);
  const testEval = evaluate(model, test);
  print(`final: train acc ${(trainEval.accuracy * 100).toFixed(2)}%, test acc ${(testEval.accuracy * 100).toFixed(2)}% (training took ${seconds.toFixed(0)} s)`);
  return { history, train: trainEval, test: testEval, parameters: model.numParameters(), seconds };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main({ ...(process.argv[2] ? { epochs: Number(process.argv[2]) } : {}) });
}
