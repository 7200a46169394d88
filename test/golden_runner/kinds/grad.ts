// kind "grad": a fixed computation of named inputs; compare the loss and the gradients listed in the trace.
import { crossEntropy, grads, log1p, matmul, max, mean, mse, relu, sigmoid, sum, tanh, tensor, type Tensor } from '@descent/tensor';
import { firstMismatch, flat } from '../compare.js';
import { registerTraceKind, type Trace } from '../runner.js';

/** A traced function: named float64 inputs (and optional labels) → scalar loss. */
export type GradFunction = (inputs: Record<string, Tensor>, labels: number[] | null) => Tensor;

const functions = new Map<string, GradFunction>();

/** Register a traced function by the name FORMAT.md gives it. */
export function registerGradFunction(name: string, fn: GradFunction): void {
  functions.set(name, fn);
}

/** `logits = relu(x·W1 + b1)·W2 + b2`, shared with the train kind. */
export function mlp2Logits(x: Tensor, p: Record<string, Tensor>): Tensor {
  return matmul(relu(matmul(x, p.W1!).add(p.b1!)), p.W2!).add(p.b2!);
}

registerGradFunction('mlp2_xent', (p, labels) => crossEntropy(mlp2Logits(p.x!, p), labels!));
registerGradFunction('tanh_sigmoid_mse', (p) => mse(sigmoid(tanh(matmul(p.x!, p.W!))), p.y!));
registerGradFunction('broadcast_ops', ({ a, b, c }) => {
  const z = log1p(a!.mul(b!).add(a!.div(c!)).exp()).sub(b!.mul(b!));
  return max(sum(z, 1)).add(mean(z));
});

registerTraceKind('grad', (trace: Trace) => {
  const fn = functions.get(trace.function as string);
  if (!fn) return `no implementation of function '${String(trace.function)}'`;
  const inputs: Record<string, Tensor> = {};
  for (const [name, value] of Object.entries(trace.inputs as Record<string, unknown>)) {
    inputs[name] = tensor(value as number[], { dtype: 'float64' }).requireGrad();
  }
  const loss = fn(inputs, (trace.labels as number[] | null) ?? null);
  loss.backward();
  const lossMismatch = firstMismatch('loss', [loss.item()], [trace.loss as number]);
  if (lossMismatch) return lossMismatch;
  for (const [name, expected] of Object.entries(trace.grads as Record<string, unknown>)) {
    const g = inputs[name]?.grad;
    if (!g) return `grad of '${name}': none computed`;
    const m = firstMismatch(`grad of ${name}`, g.data(), flat(expected));
    if (m) return m;
  }
  return null;
});
