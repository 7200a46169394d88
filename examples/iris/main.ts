// Iris classification with the Trainer: a 4-16-3 MLP, Adam, cosine schedule, early stopping.
//   node --import tsx --conditions=source examples/iris/main.ts
// The same run from the command line: npx descent train examples/iris/config.json
import { pathToFileURL } from 'node:url';
import { Rng, noGrad } from '@descent/tensor';
import { Linear, ReLU, Sequential } from '@descent/layers';
import { Trainer, type History } from '@descent/optim';
import { loadIris } from '@descent/cli';

/** Options of {@link main}. */
export interface IrisOptions {
  epochs?: number;
  lr?: number;
  seed?: number;
  /** Where lines go (default console.log; `false` for silence). */
  log?: ((line: string) => void) | false;
}

/** What {@link main} returns. */
export interface IrisResult {
  history: History;
  testAccuracy: number;
  /** confusion[true][predicted] on the test set */
  confusion: number[][];
  classes: readonly string[];
}

/** Train and evaluate; returns the history, the test accuracy and the confusion matrix. */
export function main(options: IrisOptions = {}): IrisResult {
  const { epochs = 60, lr = 0.01, seed = 0 } = options;
  const print = options.log === false ? () => {} : options.log ?? ((line: string) => console.log(line));
  const data = loadIris({ seed });
  const rng = new Rng(seed);
  const model = new Sequential(new Linear(4, 16, { rng }), new ReLU(), new Linear(16, 3, { rng }));
  const trainer = new Trainer({
    model,
    loss: 'crossEntropy',
    optimizer: { name: 'adam', options: { lr } },
    scheduler: { name: 'cosine' },                                   // tMax: the run's steps
    callbacks: [{ name: 'earlyStopping', options: { patience: 15 } }], // on the validation loss
    batchSize: 16, epochs, seed, progressBar: false,
  });
  const history = trainer.fit(data.train, { validation: data.test });
  for (const e of history.epochs) {
    if ((e.epoch + 1) % 10 === 0) print(`epoch ${String(e.epoch + 1).padStart(3)}  loss ${e.loss.toFixed(4)}  val loss ${e.valLoss!.toFixed(4)}  val acc ${(e.valAccuracy! * 100).toFixed(1)}%`);
  }
  print(`stopped after ${history.epochs.length} epochs: ${history.stopReason}`);

  // the confusion matrix of the test set, in eval mode and without a tape
  const logits = noGrad(() => model.eval().call(data.test.x));
  const v = logits.buffer();
  const confusion = data.classes.map(() => data.classes.map(() => 0));
  data.test.y.forEach((truth, i) => {
    const row = [v[i * 3]!, v[i * 3 + 1]!, v[i * 3 + 2]!];
    confusion[truth]![row.indexOf(Math.max(...row))]! += 1;
  });
  const testAccuracy = confusion.reduce((s, row, i) => s + row[i]!, 0) / data.test.y.length;
  print(`test accuracy ${(testAccuracy * 100).toFixed(1)}%`);
  print(`confusion (rows: true ${data.classes.join(', ')}; columns: predicted)`);
  for (const [i, row] of confusion.entries()) print(`  ${data.classes[i]!.padEnd(10)} ${row.map((n) => String(n).padStart(3)).join(' ')}`);
  return { history, testAccuracy, confusion, classes: data.classes };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
