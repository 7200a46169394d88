// A small CNN on the MNIST digits of the `mnist` package: random shifts of the training images,
// two conv blocks (Conv2d → BatchNorm2d → ReLU → MaxPool2d) and a linear classifier, SGD with
// Nesterov momentum and a one-cycle schedule, trained by the Trainer.
//   node --import tsx --conditions=source examples/mnist-cnn/main.ts [epochs] [--validation=N]
// --validation=N holds out the last N training digits and reports on them instead of the test
// digits (for choosing hyper-parameters without looking at the test set).
import { pathToFileURL } from 'node:url';
import { Rng, ValueError, type Tensor } from '@descent/tensor';
import { BatchNorm2d, Conv2d, crossEntropyLoss, Dropout, Flatten, Linear, MaxPool2d, ReLU, Sequential, type TensorModule } from '@descent/layers';
import { Trainer, updateBatchNorm, type History } from '@descent/optim';
import { evaluate, loadMnist } from '@descent/cli';
import { RandomShift } from './random_shift.js';
import { RandomElastic, type ElasticOptions } from './random_elastic.js';
import { Ensemble } from './ensemble.js';

/** Options of {@link main}. */
export interface MnistCnnOptions {
  /** Passes over the training digits (default 15). */
  epochs?: number;
  /** Training and test samples (default 8000 and 2000, of the package's 10,000). */
  trainSize?: number;
  testSize?: number;
  /** Channels of the conv blocks, one entry a block (default 32 and 64). */
  channels?: number[];
  /** BatchNorm2d after each conv (default true). */
  batchNorm?: boolean;
  /** Largest random shift of a training image, in pixels (default 2; 0 = no augmentation). */
  maxShift?: number;
  /** Elastic distortions of the training images on top of the shift (default off). */
  elastic?: Omit<ElasticOptions, 'maxShift'>;
  /** Width of a hidden fully connected layer before the classifier (default 0: none). */
  hidden?: number;
  /** Hold out this many of the training digits and report on them instead of the test digits
   * (default 0: train on all trainSize digits, report on the test digits). */
  validationSize?: number;
  /** Peak learning rate of the one-cycle schedule (default 0.1). */
  maxLr?: number;
  /** Samples per step (default 64). */
  batchSize?: number;
  /** L2 weight decay of the optimizer (default 5e-4). */
  weightDecay?: number;
  /** Train this many networks (seeds seed, seed + 1, …) on the same digits and evaluate the mean of
   * their predicted probabilities (default 1). */
  ensemble?: number;
  /** Label smoothing of the cross-entropy loss (default 0, as `torch.nn.CrossEntropyLoss`). */
  labelSmoothing?: number;
  /** Evaluate an exponential moving average of the weights (the `averaged` optimizer around NAG,
   * decay per step, from step `start`), with BatchNorm statistics recomputed for it (default off). */
  ema?: { decay: number; start: number };
  seed?: number;
  /** Show the trainer's progress bar (default: when stderr is a terminal). */
  progressBar?: boolean;
  log?: ((line: string) => void) | false;
}

/** What {@link main} returns. */
export interface MnistCnnResult {
  /** The (first) network's training history. */
  history: History;
  train: { loss: number; accuracy: number };
  /** On the test digits, or on the held-out training digits with `validationSize`. */
  test: { loss: number; accuracy: number };
  parameters: number;
  /** Wall and CPU (user + system) seconds of the training. */
  seconds: number;
  cpuSeconds: number;
}

/** What a network of {@link cnn} has in it. */
export interface CnnArchitecture {
  channels?: number[];
  batchNorm?: boolean;
  maxShift?: number;
  elastic?: Omit<ElasticOptions, 'maxShift'>;
  hidden?: number;
}

/** The network: [random shift] → 1×28×28 → c1×14×14 → c2×7×7 [→ c3×3×3 …] → 10, each conv block
 * Conv2d 3×3 → [BatchNorm2d] → ReLU → MaxPool2d 2 (one to four blocks).
 * @throws ValueError for channels that are not one to four positive integers. */
export function cnn(rng: Rng, { channels = [32, 64], batchNorm = true, maxShift = 2, elastic, hidden = 0 }: CnnArchitecture = {}): Sequential {
  if (!Array.isArray(channels) || channels.length < 1 || channels.length > 4 || !channels.every((c) => Number.isInteger(c) && c > 0)) {
    throw new ValueError(`cnn: channels must be one to four positive integers (one a conv block), but got ${JSON.stringify(channels)}`);
  }
  const block = (cin: number, cout: number): TensorModule[] => [
    new Conv2d(cin, cout, 3, { rng, padding: 1, bias: !batchNorm }), ...(batchNorm ? [new BatchNorm2d(cout)] : []), new ReLU(), new MaxPool2d(2),
  ];
  const side = channels.reduce((s) => Math.floor(s / 2), 28);
  const features = channels.at(-1)! * side * side;
  const augmentation = elastic !== undefined ? [new RandomElastic({ ...elastic, maxShift }, rng.split())]
    : maxShift > 0 ? [new RandomShift(maxShift, rng.split())] : [];
  const classifier = hidden > 0
    ? [new Linear(features, hidden, { rng }), new ReLU(), new Dropout(0.25, { rng: rng.split() }), new Linear(hidden, 10, { rng })]
    : [new Linear(features, 10, { rng })];
  return new Sequential(
    ...augmentation,
    ...channels.flatMap((c, i) => block(i === 0 ? 1 : channels[i - 1]!, c)),
    new Flatten(), new Dropout(0.25, { rng: rng.split() }), ...classifier,
  );
}

