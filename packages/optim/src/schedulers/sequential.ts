import { ConfigError, StateError, ValueError } from '@descent/tensor';
import { resolveOptions, type OptionRule } from '../options.js';
import {
  checkLr, checkStateObject, checkStep, createScheduler, describe, isScheduler, required, schedulers, takeInitialLr,
  type Scheduler, type SchedulerSpec, type SchedulerState,
} from './types.js';

/** Options of {@link sequentialLR} (PyTorch SequentialLR).
 * @example
 * ```ts
 * const o: SequentialOptions = {
 *   schedulers: [{ name: 'linear', options: { startFactor: 0.1, totalIters: 5 } }, { name: 'cosine', options: { tMax: 25 } }],
 *   milestones: [5],
 * };
 * ```
 */
export interface SequentialOptions {
  /** The schedules, in order: `{name, options}` specs (created with the optimizer's lr) or instances (required). */
  schedulers: Array<SchedulerSpec | Scheduler>;
  /** Steps at which the next schedule takes over: strictly increasing integers ≥ 1, one fewer than the schedules (required). */
  milestones: number[];
}

/** Defaults of `sequential` (PyTorch has none).
 * @example
 * ```ts
 * Object.keys(sequentialDefaults); // ['schedulers', 'milestones']
 * ```
 */
export const sequentialDefaults: SequentialOptions = {
  schedulers: undefined as unknown as SequentialOptions['schedulers'],
  milestones: undefined as unknown as number[],
};

const scheduleList: OptionRule = (v) => {
  if (!Array.isArray(v) || v.length === 0) return 'must be a non-empty list of {name, options} specs or schedulers';
  const bad = v.findIndex((s) => !isScheduler(s) && !(s !== null && typeof s === 'object' && typeof (s as SchedulerSpec).name === 'string'));
  return bad < 0 ? null : `must hold {name, options} specs or schedulers, but item ${bad} is not one`;
};
const milestoneList: OptionRule = (v, all) => {
  if (!Array.isArray(v) || !v.every((m) => Number.isInteger(m) && m >= 1)) return 'must be a list of integers ≥ 1';
  for (let i = 1; i < v.length; i++) if (v[i] <= v[i - 1]) return 'must be strictly increasing';
  const n = Array.isArray(all.schedulers) ? all.schedulers.length : 0;
  return v.length === n - 1 ? null : `must hold one fewer entry than 'schedulers' (${n - 1} for ${n} schedulers)`;
};

/** Schedules whose `create` ignores the optimizer's lr and which PyTorch lets overwrite `initial_lr`. */
function ownBase(spec: SchedulerSpec, optimizerLr: number): { kind: 'cyclic' | 'onecycle' | 'other'; lr: number } {
  const o = spec.options ?? {};
  if (spec.name === 'cyclic') return { kind: 'cyclic', lr: typeof o.baseLr === 'number' ? o.baseLr : optimizerLr };
  if (spec.name === 'onecycle' && typeof o.maxLr === 'number') {
    const div = typeof o.divFactor === 'number' ? o.divFactor : 25;
    return { kind: 'onecycle', lr: o.maxLr / div };
  }
  return { kind: 'other', lr: optimizerLr };
}

/**
 * Run schedules one after another, PyTorch's SequentialLR: before `milestones[0]` the first schedule
 * runs at its own step `t`; from `milestones[i−1]` on, schedule `i` runs at step `t − milestones[i−1]`,
 * so **at a milestone the lr is the next schedule's step-0 value** (PyTorch calls `step(0)` there,
 * which restarts it; e.g. warm-up then `cosine` gives `baseLr` at the milestone).
 *
 * Specs are created with the optimizer's lr as PyTorch 1.13 would give them `initial_lr`: the lr
 * before the first schedule was attached, except that a `onecycle` spec overwrites it with
 * `maxLr/divFactor` for the later ones (and for the first schedule, which restarts from it), and a
 * leading `cyclic` sets it to its `baseLr`.
 *
 * @example
 * ```ts
 * const s = sequentialLR(0.1, {
 *   schedulers: [{ name: 'linear', options: { startFactor: 0.1, totalIters: 5 } }, { name: 'sgdr', options: { t0: 10 } }],
 *   milestones: [5],
 * });
 * s.lr(0); // 0.01
 * s.lr(5); // 0.1 (sgdr at its step 0)
 * ```
 */
export function sequentialLR(baseLr: number, options: Partial<SequentialOptions>): SequentialScheduler {
  return new SequentialScheduler(baseLr, options);
}

/** Which schedule of a sequence runs at a step, from {@link SequentialScheduler.locate}.
 * @example
 * ```ts
 * const p: SequentialPosition = { index: 1, localStep: 3 };
 * ```
 */
export interface SequentialPosition {
  /** Index of the running schedule. */
  index: number;
  /** The step in that schedule's own count (0 at its milestone). */
  localStep: number;
}

