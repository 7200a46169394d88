// Fine-tuning: pretrain an MLP to recognise the ten MNIST digits, then reuse it for a second task
// — is the digit odd or even? — learned from only a few hundred labelled samples: freeze every
// pretrained layer, put a new head on top, and train the head alone with a lower learning rate.
// Compared with the same network trained from scratch on those few samples.
//   node --import tsx --conditions=source examples/fine-tuning/main.ts
import { pathToFileURL } from 'node:url';
import { Rng, noGrad, type Tensor } from '@descent/tensor';
import { Linear, ReLU, Sequential } from '@descent/layers';
import { Trainer } from '@descent/optim';
import { evaluate, loadMnist, type LabelledData } from '@descent/cli';

/** Options of {@link main}. */
export interface FineTuningOptions {
  /** Samples for pretraining (digit classes; default 6000). */
  pretrainSize?: number;
  /** Labelled samples of the second task (odd/even), disjoint from the pretraining ones (default 200). */
  fewShot?: number;
  /** Test samples for both tasks (default 2000). */
  testSize?: number;
  pretrainEpochs?: number;
  fineTuneEpochs?: number;
  /** Learning rates: pretraining and from-scratch training 3e-3, fine-tuning lower (default 1e-3). */
  pretrainLr?: number;
  fineTuneLr?: number;
  seed?: number;
  log?: ((line: string) => void) | false;
}

/** What {@link main} returns. */
export interface FineTuningResult {
  /** Ten-digit test accuracy after pretraining. */
  pretrainAccuracy: number;
  /** Odd/even test accuracy: frozen pretrained layers + a new head trained on `fewShot` samples. */
  fineTunedAccuracy: number;
  /** Odd/even test accuracy: the same architecture trained from scratch on the same samples. */
  scratchAccuracy: number;
  /** Whether the frozen layers' weights are bit-identical before and after fine-tuning. */
  bodyUnchanged: boolean;
  trainableFineTune: number;
  trainableScratch: number;
}

/** Rows `from … to−1` of a data set with labels mapped by `label`. */
function rows(d: LabelledData, from: number, to: number, label: (digit: number) => number): LabelledData {
  const idx = Array.from({ length: to - from }, (_, i) => from + i);
  return { x: d.x.gatherRows(idx), y: idx.map((i) => label(d.y[i]!)) };
}

const body = (rng: Rng) => new Sequential(new Linear(784, 128, { rng }), new ReLU(), new Linear(128, 64, { rng }), new ReLU());

/** Pretrain on digits, fine-tune a new head for odd/even on a few samples, compare with scratch. */
export function main(options: FineTuningOptions = {}): FineTuningResult {
  const {
    pretrainSize = 6000, fewShot = 200, testSize = 2000, pretrainEpochs = 3, fineTuneEpochs = 30,
    pretrainLr = 3e-3, fineTuneLr = 1e-3, seed = 0,
  } = options;
  const print = options.log === false ? () => {} : options.log ?? ((line: string) => console.log(line));
  const data = loadMnist({ trainSize: pretrainSize + fewShot, testSize, seed });
  const digit = (y: number) => y, parity = (y: number) => y % 2;
  const digits = { train: rows(data.train, 0, pretrainSize, digit), test: rows(data.test, 0, testSize, digit) };
  const oddEven = { train: rows(data.train, pretrainSize, pretrainSize + fewShot, parity), test: rows(data.test, 0, testSize, parity) };
  const rng = new Rng(seed);
  const fit = (model: Sequential, train: LabelledData, lr: number, epochs: number) => new Trainer({
    model, loss: 'crossEntropy', optimizer: { name: 'adam', options: { lr } }, batchSize: 32, epochs, seed, progressBar: false,
  }).fit(train);
  const trainable = (m: Sequential) => m.trainableParameters().reduce((n, p) => n + p.size, 0);

  // 1. pretrain: body + a 10-way head on the digits
  const pretrainedBody = body(rng.split());
  const pretrained = new Sequential(pretrainedBody, new Linear(64, 10, { rng }));
  fit(pretrained, digits.train, pretrainLr, pretrainEpochs);
  const pretrainAccuracy = evaluate(pretrained, digits.test).accuracy;
  print(`pretrained on ${pretrainSize} digits (10 classes, lr ${pretrainLr}): test accuracy ${(pretrainAccuracy * 100).toFixed(1)}%`);

  // 2. fine-tune: freeze the pretrained body, a new 2-way head, train only the head at a lower lr
  pretrainedBody.freeze();
  const fineTuned = new Sequential(pretrainedBody, new Linear(64, 2, { rng }));
  const before = snapshot(pretrainedBody.parameters());
  fit(fineTuned, oddEven.train, fineTuneLr, fineTuneEpochs);
  const bodyUnchanged = same(before, snapshot(pretrainedBody.parameters()));
  const fineTunedAccuracy = evaluate(fineTuned, oddEven.test).accuracy;
  print(`odd/even, fine-tuned head on ${fewShot} samples (${trainable(fineTuned)} trainable parameters, lr ${fineTuneLr}): test accuracy ${(fineTunedAccuracy * 100).toFixed(1)}%`);

  // 3. the same architecture from scratch on the same few samples
  const scratch = new Sequential(body(rng.split()), new Linear(64, 2, { rng }));
  fit(scratch, oddEven.train, pretrainLr, fineTuneEpochs);
  const scratchAccuracy = evaluate(scratch, oddEven.test).accuracy;
  print(`odd/even, from scratch on the same ${fewShot} samples (${trainable(scratch)} trainable parameters, lr ${pretrainLr}): test accuracy ${(scratchAccuracy * 100).toFixed(1)}%`);
  print(`frozen layers unchanged by fine-tuning: ${bodyUnchanged}`);
  return { pretrainAccuracy, fineTunedAccuracy, scratchAccuracy, bodyUnchanged, trainableFineTune: trainable(fineTuned), trainableScratch: trainable(scratch) };
}

function snapshot(params: readonly Tensor[]): Float64Array[] {
  return noGrad(() => params.map((p) => Float64Array.from(p.buffer())));
}
function same(a: readonly Float64Array[], b: readonly Float64Array[]): boolean {
  return a.length === b.length && a.every((x, i) => x.length === b[i]!.length && x.every((v, j) => Object.is(v, b[i]![j])));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
