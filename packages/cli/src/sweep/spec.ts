/**
 * The run specification: everything that determines one training run, as plain JSON, and its
 * hash. Two specs with the same hash produce the same result bit for bit (wall-clock fields
 * aside), whichever process or machine executes them, so the hash keys the on-disk cache.
 * @module
 */
import { createHash } from 'node:crypto';
import { ValueError } from '@descent/tensor';
import type { ScheduleKind } from '../runner.js';

/** Bumped when the meaning of a spec changes (what a run does with it), so old cache entries miss.
 * @example
 * ```ts
 * SPEC_VERSION; // 1
 * ```
 */
export const SPEC_VERSION = 1;

/** The learning-rate schedules a run can use (`compare`'s): every optimizer gets the same shape, scaled to its own lr.
 * @example
 * ```ts
 * const s: ScheduleName = 'warmup-cosine';
 * ```
 */
export type ScheduleName = ScheduleKind;

/** An optimizer as a run names it: the registered name, its options (lr excluded: see {@link RunSpec.lr})
 * and where its code comes from, so a changed plugin file does not hit stale cache entries.
 * @example
 * ```ts
 * const o: OptimizerSpec = { name: 'sgdm', options: { momentum: 0.9 }, implementation: 'builtin' };
 * ```
 */
export interface OptimizerSpec {
  /** Registered optimizer name. */
  readonly name: string;
  /** Options other than the learning rate (JSON values only). */
  readonly options: Readonly<Record<string, unknown>>;
  /** `'builtin'` or `'plugin:<sha256 of the plugin file>'`. */
  readonly implementation: string;
}

/** How long a run trains: a number of epochs (data workloads) or of steps (2-D functions).
 * @example
 * ```ts
 * const b: Budget = { epochs: 2 };
 * ```
 */
export interface Budget {
  /** Passes over the training set. */
  readonly epochs?: number;
  /** Optimizer steps. */
  readonly steps?: number;
}

/** The target of time-to-target: the first evaluation where `metric` reaches `value`.
 * @example
 * ```ts
 * const t: Target = { metric: 'valAcc', goal: 'max', value: 0.9 };
 * ```
 */
export interface Target {
  /** The validation metric watched (`valAcc`, or `valLoss` for the 2-D functions: f − f*). */
  readonly metric: 'valAcc' | 'valLoss';
  /** `max`: reached when metric ≥ value; `min`: when metric ≤ value. */
  readonly goal: 'max' | 'min';
  /** The threshold. */
  readonly value: number;
}

/**
 * One run, fully specified and serialisable: the workload and its settings (data sizes, model),
 * the optimizer, the base learning rate, the seed (initialisation, data order, dropout), the
 * schedule, the budget and the target.
 * @example
 * ```ts
 * const spec: RunSpec = {
 *   version: SPEC_VERSION, workload: 'mlp-mnist', settings: { trainSize: 3000, valSize: 1000, testSize: 2000 },
 *   optimizer: { name: 'adam', options: {}, implementation: 'builtin' }, lr: 1e-3, seed: 0,
 *   schedule: 'warmup-cosine', budget: { epochs: 2 }, target: { metric: 'valAcc', goal: 'max', value: 0.9 },
 * };
 * ```
 */
export interface RunSpec {
  /** {@link SPEC_VERSION} when the spec was made. */
  readonly version: number;
  /** Registered workload name (see `workloads/`). */
  readonly workload: string;
  /** The workload's own settings (JSON): data sizes, architecture, start point… */
  readonly settings: Readonly<Record<string, unknown>>;
  /** The optimizer. */
  readonly optimizer: OptimizerSpec;
  /** Base learning rate (the schedule scales it). */
  readonly lr: number;
  /** Seeds initialisation, data order and dropout (the data split is fixed by the settings). */
  readonly seed: number;
  /** Learning-rate schedule shape. */
  readonly schedule: ScheduleName;
  /** Training length. */
  readonly budget: Budget;
  /** What time-to-target waits for. */
  readonly target: Target;
}

/**
 * JSON with object keys sorted at every depth, so equal specs give equal text whatever the
 * order their fields were written in.
 * @throws ValueError for values JSON cannot hold exactly (non-finite numbers, functions, undefined in arrays).
 * @example
 * ```ts
 * canonicalJson({ b: 1, a: [2, { d: 3, c: 4 }] }); // '{"a":[2,{"c":4,"d":3}],"b":1}'
 * ```
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new ValueError(`canonicalJson: numbers must be finite, but got ${value}`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v)).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  throw new ValueError(`canonicalJson: cannot serialise a ${typeof value}`);
}

/**
 * The hash of a spec's full configuration: sha256 of its canonical JSON, in hex.
 * @example
 * ```ts
 * specHash(spec); // '3f9a…' (64 hex digits)
 * ```
 */
export function specHash(spec: RunSpec): string {
  return createHash('sha256').update(canonicalJson(spec)).digest('hex');
}

/** sha256 of some text or bytes, in hex (plugin files' fingerprints).
 * @example
 * ```ts
 * sha256('abc').slice(0, 8); // 'ba7816bf'
 * ```
 */
export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
