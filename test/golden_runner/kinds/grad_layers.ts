// Traced functions of kind "grad" that use the layers package: `layernorm_mse` and `batchnorm_mse`
// (FORMAT.md). The trace's gamma and beta become the modules' weight and bias (setParameter keeps
// the very tensors, so their .grad is what the runner compares).
import { BatchNorm1d, LayerNorm, mseLoss } from '@descent/layers';
import { registerGradFunction } from './grad.js';

registerGradFunction('layernorm_mse', ({ x, gamma, beta, y }) => {
  const ln = new LayerNorm(gamma!.shape, { eps: 1e-5, dtype: x!.dtype });
  ln.weight = gamma!;
  ln.bias = beta!;
  return mseLoss(ln.call(x!), y!);
});

registerGradFunction('batchnorm_mse', ({ x, gamma, beta, y }) => {
  const bn = new BatchNorm1d(gamma!.shape[0]!, { eps: 1e-5, dtype: x!.dtype });
  bn.train();
  bn.weight = gamma!;
  bn.bias = beta!;
  return mseLoss(bn.call(x!), y!);
});
