/**
 * The benchmark's workloads, by name. A workload says how it is configured in each preset
 * (settings, budget, target, schedule) and how one run executes, deterministically, from a
 * {@link RunSpec}. Each workload lives in its own file in this folder and registers itself on
 * import; {@link loadWorkloads} imports every file here, so adding a workload is adding a file.
 * @module
 */
import { RegistryError } from '@descent/tensor';
import { closest } from '../suggest.js';
import type { TestFunction } from '../landscape.js';
import type { RunOutcome } from '../sweep/result.js';
import type { Budget, RunSpec, ScheduleName, Target } from '../sweep/spec.js';

/** The benchmark's sizes: `smoke` (seconds, for tests), `quick` (`npm start`, ≤ 5 min on 2 cores), `full`.
 * @example
 * ```ts
 * const p: PresetName = 'quick';
 * ```
 */
export type PresetName = 'smoke' | 'quick' | 'full';

/** Every {@link PresetName}.
 * @example
 * ```ts
 * PRESET_NAMES.includes('full'); // true
 * ```
 */
export const PRESET_NAMES: readonly PresetName[] = ['smoke', 'quick', 'full'];

/** How a workload runs in one preset.
 * @example
 * ```ts
 * const c: WorkloadConfig = { settings: { trainSize: 3000 }, budget: { epochs: 2 }, target: { metric: 'valAcc', goal: 'max', value: 0.9 }, schedule: 'warmup-cosine' };
 * ```
 */
export interface WorkloadConfig {
  /** The workload's own settings (JSON; part of every spec, so part of the cache key). */
  readonly settings: Readonly<Record<string, unknown>>;
  /** Training length, the same for every optimizer. */
  readonly budget: Budget;
  /** Time-to-target's threshold. */
  readonly target: Target;
  /** Learning-rate schedule shape, the same for every optimizer. */
  readonly schedule: ScheduleName;
  /** What the tuning phase chooses the learning rate by (default `valLoss`, the lowest final
   * validation loss; `valAcc`: the highest final validation accuracy, for tasks where a model that
   * has learnt nothing has the lowest validation loss). Not part of the runs' specs. */
  readonly selectBy?: SelectionMetric;
}

/** The final validation metric that chooses the learning rate (see {@link WorkloadConfig.selectBy}).
 * @example
 * ```ts
 * const m: SelectionMetric = 'valAcc';
 * ```
 */
export type SelectionMetric = 'valLoss' | 'valAcc';

/** A benchmark workload.
 * @example
 * ```ts
 * registerWorkload({ name: 'my-task', title: 'My task', task: 'classification', configure: () => config, describe: () => 'my data', run: (spec) => trainMyTask(spec) });
 * ```
 */
export interface Workload {
  /** Registry name (`mlp-mnist`). */
  readonly name: string;
  /** Title for the report (`784-128-10 MLP on MNIST`). */
  readonly title: string;
  /** `classification`: train/val/test sets with accuracies and a generalization gap; `function`: a 2-D test function (losses are f − f*). */
  readonly task: 'classification' | 'function';
  /** The configuration of a preset. */
  configure(preset: PresetName): WorkloadConfig;
  /** One paragraph for the report: data, split, model, budget, target. */
  describe(config: WorkloadConfig): string;
  /** Execute one run; the same spec gives the same outcome bit for bit (wall-clock fields aside). */
  run(spec: RunSpec): RunOutcome;
  /** The 2-D function, for the trajectory plots. */
  readonly surface?: TestFunction;
}

const WORKLOADS = new Map<string, Workload>();

/** Add a workload to the registry.
 * @throws RegistryError when the name is taken.
 * @example
 * ```ts
 * registerWorkload(myWorkload);
 * ```
 */
export function registerWorkload(workload: Workload): void {
  if (WORKLOADS.has(workload.name)) throw new RegistryError(`registerWorkload: a workload named '${workload.name}' is already registered`);
  WORKLOADS.set(workload.name, workload);
}

/** A workload given by its table of presets and typed settings: {@link registerPresetWorkload} turns it into a {@link Workload}.
 * @example
 * ```ts
 * const w: PresetWorkload<{ width: number }> = { name: 'my-task', title: 'My task', task: 'classification', presets, describe: (s) => `width ${s.width}`, run: (s, spec) => trainMyTask(s.width, spec) };
 * ```
 */
export interface PresetWorkload<S> extends Omit<Workload, 'configure' | 'describe' | 'run'> {
  /** The configuration of each preset. */
  readonly presets: Readonly<Record<PresetName, WorkloadConfig & {
    /** The preset's settings, typed. */
    readonly settings: S;
  }>>;
  /** One paragraph for the report, from the preset's settings and configuration. */
  describe(settings: S, config: WorkloadConfig): string;
  /** Execute one run (the spec's settings are one preset's). */
  run(settings: S, spec: RunSpec): RunOutcome;
}

/** Register a {@link PresetWorkload}: `configure` looks the preset up, `describe` and `run` get the settings typed.
 * @throws RegistryError when the name is taken.
 * @example
 * ```ts
 * registerPresetWorkload({ name: 'my-task', title: 'My task', task: 'classification', presets, describe: (s) => `width ${s.width}`, run: (s, spec) => trainMyTask(s.width, spec) });
 * ```
 */
export function registerPresetWorkload<S>(workload: PresetWorkload<S>): void {
  const { presets, describe, run, ...rest } = workload;
  registerWorkload({
    ...rest,
    configure: (preset) => presets[preset],
    describe: (config) => describe(config.settings as unknown as S, config),
    run: (spec) => run(spec.settings as unknown as S, spec),
  });
}

/** A registered workload.
 * @throws RegistryError naming the unknown workload and the registered ones.
 * @example
 * ```ts
 * getWorkload('mlp-mnist').configure('quick');
 * ```
 */
export function getWorkload(name: string): Workload {
  const w = WORKLOADS.get(name);
  if (!w) {
    const hint = closest(name, [...WORKLOADS.keys()]);
    throw new RegistryError(`unknown workload '${name}'${hint ? ` (did you mean '${hint}'?)` : ''}. Registered workloads: ${[...WORKLOADS.keys()].join(', ')}`);
  }
  return w;
}

/** The registered workload names, in registration order.
 * @example
 * ```ts
 * workloadNames(); // ['fn-rosenbrock', 'fn-saddle', 'fn-beale', 'mlp-mnist', 'cnn-mnist', 'transformer-modadd']
 * ```
 */
export function workloadNames(): string[] {
  return [...WORKLOADS.keys()];
}