/** The scheduler returned by {@link sequentialLR}.
 * @example
 * ```ts
 * const s = new SequentialScheduler(1, { schedulers: [{ name: 'constant' }, { name: 'exponential', options: { gamma: 0.5 } }], milestones: [2] });
 * s.lr(3); // 0.5
 * ```
 */
export class SequentialScheduler implements Scheduler {
  readonly name = 'sequential';
  readonly baseLr: number;
  readonly options: Readonly<Record<string, unknown>>;
  /** The schedules, created. */
  readonly schedules: readonly Scheduler[];
  /** Whether any schedule keeps state. */
  readonly stateful: boolean;
  private readonly milestones: readonly number[];

  constructor(baseLr: number, options: Partial<SequentialOptions>) {
    const o = resolveOptions('sequential', sequentialDefaults, options, { schedulers: required(scheduleList), milestones: required(milestoneList) });
    this.baseLr = checkLr('sequential', 'baseLr', baseLr);
    this.options = o as unknown as Record<string, unknown>;
    this.milestones = [...o.milestones];
    // NOTE: PyTorch 1.13 keeps one `initial_lr` per param group: set by the first schedule attached
    // (a cyclic one sets the lr to its baseLr first), overwritten by every OneCycleLR; each schedule
    // takes its base_lrs from it when constructed, and SequentialLR resets the lr to its final value
    // before the first schedule's initial step, which recursive schedules continue from.
    const bases: number[] = [];
    let initial: number | undefined;
    o.schedulers.forEach((s) => {
      if (isScheduler(s)) {
        initial ??= s.baseLr;
        bases.push(s.baseLr);
        return;
      }
      const own = ownBase(s, this.baseLr);
      if (own.kind === 'onecycle') initial = own.lr;
      else initial ??= own.lr;
      bases.push(initial);
    });
    const first = o.schedulers[0]!;
    if (!isScheduler(first) && !['cyclic', 'onecycle', 'sgdr'].includes(first.name)) bases[0] = initial!;
    this.schedules = o.schedulers.map((s, i) => {
      if (isScheduler(s)) return s;
      if (s.name === 'plateau') {
        throw new ConfigError(`sequential: schedulers[${i}] is 'plateau', which needs metrics; SequentialLR does not support ReduceLROnPlateau`);
      }
      try {
        return createScheduler(s.name, s.options ?? {}, bases[i]);
      } catch (e) {
        if (e instanceof Error) e.message = `sequential: schedulers[${i}] (${s.name}): ${e.message}`;
        throw e;
      }
    });
    const plateau = this.schedules.findIndex((s) => typeof s.observe === 'function');
    if (plateau >= 0) {
      throw new ConfigError(`sequential: schedulers[${plateau}] ('${this.schedules[plateau]!.name}') observes metrics; SequentialLR supports only step schedules`);
    }
    this.stateful = this.schedules.some((s) => s.stateful);
  }

  /** Which schedule runs at `step`, and at which of its own steps. */
  locate(step: number): SequentialPosition {
    checkStep(this.name, step);
    let index = 0;
    while (index < this.milestones.length && this.milestones[index]! <= step) index++;
    return { index, localStep: index === 0 ? step : step - this.milestones[index - 1]! };
  }

  /** The active schedule's lr at its own step. */
  lr(step: number, epoch?: number): number {
    const { index, localStep } = this.locate(step);
    return this.schedules[index]!.lr(localStep, epoch);
  }

  /** The active schedule's momentum at its own step (null when it does not cycle momentum). */
  momentum(step: number): number | null {
    const { index, localStep } = this.locate(step);
    const s = this.schedules[index]!;
    return typeof s.momentum === 'function' ? s.momentum(localStep) : null;
  }

  /** `{ schedulers: [each schedule's state] }`. */
  state(): SchedulerState {
    return { schedulers: this.schedules.map((s) => s.state()) };
  }

  /** Restores each schedule's state. */
  loadState(state: SchedulerState): void {
    const st = checkStateObject(this.name, state);
    const list = st.schedulers;
    if (!Array.isArray(list) || list.length !== this.schedules.length) {
      throw new StateError(`sequential: loadState expects { schedulers: [${this.schedules.length} states] }, but got ${describe(state)}`);
    }
    list.forEach((s, i) => this.schedules[i]!.loadState(checkStateObject(`sequential: schedulers[${i}]`, s)));
  }
}

schedulers.register<SequentialOptions>({
  name: 'sequential',
  description: 'run schedules one after another, switching at milestones (PyTorch SequentialLR)',
  defaults: sequentialDefaults,
  create: (options) => {
    const [lr, rest] = takeInitialLr('sequential', options, true);
    if (lr === undefined) throw new ValueError('sequential: the base learning rate is required');
    return sequentialLR(lr, rest);
  },
});
