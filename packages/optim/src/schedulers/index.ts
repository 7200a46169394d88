/**
 * Learning-rate schedulers: every PyTorch 1.13 schedule the golden traces cover, each a plugin in
 * the one registry (`schedulers.names()`), plus {@link scheduleSeries} and {@link scheduleSvg}.
 * @module
 */
import { ValueError } from '@descent/tensor';
import { lineChart, type LineChartOptions } from '../plot/index.js';
import { checkStep, describe, isScheduler, type Scheduler } from './types.js';

// NOTE: the option-rule and check helpers of types.ts stay internal to the scheduler files.
export {
  createScheduler, isScheduler, schedulers, StatelessScheduler,
  type Scheduler, type SchedulerSpec, type SchedulerState, type SchedulerStateValue, type WithInitialLr,
} from './types.js';
export * from './constant.js';
export * from './step.js';
export * from './multistep.js';
export * from './exponential.js';
export * from './linear.js';
export * from './cosine.js';
export * from './sgdr.js';
export * from './cyclic.js';
export * from './onecycle.js';
export * from './sequential.js';
export * from './plateau.js';
export * from './polynomial.js';
export * from './wsd.js';
export * from './lambda.js';
export * from './swalr.js';

/**
 * The learning rates of steps `0 … steps−1`: `lrs[t] = scheduler.lr(t)`. For a scheduler that
 * observes metrics (`plateau`), pass `metrics`: `metrics[i]` is reported before `lrs[i]` is read,
 * as in the golden `plateau` traces (this advances that scheduler's state).
 *
 * @throws ValueError when `steps` is not an integer ≥ 0 or `metrics` is shorter than `steps`.
 * @example
 * ```ts
 * scheduleSeries(createScheduler('step', { stepSize: 2, gamma: 0.5 }, 1), 5); // [1, 1, 0.5, 0.5, 0.25]
 * ```
 */
export function scheduleSeries(scheduler: Scheduler, steps: number, options: { metrics?: readonly number[] } = {}): number[] {
  if (!isScheduler(scheduler)) throw new ValueError(`scheduleSeries: expected a Scheduler, but got ${describe(scheduler)}`);
  checkStep('scheduleSeries (steps)', steps);
  const { metrics } = options;
  if (metrics !== undefined && metrics.length < steps) {
    throw new ValueError(`scheduleSeries: metrics has ${metrics.length} values, but ${steps} steps were asked for`);
  }
  const lrs: number[] = [];
  for (let t = 0; t < steps; t++) {
    if (metrics !== undefined && scheduler.observe) scheduler.observe(metrics[t]!, t);
    lrs.push(scheduler.lr(t));
  }
  return lrs;
}

/**
 * Plot one learning-rate series, or several keyed by name, as an SVG line chart (x: step,
 * y: learning rate; see {@link lineChart} for the options).
 *
 * @example
 * ```ts
 * const svg = await scheduleSvg({
 *   cosine: scheduleSeries(createScheduler('cosine', { tMax: 100 }, 0.1), 100),
 *   onecycle: scheduleSeries(createScheduler('onecycle', { maxLr: 0.1, totalSteps: 100 }, 0.1), 100),
 * }, { title: 'schedules' });
 * ```
 */
export function scheduleSvg(series: readonly number[] | Readonly<Record<string, readonly number[]>>, options: LineChartOptions = {}): Promise<string> {
  return lineChart(series, { xTitle: 'step', yTitle: 'learning rate', ...options });
}
