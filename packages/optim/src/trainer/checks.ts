/**
 * The trainer's checks of what plugins and user code hand it (data, batch plans, losses, gradient
 * transforms' results, class labels), the accuracy count of a classification batch, and the
 * wording of errors raised inside the loop.
 * @module
 */
import { CallbackError, DescentError, NonFiniteError, ShapeError, Tensor, ValueError, withArticle } from '@descent/tensor';
import { formatValue } from '../options.js';
import type { Dataset, Targets } from '../plugin_types.js';
import { targetCount } from './batch.js';
import { sampleCount } from '../model.js';
import { describeValue } from './plugins.js';

/** What a callback's hook threw, naming the callback and hook: an Error gets them prepended to its
 * message; a frozen Error or a non-Error (a string…) is wrapped in a CallbackError that keeps it as `cause`. */
export function callbackFailure(e: unknown, name: string, hook: string): unknown {
  if (e instanceof NonFiniteError || e instanceof CallbackError) return e;
  const prefix = `callback '${name}' (${hook})`;
  if (e instanceof Error) {
    const writable = Object.getOwnPropertyDescriptor(e, 'message')?.writable ?? Object.isExtensible(e);
    if (writable && !Object.isFrozen(e)) {
      if (!e.message.includes(`callback '${name}'`) && !e.message.startsWith(name)) e.message = `${prefix}: ${e.message}`;
      return e;
    }
    return new CallbackError(`${prefix} threw a frozen ${e.name || 'Error'}: ${e.message}`, name, hook, e);
  }
  return new CallbackError(`${prefix} threw ${e === null || e === undefined ? String(e) : typeof e === 'object' ? 'a non-Error object' : withArticle(typeof e)}: ${formatValue(e, 200)}`, name, hook, e);
}

/** Add where in the run an error of the forward pass or the loss happened (step, epoch, batch). */
export function withStepContext(e: unknown, step: number, epoch: number, batch: number): unknown {
  if (e instanceof DescentError && !Object.isFrozen(e) && !e.message.startsWith('Trainer.fit:')) {
    e.message = `${e.message} (Trainer.fit: at step ${step}, epoch ${epoch}, batch ${batch}; nothing was updated at that step)`;
  }
  return e;
}

/** Class-index targets (a label list or a 1-D tensor) must be integers in [0, classes). */
export function checkClassLabels(y: Targets, classes: number, what: string): void {
  if (y instanceof Tensor && y.rank !== 1) {
    throw new ShapeError(`Trainer.fit: the 'crossEntropy' loss needs the ${what} targets as class indices (a list or a 1-D tensor, one per sample), but got a tensor of shape [${y.shape.join(',')}]; for one-hot rows pass their argmax`);
  }
  const labels: ArrayLike<number> = y instanceof Tensor ? y.buffer() : y;
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i]!;
    if (!Number.isInteger(v) || v < 0 || v >= classes) {
      throw new ValueError(`Trainer.fit: the ${what} labels do not match the model's outputs: y[${i}] must be an integer class index in [0, ${classes - 1}] (the model gives ${classes} class scores per sample), but got ${formatValue(v)}`);
    }
  }
}

export function checkScalarLoss(loss: unknown): Tensor {
  if (!(loss instanceof Tensor)) throw new ValueError(`Trainer: the loss function must return a Tensor, but returned ${describeValue(loss)}`);
  if (loss.size !== 1) throw new ShapeError(`Trainer: the loss must be a scalar, but has shape [${loss.shape.join(',')}] (use reduction 'mean')`);
  return loss;
}

