/**
 * Regularizers (kind `'regularizer'`: `l1`, `l2`, `elasticNet`, loss penalties differentiated by
 * autodiff) and constraints (kind `'constraint'`: `maxNorm`, applied after each update). Gradient
 * clipping (`clipGradNorm`, `clipGradValue`) lives with the gradient transforms.
 * @module
 */
export * from './types.js';
export * from './penalties.js';
export * from './max_norm.js';
