/**
 * Workloads `fn-rosenbrock`, `fn-saddle`, `fn-beale`: an optimizer minimising a 2-D test function
 * from a start point jittered by the seed (a normal draw of standard deviation `startNoise` per
 * coordinate), on a float64 parameter with gradients by autodiff. The loss is the suboptimality
 * f − f*; the "validation" and "test" losses are the same number (there is no data to generalise to),
 * and there are no accuracies. A run that leaves the plot window by more than its size, or turns
 * non-finite, is diverged.
 * @module
 */
import { Rng, ValueError } from '@descent/tensor';
import { BEALE, ROSENBROCK, SADDLE, thinPath, trajectory, type TestFunction } from '../landscape.js';
import { meetsTarget } from '../bench/classifier.js';
import type { RunOutcome } from '../sweep/result.js';
import type { RunSpec } from '../sweep/spec.js';
import { registerWorkload, type PresetName, type WorkloadConfig } from './registry.js';

/** The settings of a 2-D function workload.
 * @example
 * ```ts
 * const s: Function2dSettings = { function: 'saddle', start: [1.8, 0.001], startNoise: 0.05, minimum: -1, historyPoints: 50 };
 * ```
 */
export type Function2dSettings = {
  /** Which function (`rosenbrock`, `saddle`, `beale`). */
  readonly function: string;
  /** The start before the seed's jitter. */
  readonly start: [number, number];
  /** Standard deviation of the seed's jitter of the start, per coordinate. */
  readonly startNoise: number;
  /** f*, the minimum value (the loss is f − f*). */
  readonly minimum: number;
  /** History points kept (evenly spaced steps). */
  readonly historyPoints: number;
}

/** A 2-D test problem and its minimum value. */
interface Problem { readonly fn: TestFunction; readonly minimum: number; readonly noise: number }

const PROBLEMS: Readonly<Record<string, Problem>> = {
  rosenbrock: { fn: ROSENBROCK, minimum: 0, noise: 0.1 },
  saddle: { fn: SADDLE, minimum: -1, noise: 0.05 },
  beale: { fn: BEALE, minimum: 0, noise: 0.1 },
};

/** Steps per preset: smoke, quick, full (a fraction of the function's own step count). */
const STEP_FRACTION: Readonly<Record<PresetName, number>> = { smoke: 0.2, quick: 1, full: 2 };

/**
 * Run one optimizer on a 2-D function as the spec says (constant learning rate).
 * @throws ValueError for an unknown function, a schedule other than `constant` or a budget without steps.
 * @example
 * ```ts
 * const outcome = runFunction2d(spec);
 * outcome.final.valLoss; // f − f* at the end
 * ```
 */
export function runFunction2d(spec: RunSpec): RunOutcome {
  const s = spec.settings as unknown as Function2dSettings;
  const problem = PROBLEMS[s.function];
  if (!problem) throw new ValueError(`runFunction2d: unknown function '${s.function}'; known: ${Object.keys(PROBLEMS).join(', ')}`);
  if (spec.schedule !== 'constant') throw new ValueError(`runFunction2d: the 2-D functions run at a constant learning rate, but the spec asks for schedule '${spec.schedule}'`);
  const steps = spec.budget.steps;
  if (steps === undefined || !Number.isInteger(steps) || steps < 1) throw new ValueError(`runFunction2d: spec.budget.steps must be an integer ≥ 1, but got ${String(steps)}`);
  const rng = new Rng(spec.seed);
  const start: [number, number] = [s.start[0] + s.startNoise * rng.normal(), s.start[1] + s.startNoise * rng.normal()];
  const t0 = performance.now();
  const path = trajectory(problem.fn, spec.optimizer.name, { lr: spec.lr, steps, start, optimizerOptions: { ...spec.optimizer.options } });
  const seconds = (performance.now() - t0) / 1000;
  const gap = path.values.map((v) => v - s.minimum);
  const diverged = path.points.length < steps + 1;
  // a run that stopped early stays where it stopped (its last value) for the rest of the budget
  const at = (t: number) => (t < gap.length ? gap[t]! : diverged ? Infinity : gap[gap.length - 1]!);
  const every = Math.max(1, Math.round(steps / s.historyPoints));
  const history = { step: [] as number[], seconds: [] as number[], trainLoss: [] as number[], valLoss: [] as number[], valAcc: [] as Array<number | null> };
  for (let t = every; t <= steps; t += every) {
    history.step.push(t); history.seconds.push((seconds * t) / steps);
    history.trainLoss.push(at(t)); history.valLoss.push(at(t)); history.valAcc.push(null);
  }
  const hit = gap.findIndex((v) => meetsTarget(spec.target, v));
  const early = gap.slice(1, Math.max(2, Math.ceil(steps / 4) + 1));
  const final = at(steps);
  const w = problem.fn.xRange[1] - problem.fn.xRange[0];
  return {
    history,
    final: { trainLoss: final, valLoss: final, testLoss: final, trainAcc: null, valAcc: null, testAcc: null },
    timeToTarget: hit < 0 ? { steps: null, seconds: null } : { steps: hit, seconds: (seconds * hit) / steps },
    earlyLoss: early.length === 0 ? Infinity : early.reduce((a, v) => a + Math.log10(Math.max(v, 1e-16)), 0) / early.length,
    diverged,
    seconds,
    path: thinPath(path.points, w / 300),
  };
}

/** The configuration of a 2-D workload in a preset. */
function configure(name: string, preset: PresetName): WorkloadConfig {
  const p = PROBLEMS[name]!;
  const settings: Function2dSettings = { function: name, start: [p.fn.start[0], p.fn.start[1]], startNoise: p.noise, minimum: p.minimum, historyPoints: 50 };
  return { settings, budget: { steps: Math.round(p.fn.steps * STEP_FRACTION[preset]) }, target: { metric: 'valLoss', goal: 'min', value: 1e-3 }, schedule: 'constant' };
}

for (const name of Object.keys(PROBLEMS)) {
  const p = PROBLEMS[name]!;
  registerWorkload({
    name: `fn-${name}`,
    title: `${name[0]!.toUpperCase()}${name.slice(1)}: ${p.fn.formula}`,
    task: 'function',
    surface: p.fn,
    configure: (preset) => configure(name, preset),
    describe: (config) => `Minimise ${p.fn.formula} from (${p.fn.start.join(', ')}) + N(0, ${p.noise}²) per coordinate (the seed draws it), ${config.budget.steps} steps at a constant learning rate. `
      + `Loss = f − f* (f* = ${p.minimum}). Target: f − f* ≤ ${config.target.value}.`,
    run: runFunction2d,
  });
}
