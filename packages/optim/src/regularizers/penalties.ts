/**
 * The loss penalties `l1`, `l2` and `elasticNet`. Each is built from tensor ops (`abs`, `square`,
 * `sum`, `mul`), so autodiff differentiates it together with the loss.
 *
 * Conventions (chosen so `l2` matches PyTorch's `weight_decay` for SGD):
 * ```
 * l1:         λ · Σ|θ|                               gradient λ·sign(θ)
 * l2:         (λ/2) · Σθ²                            gradient λ·θ
 * elasticNet: λ · (ρ·Σ|θ| + (1 − ρ)/2 · Σθ²)         (scikit-learn / glmnet, ρ = l1Ratio)
 * ```
 * Note Keras' and tfjs' `L2(l2)` is `l2 · Σθ²` (gradient `2·l2·θ`): their `l2 = 0.01` is our `lambda = 0.02`.
 * See docs/regularization.md for L2 penalty versus decoupled weight decay.
 *
 * @module
 */
import { abs, add, mul, square, sum, type Tensor } from '@descent/tensor';
import { resolveOptions, rules } from '../options.js';
import type { NamedParameter } from '../plugin_types.js';
import { checkParamFilter, regularizers, selectParameters, type ParamFilter, type Regularizer } from './types.js';

/** Options of {@link l1} and {@link l2}.
 * @example
 * ```ts
 * const o: PenaltyOptions = { lambda: 1e-4, params: 'weights' };
 * ```
 */
export interface PenaltyOptions {
  /** Strength λ ≥ 0 (default 1e-4). */
  lambda: number;
  /** The parameters penalised (default `'weights'`: not biases or normalisation parameters). */
  params: ParamFilter;
}

/** Options of {@link elasticNet}.
 * @example
 * ```ts
 * const o: ElasticNetOptions = { lambda: 1e-4, l1Ratio: 0.5, params: 'weights' };
 * ```
 */
export interface ElasticNetOptions extends PenaltyOptions {
  /** ρ in [0, 1]: 1 is pure L1, 0 is pure L2 (default 0.5). */
  l1Ratio: number;
}

function resolve<O extends PenaltyOptions>(owner: string, defaults: Omit<O, 'params'>, options: Partial<O> | undefined, checks: Record<string, ReturnType<typeof rules.inRange>>): O {
  const { params, ...rest } = (options ?? {}) as Partial<O>;
  const filter = checkParamFilter(owner, params);
  const o = resolveOptions(owner, defaults as object, rest as object, checks as never) as Omit<O, 'params'>;
  return { ...o, params: filter } as O;
}

/** Σ over the selected parameters of `term(θ)`, or null when none is selected. */
function total(params: readonly NamedParameter[], filter: ParamFilter, term: (t: Tensor) => Tensor): Tensor | null {
  let acc: Tensor | null = null;
  for (const { tensor: t } of selectParameters(params, filter)) {
    const v = term(t);
    acc = acc === null ? v : add(acc, v);
  }
  return acc;
}

/**
 * L1 penalty `λ·Σ|θ|` (lasso): pushes weights to exactly zero (sparsity). Registered as `l1`.
 * @throws ConfigError / ValueError for a negative λ or a bad `params` filter.
 * @example
 * ```ts
 * new Trainer({ ...config, regularizers: [{ name: 'l1', options: { lambda: 1e-5 } }] });
 * l1({ lambda: 0.1, params: 'all' }).penalty([{ name: 'w', tensor: tensor([1, -2]) }])!.item(); // 0.3
 * ```
 */
export function l1(options: Partial<PenaltyOptions> = {}): Regularizer {
  const o = resolve<PenaltyOptions>('l1', { lambda: 1e-4 }, options, { lambda: rules.nonNegative });
  return { name: 'l1', penalty: (params) => total(params, o.params, (t) => mul(sum(abs(t)), o.lambda)) };
}

/**
 * L2 penalty `(λ/2)·Σθ²` (ridge, "weight decay as a penalty"): its gradient λθ is added to the
 * loss gradient, so adaptive optimizers (Adam) rescale it — unlike decoupled weight decay (`adamw`).
 * Registered as `l2`.
 * @throws ConfigError / ValueError for a negative λ or a bad `params` filter.
 * @example
 * ```ts
 * l2({ lambda: 0.1, params: 'all' }).penalty([{ name: 'w', tensor: tensor([1, -2]) }])!.item(); // 0.25
 * ```
 */
export function l2(options: Partial<PenaltyOptions> = {}): Regularizer {
  const o = resolve<PenaltyOptions>('l2', { lambda: 1e-4 }, options, { lambda: rules.nonNegative });
  return { name: 'l2', penalty: (params) => total(params, o.params, (t) => mul(sum(square(t)), o.lambda / 2)) };
}

/**
 * Elastic net `λ·(ρ·Σ|θ| + (1 − ρ)/2·Σθ²)` (Zou & Hastie 2005): L1's sparsity with L2's grouping.
 * Registered as `elasticNet`.
 * @throws ConfigError / ValueError for a negative λ, ρ outside [0, 1], or a bad `params` filter.
 * @example
 * ```ts
 * elasticNet({ lambda: 0.1, l1Ratio: 0.5, params: 'all' }).penalty([{ name: 'w', tensor: tensor([1, -2]) }])!.item();
 * // 0.1·(0.5·3 + 0.25·5) = 0.275
 * ```
 */
export function elasticNet(options: Partial<ElasticNetOptions> = {}): Regularizer {
  const o = resolve<ElasticNetOptions>('elasticNet', { lambda: 1e-4, l1Ratio: 0.5 }, options, { lambda: rules.nonNegative, l1Ratio: rules.inRange(0, 1, true) });
  const a = o.lambda * o.l1Ratio;
  const b = (o.lambda * (1 - o.l1Ratio)) / 2;
  return {
    name: 'elasticNet',
    penalty: (params) => total(params, o.params, (t) => add(mul(sum(abs(t)), a), mul(sum(square(t)), b))),
  };
}

regularizers.register<PenaltyOptions>({
  name: 'l1',
  description: 'L1 penalty λ·Σ|θ| on the selected parameters (default: weights)',
  defaults: { lambda: 1e-4, params: 'weights' },
  create: (options) => l1(options),
});

regularizers.register<PenaltyOptions>({
  name: 'l2',
  description: 'L2 penalty (λ/2)·Σθ² on the selected parameters (default: weights)',
  defaults: { lambda: 1e-4, params: 'weights' },
  create: (options) => l2(options),
});

regularizers.register<ElasticNetOptions>({
  name: 'elasticNet',
  description: 'elastic net λ·(ρ·Σ|θ| + (1−ρ)/2·Σθ²) on the selected parameters (default: weights)',
  defaults: { lambda: 1e-4, l1Ratio: 0.5, params: 'weights' },
  create: (options) => elasticNet(options),
});
