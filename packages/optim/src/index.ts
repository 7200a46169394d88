export * from './registry.js';
export * from './options.js';
export * from './schedulers/index.js';
export * from './plot/index.js';
