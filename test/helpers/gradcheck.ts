import { noGrad, tensor, valueAndGrads, type Tensor } from '@descent/tensor';

/**
 * Compare autodiff gradients of a scalar function with central finite differences in float64.
 * Returns the largest relative error over all input elements.
 */
export function gradcheck(f: (...xs: Tensor[]) => Tensor, inputs: Tensor[], h = 1e-6): { maxError: number; where: string } {
  const { grads } = valueAndGrads(f)(...inputs);
  let maxError = 0;
  let where = '';
  inputs.forEach((x, k) => {
    const base = x.data();
    const analytic = grads[k]!.data();
    for (let i = 0; i < base.length; i++) {
      const probe = (delta: number) => {
        const shifted = base.slice();
        shifted[i] = shifted[i]! + delta;
        const args = inputs.map((y, j) => (j === k ? tensor(shifted, { shape: y.shape, dtype: 'float64' }) : y));
        return noGrad(() => f(...args).item());
      };
      const numeric = (probe(h) - probe(-h)) / (2 * h);
      const err = Math.abs(numeric - analytic[i]!) / Math.max(1, Math.abs(numeric));
      if (err > maxError) { maxError = err; where = `input ${k}, element ${i}: numeric ${numeric}, autodiff ${analytic[i]}`; }
    }
  });
  return { maxError, where };
}
