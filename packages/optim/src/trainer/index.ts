/**
 * The {@link Trainer}: the training loop where every plugin meets, with checkpoints and history.
 * @module
 */
export * from './trainer.js';
export * from './checkpoint.js';
export * from './batch.js';
export * from './plugins.js';
export * from './update_batch_norm.js';
export * from './checkpoint_schema.js';
export * from './plugin_state.js';
export * from './accumulation.js';
