// Training-step helpers shared by the MLP, CNN and Transformer benchmarks: a framework's training
// loop as a StepRunner, a tfjs one built on an optimizer's minimize, and the timing of the steps.
import type { Optimizer, Scalar, Tensor, Variable } from '@tensorflow/tfjs';
import { gc, median } from './timing.js';

/** A framework's training loop: `step(i)` trains on batch i mod (number of batches) and returns the loss. */
export interface StepRunner {
  step(i: number): number;
  /** Release what the runner holds (tfjs tensors). */
  dispose(): void;
}

/** A tfjs {@link StepRunner}: step i minimises `lossOf(i)` over `vars` with `opt` and reads the loss
 * back (so the step has finished); dispose releases the optimizer, the variables and `owned`. */
export function tfStepRunner(opt: Optimizer, vars: Variable[], owned: Tensor[], lossOf: (i: number) => Scalar): StepRunner {
  return {
    step(i) {
      const loss = opt.minimize(() => lossOf(i), true, vars)!;
      const value = loss.dataSync()[0]!;
      loss.dispose();
      return value;
    },
    dispose() {
      opt.dispose();
      for (const t of [...vars, ...owned]) t.dispose();
    },
  };
}

/** Run `steps` steps of `runner`: the median wall time (ms) of the steps from `from` on (the earlier
 * ones warm up) and every step's loss; the runner is disposed and the garbage collected after. */
export function timeSteps(runner: StepRunner, steps: number, from: number): { ms: number; losses: number[] } {
  const times: number[] = [];
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    losses.push(runner.step(i));
    times.push(performance.now() - t0);
  }
  runner.dispose();
  gc();
  return { ms: median(times.slice(from)), losses };
}
