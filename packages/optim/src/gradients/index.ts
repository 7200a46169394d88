/**
 * Gradient-transform plugins (kind `'gradient'`): `clipGradNorm`, `clipGradValue` and
 * `gradientNoise`, applied by the trainer after backward and before the optimizer update.
 * @module
 */
export * from './types.js';
export * from './clip.js';
export * from './gradient_noise.js';
