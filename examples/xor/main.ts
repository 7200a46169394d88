/**
 * XOR with a tiny MLP (2 → hidden → 1) from `@descent/layers`, trained by plain full-batch
 * gradient descent written inline: forward, loss, backward, `p ← p − lr·∇p` under `noGrad`, zero grads.
 *
 * Run: `node --import tsx --conditions=source examples/xor/main.ts`
 * @module
 */
import { pathToFileURL } from 'node:url';
import { Rng, noGrad, sigmoid, tensor } from '@descent/tensor';
import { Linear, Sequential, Tanh, bceWithLogits } from '@descent/layers';

/** Options of {@link main}.
 * @example
 * ```ts
 * const o: XorOptions = { epochs: 300, lr: 1, log: false };
 * ```
 */
export interface XorOptions {
  /** Full-batch gradient steps. Default 1000. */
  epochs?: number;
  /** Learning rate. Default 1. */
  lr?: number;
  /** Hidden units. Default 8. */
  hidden?: number;
  /** Seed of the weight initialisation. Default 0. */
  seed?: number;
  /** Where progress lines go (default console.log); false for silence. */
  log?: ((line: string) => void) | false;
  /** Print the loss every this many epochs. Default epochs/10. */
  logEvery?: number;
}

/** What {@link main} returns.
 * @example
 * ```ts
 * const { loss, accuracy, predictions }: XorResult = main({ log: false });
 * ```
 */
export interface XorResult {
  /** Final mean binary cross-entropy. */
  loss: number;
  /** Fraction of the 4 points classified correctly (threshold 0.5). */
  accuracy: number;
  /** σ(logit) for the inputs [0,0], [0,1], [1,0], [1,1]. */
  predictions: number[];
  /** Loss before the first step. */
  initialLoss: number;
}

/** Train the MLP on the four XOR points and report the result.
 * @example
 * ```ts
 * import { main } from './examples/xor/main.js';
 * main({ epochs: 500, log: false }).accuracy; // 1
 * ```
 */
export function main(options: XorOptions = {}): XorResult {
  const { epochs = 1000, lr = 1, hidden = 8, seed = 0, log = console.log } = options;
  const logEvery = options.logEvery ?? Math.max(1, Math.floor(epochs / 10));
  const print = log === false ? () => {} : log;

  const rng = new Rng(seed);
  const model = new Sequential(new Linear(2, hidden, { rng }), new Tanh(), new Linear(hidden, 1, { rng }));
  const x = tensor([[0, 0], [0, 1], [1, 0], [1, 1]]);
  const y = tensor([[0], [1], [1], [0]]);

  let initialLoss = NaN;
  let loss = NaN;
  for (let epoch = 0; epoch < epochs; epoch++) {
    const l = bceWithLogits(model.call(x), y);
    loss = l.item();
    if (epoch === 0) initialLoss = loss;
    if (epoch % logEvery === 0) print(`epoch ${String(epoch).padStart(5)}  loss ${loss.toFixed(6)}`);
    l.backward();
    noGrad(() => {
      for (const p of model.parameters()) p.assign(p.sub(p.grad!.mul(lr)));
    });
    model.zeroGrad();
  }

  const probs = noGrad(() => sigmoid(model.eval().call(x)));
  loss = noGrad(() => bceWithLogits(model.call(x), y)).item();
  const predictions = Array.from(probs.data());
  const targets = [0, 1, 1, 0];
  const accuracy = predictions.filter((p, i) => (p > 0.5 ? 1 : 0) === targets[i]).length / targets.length;
  print(`final loss ${loss.toFixed(6)}  accuracy ${accuracy}`);
  const inputs = x.toArray() as number[][];
  for (const [i, p] of predictions.entries()) print(`  ${JSON.stringify(inputs[i])} → ${p.toFixed(4)} (target ${targets[i]})`);
  return { loss, accuracy, predictions, initialLoss };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