export function checkData(data: unknown, what: string): { x: Tensor; y: Targets; n: number } {
  const d = data as Partial<Dataset> | null;
  if (d === null || typeof d !== 'object' || !('x' in d) || !('y' in d)) throw new ValueError(`Trainer.fit: the ${what} must be { x, y }, but got ${describeValue(data)}`);
  const n = sampleCount(d.x, `Trainer.fit: ${what}`);
  if (n === 0) throw new ValueError(`Trainer.fit: the ${what} is empty (x has shape [${(d.x as Tensor).shape.join(',')}])`);
  const ny = targetCount(d.y, `Trainer.fit: ${what}`);
  if (ny !== n) throw new ShapeError(`Trainer.fit: the ${what} has ${n} inputs (x has shape [${(d.x as Tensor).shape.join(',')}]) but ${ny} targets; x and y need one entry per sample`);
  return { x: d.x as Tensor, y: d.y as Targets, n };
}

export function checkPlan(plan: unknown, sizes: readonly number[], n: number, order: string, epoch: number): void {
  if (!Array.isArray(plan) || plan.length !== sizes.length) {
    throw new ValueError(`order '${order}': batches() must return ${sizes.length} batches for epoch ${epoch}, but returned ${Array.isArray(plan) ? plan.length : describeValue(plan)}`);
  }
  plan.forEach((b: unknown, i) => {
    if (!(b instanceof Int32Array) || b.length !== sizes[i]) throw new ValueError(`order '${order}': batch ${i} of epoch ${epoch} must be an Int32Array of ${sizes[i]} indices`);
    for (const v of b) if (v < 0 || v >= n) throw new ValueError(`order '${order}': batch ${i} of epoch ${epoch} has index ${v} outside [0, ${n})`);
  });
}

export function checkGrads(out: unknown, params: readonly Tensor[], name: string): void {
  if (!Array.isArray(out) || out.length !== params.length) {
    throw new ValueError(`gradient transform '${name}': apply() must return one gradient per parameter (${params.length}), but returned ${Array.isArray(out) ? out.length : describeValue(out)}`);
  }
  out.forEach((g: unknown, i) => {
    const p = params[i]!;
    if (!(g instanceof Tensor) || g.dtype !== p.dtype || g.shape.length !== p.shape.length || g.shape.some((d, k) => d !== p.shape[k])) {
      throw new ValueError(`gradient transform '${name}': gradient ${i} must be a ${p.dtype} Tensor of shape [${p.shape.join(',')}]`);
    }
  });
}

/** Correct predictions of a classification batch: logits `[batch, classes ≥ 2]` against class
 * indices (array or 1-D tensor) or one-hot rows; null when the task is not classification. */
export function countCorrect(pred: Tensor, y: Targets): { correct: number; total: number } | null {
  if (pred.rank !== 2 || pred.shape[1]! < 2) return null;
  const [rows, cols] = pred.shape as [number, number];
  const p = pred.buffer();
  const argmax = (a: ArrayLike<number>, r: number) => {
    let best = 0;
    for (let c = 1; c < cols; c++) if (a[r * cols + c]! > a[r * cols + best]!) best = c;
    return best;
  };
  let labels: ArrayLike<number>;
  if (y instanceof Tensor) {
    if (y.rank === 1 && y.shape[0] === rows) labels = y.buffer();
    else if (y.rank === 2 && y.shape[0] === rows && y.shape[1] === cols) {
      // NOTE: only probability rows (≥ 0, summing to 1: one-hot or soft labels) make it classification.
      const t = y.buffer();
      for (let r = 0; r < rows; r++) {
        let sum = 0;
        for (let c = 0; c < cols; c++) { const v = t[r * cols + c]!; if (!(v >= 0)) return null; sum += v; }
        if (Math.abs(sum - 1) > 1e-6) return null;
      }
      labels = Array.from({ length: rows }, (_, r) => argmax(t, r));
    } else return null;
  } else labels = y;
  if (labels.length !== rows || !Array.from(labels).every((v) => Number.isInteger(v))) return null;
  let correct = 0;
  for (let r = 0; r < rows; r++) if (argmax(p, r) === labels[r]) correct++;
  return { correct, total: rows };
}
