/**
 * The package's entry: the plugin, and a `register(api)` for `descent --plugin` and
 * `npm run test:golden -- --plugin` (which hand it descent's packages).
 * @module
 */
import { registerOptimizer } from '@descent/optim';
import { adaBelief } from './adabelief.js';

export { adaBelief, type AdaBeliefOptions } from './adabelief.js';

/** Register `adabelief` in the optimizer registry (once; later calls do nothing).
 * @example
 * ```ts
 * register(); createOptimizer('adabelief', params);
 * ```
 */
export function register(): void {
  registerOptimizer(adaBelief, { replace: true });
}
