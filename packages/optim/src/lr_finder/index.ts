/**
 * The learning-rate range test ({@link lrRangeTest}), its suggestions and its plot.
 * @module
 */
export * from './lr_range_test.js';
