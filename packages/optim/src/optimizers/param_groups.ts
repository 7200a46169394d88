/**
 * Weight-decay exclusion as a one-liner: split parameters into parameter groups so that 1-D
 * parameters (biases, normalisation gains and shifts) and scalars get `weightDecay: 0`, as
 * timm's `param_groups_weight_decay`, nanoGPT and most recipes do.
 *
 * @module
 */
import { ValueError, type Tensor } from '@descent/tensor';
import { formatValue } from '../options.js';
import type { ParamGroup } from './types.js';

const isTensorLike = (v: unknown): v is Tensor =>
  typeof v === 'object' && v !== null && Array.isArray((v as Tensor).shape) && typeof (v as Tensor).buffer === 'function';

/**
 * Parameter groups with weight decay switched off for the excluded parameters (by default those
 * with fewer than 2 dimensions). Groups given as input keep their options; each is split in two
 * (the excluded half gets `weightDecay: 0` on top), and empty halves are dropped.
 * @param params the parameters, or parameter groups `[{ params, options }]`.
 * @param exclude which parameters get no weight decay (default: `p.shape.length < 2`).
 * @throws ValueError for anything other than Tensors or groups.
 * @example
 * ```ts
 * const opt = createOptimizer('adamw', noDecayOn1d(model.parameters()), { lr: 1e-3, weightDecay: 0.05 });
 * new Trainer({ ...config, optimizer: opt });
 * ```
 */
export function noDecayOn1d(params: readonly Tensor[] | readonly ParamGroup[], exclude: (p: Tensor) => boolean = (p) => p.shape.length < 2): ParamGroup[] {
  if (!Array.isArray(params) || params.length === 0) throw new ValueError(`noDecayOn1d: params must be a non-empty list of Tensors or parameter groups, but got ${formatValue(params)}`);
  const groups: readonly ParamGroup[] = params.every(isTensorLike) ? [{ params: params as readonly Tensor[] }] : (params as readonly ParamGroup[]);
  const out: ParamGroup[] = [];
  groups.forEach((g, i) => {
    if (typeof g !== 'object' || g === null || !Array.isArray(g.params) || !g.params.every(isTensorLike)) {
      throw new ValueError(`noDecayOn1d: entry ${i} must be a Tensor or a group { params, options }, but got ${formatValue(g)}`);
    }
    const decayed = g.params.filter((p) => !exclude(p)), excluded = g.params.filter((p) => exclude(p));
    if (decayed.length) out.push(g.options ? { params: decayed, options: g.options } : { params: decayed });
    if (excluded.length) out.push({ params: excluded, options: { ...(g.options ?? {}), weightDecay: 0 } });
  });
  return out;
}
