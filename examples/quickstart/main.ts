// The README's first example: build relu(x·W + b), take a loss, print its gradients.
import { matmul, randn, relu, Rng, tensor } from '@descent/tensor';

export function main(): { loss: number; gradW: number[][]; gradB: number[] } {
  const rng = new Rng(0);
  const x = tensor([[1, -1, 0.5], [2, 0.5, -1]], { dtype: 'float64' });
  const W = randn([3, 2], rng, { dtype: 'float64' }).requireGrad();
  const b = tensor([0.1, -0.2], { dtype: 'float64' }).requireGrad();

  const hidden = relu(matmul(x, W).add(b));
  const loss = hidden.square().mean();
  loss.backward();

  return { loss: loss.item(), gradW: W.grad!.toArray() as number[][], gradB: b.grad!.toArray() as number[] };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { loss, gradW, gradB } = main();
  console.log('loss      ', loss);
  console.log('dloss/dW  ', gradW);
  console.log('dloss/db  ', gradB);
}
