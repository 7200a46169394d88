// @descent/optim public API: a plain list of `export *` lines, one per module.
export * from './registry.js';
export * from './options.js';
export * from './optimizers/index.js';
export * from './optimizer.js';
export * from './plugin_types.js';
export * from './model.js';

// ── Other modules: add one `export * from './<module>/index.js';` line each below. ──
export * from './schedulers/index.js';
export * from './plot/index.js';
export * from './data/index.js';
export * from './gradients/index.js';
export * from './regularizers/index.js';
export * from './callbacks/index.js';
export * from './trainer/index.js';
export * from './lr_finder/index.js';
export * from './interop/index.js';
