/**
 * A custom optimizer end to end: write signSGD as a plugin (`signsgd.ts`), check it with the
 * conformance kit, register it, and train with it — next to the built-in SGD — on an
 * ill-conditioned quadratic `L(w) = Σ dᵢ (wᵢ − cᵢ)²`, differentiated by `@descent/tensor`.
 * The learning rate decays linearly to 0 and is passed at every `step(lr)`.
 *
 * Run: `node --import tsx --conditions=source examples/custom-optimizer/main.ts`
 * @module
 */
import { pathToFileURL } from 'node:url';
import { createOptimizer, registerOptimizer, optimizers } from '@descent/optim';
import { checkOptimizer } from '@descent/optim/testing';
import { mul, square, sub, sum, tensor, zeros } from '@descent/tensor';
import { signSgd } from './signsgd.js';

/** Options of {@link main}.
 * @example
 * ```ts
 * const o: CustomOptimizerOptions = { steps: 50, log: false };
 * ```
 */
export interface CustomOptimizerOptions {
  /** Optimizer steps per run. Default 200. */
  steps?: number;
  /** Where progress lines go (default console.log); false for silence. */
  log?: ((line: string) => void) | false;
}

/** Final loss of each optimizer.
 * @example
 * ```ts
 * main({ log: false }).signsgd < main({ log: false }).sgd; // true
 * ```
 */
export interface CustomOptimizerResult { initialLoss: number; signsgd: number; sgd: number }

/** Check, register and train with the signSGD plugin.
 * @example
 * ```ts
 * import { main } from './examples/custom-optimizer/main.js';
 * main({ steps: 100, log: false });
 * ```
 */
export function main(options: CustomOptimizerOptions = {}): CustomOptimizerResult {
  const { steps = 200, log = console.log } = options;
  const print = log === false ? () => {} : log;

  checkOptimizer(signSgd, { lr: 0.01, momentum: 0.9 }); // throws on the first broken rule
  print('checkOptimizer(signsgd): ok');
  if (!optimizers.has('signsgd')) registerOptimizer(signSgd);

  const curvature = tensor([100, 10, 1, 0.1], { dtype: 'float64' });
  const target = tensor([1, -2, 3, 0.5], { dtype: 'float64' });
  const loss = (w: ReturnType<typeof zeros>) => sum(mul(curvature, square(sub(w, target))));

  const run = (name: string, lr0: number, extra: Record<string, unknown>): number => {
    const w = zeros([4], { dtype: 'float64' }).requireGrad();
    const opt = createOptimizer(name, [w], { lr: lr0, ...extra });
    let l = NaN;
    for (let t = 0; t < steps; t++) {
      const out = loss(w);
      l = out.item();
      if (t % Math.max(1, Math.floor(steps / 4)) === 0) print(`${name.padEnd(8)} step ${String(t).padStart(4)}  loss ${l.toExponential(3)}`);
      out.backward();
      opt.step(lr0 * (1 - t / steps)); // linear decay, passed at every step
      opt.zeroGrad();
    }
    l = loss(w).item();
    print(`${name.padEnd(8)} final      loss ${l.toExponential(3)}  w = [${Array.from(w.buffer(), (x) => x.toFixed(3)).join(', ')}]`);
    return l;
  };

  const initialLoss = loss(zeros([4], { dtype: 'float64' })).item();
  // SGD must keep lr < 1/max(d) = 0.01 to stay stable; signSGD's step size does not depend on d.
  const signsgd = run('signsgd', 0.1, { momentum: 0.9 });
  const sgd = run('sgd', 0.009, {});
  return { initialLoss, signsgd, sgd };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main();
