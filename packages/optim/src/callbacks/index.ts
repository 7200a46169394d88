/**
 * Callback plugins (kind `'callback'`): `history`, `earlyStopping`, `checkpoint`, `nanGuard` and
 * `progressBar`, and the {@link Callback} contract for your own.
 * @module
 */
export * from './types.js';
export * from './history.js';
export * from './nan_guard.js';
export * from './early_stopping.js';
export * from './checkpoint.js';
export * from './progress_bar.js';