/** Load the digits as 1×28×28 images, build the CNN, train it, and evaluate on both sets. */
export function main(options: MnistCnnOptions = {}): MnistCnnResult {
  const { epochs = 15, trainSize = 8000, testSize = 2000, channels = [32, 64], batchNorm = true, maxShift = 2, validationSize = 0, maxLr = 0.1, batchSize = 64, labelSmoothing = 0, seed = 0 } = options;
  const members = options.ensemble ?? 1;
  if (!Number.isInteger(members) || members < 1) throw new ValueError(`mnist-cnn: ensemble must be an integer ≥ 1, but got ${members}`);
  const print = options.log === false ? () => {} : options.log ?? ((line: string) => console.log(line));
  // with validationSize the held-out digits are the last of the training digits: the test digits stay unseen
  const data = validationSize > 0 ? loadMnist({ trainSize: trainSize - validationSize, testSize: validationSize, seed }) : loadMnist({ trainSize, testSize, seed });
  const heldOut = validationSize > 0 ? 'validation' : 'test';
  const images = (d: typeof data.train) => ({ x: d.x.reshape([d.y.length, 1, 28, 28]), y: d.y });
  const train = images(data.train), test = images(data.test);
  const architecture = { channels, batchNorm, maxShift, ...(options.elastic ? { elastic: options.elastic } : {}), ...(options.hidden ? { hidden: options.hidden } : {}) };
  print(validationSize > 0 ? `${data.description.replace(/ for testing\.$/, ' held out for validation')} (the test digits are not loaded)` : data.description);
  const description = [`shift ±${maxShift}${options.elastic ? ' + elastic' : ''}`, ...channels.map((c) => `conv ${c}${batchNorm ? '+BN' : ''}`),
    ...(options.hidden ? [`linear ${options.hidden}`] : []), 'linear 10'].join(' → ');
  const nag = { name: 'nag', options: { lr: maxLr, momentum: 0.9, weightDecay: options.weightDecay ?? 5e-4 } };
  const t0 = performance.now(), cpu0 = process.cpuUsage();
  const models: Sequential[] = [];
  let history: History | null = null;
  for (let k = 0; k < members; k++) {
    // member k: its own initial weights, shifts, dropout and shuffling (seed + k); the same digits
    const model = cnn(new Rng(seed + k), architecture);
    print(`model${members > 1 ? ` ${k + 1}/${members}` : ''}: ${description}, ${model.numParameters()} parameters`);
    const trainer = new Trainer({
      model,
      loss: labelSmoothing > 0 ? (p: Tensor, t: ArrayLike<number> | Tensor) => crossEntropyLoss(p, t, { labelSmoothing }) : 'crossEntropy',
      optimizer: options.ema === undefined ? nag
        : { name: 'averaged', options: { inner: nag, averaging: 'ema', decay: options.ema.decay, start: options.ema.start } },
      scheduler: { name: 'onecycle', options: { maxLr } },   // totalSteps: the run's steps
      batchSize, epochs, seed: seed + k,
      ...(options.progressBar !== undefined ? { progressBar: options.progressBar } : {}),
    });
    const fitted = trainer.fit(train, { validation: test });
    history ??= fitted;
    for (const e of fitted.epochs) {
      print(`epoch ${e.epoch + 1}/${epochs}  train loss ${e.loss.toFixed(4)}  ${heldOut} loss ${e.valLoss!.toFixed(4)}  ${heldOut} acc ${(e.valAccuracy! * 100).toFixed(2)}%`);
    }
    if (options.ema !== undefined) {
      // the averaged weights, with running statistics of their own (torch.optim.swa_utils.update_bn)
      trainer.optimizer.evalMode();
      updateBatchNorm(model, train.x, { batchSize: 64 });
    }
    models.push(model);
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const model: TensorModule = members === 1 ? models[0]! : new Ensemble(models);
  model.eval();
  const trainEval = evaluate(model, train);
  const testEval = evaluate(model, test);
  const what = members === 1 ? '' : ` of the ${members} networks' mean prediction`;
  print(`final${what}: train acc ${(trainEval.accuracy * 100).toFixed(2)}%, ${heldOut} acc ${(testEval.accuracy * 100).toFixed(2)}% (training took ${seconds.toFixed(0)} s wall, ${cpuSeconds.toFixed(0)} s CPU)`);
  return { history: history!, train: trainEval, test: testEval, parameters: model.numParameters(), seconds, cpuSeconds };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const epochs = args.find((a) => /^\d+$/.test(a));
  const validation = args.find((a) => a.startsWith('--validation='))?.slice(13);
  main({ ...(epochs ? { epochs: Number(epochs) } : {}), ...(validation ? { validationSize: Number(validation) } : {}) });
}
