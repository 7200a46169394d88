/**
 * What one run returns: its history, its final metrics, its time-to-target. Plain JSON, so it
 * crosses worker and process boundaries and is cached on disk as is.
 * @module
 */
import type { RunSpec } from './spec.js';

/** Metrics recorded at evaluation points during a run (`null` where the workload has no such metric).
 * @example
 * ```ts
 * const h: RunHistory = { step: [0, 50], seconds: [0, 0.4], trainLoss: [2.3, 0.6], valLoss: [2.3, 0.5], valAcc: [0.1, 0.85] };
 * ```
 */
export interface RunHistory {
  /** Optimizer steps done at each point. */
  readonly step: number[];
  /** Seconds of training at each point (wall clock: the one field that differs between reruns). */
  readonly seconds: number[];
  /** Training loss: mean mini-batch loss since the last point (2-D functions: f − f* at the point). */
  readonly trainLoss: number[];
  /** Validation loss at the point. */
  readonly valLoss: number[];
  /** Validation accuracy at the point (null for the 2-D functions). */
  readonly valAcc: Array<number | null>;
}

/** Loss and accuracy on the training, validation and test sets at the end of a run.
 * @example
 * ```ts
 * const f: RunFinalMetrics = { trainLoss: 0.1, valLoss: 0.2, testLoss: 0.21, trainAcc: 0.97, valAcc: 0.94, testAcc: 0.93 };
 * ```
 */
export interface RunFinalMetrics {
  /** Mean loss on the whole training set (eval mode). */
  readonly trainLoss: number;
  /** Mean loss on the validation set. */
  readonly valLoss: number;
  /** Mean loss on the test set (reported, never used for a choice). */
  readonly testLoss: number;
  /** Accuracy on the training set (null without classes). */
  readonly trainAcc: number | null;
  /** Accuracy on the validation set. */
  readonly valAcc: number | null;
  /** Accuracy on the test set. */
  readonly testAcc: number | null;
}

/** When a run first reached its target: steps and seconds, or null when it never did.
 * @example
 * ```ts
 * const t: TimeToTarget = { steps: 120, seconds: 1.4 };
 * ```
 */
export interface TimeToTarget {
  /** Optimizer steps at the first evaluation that met the target. */
  readonly steps: number | null;
  /** Training seconds at that point (wall clock). */
  readonly seconds: number | null;
}

/** The outcome of one run, as a workload computes it.
 * @example
 * ```ts
 * const o: RunOutcome = executeRunSync(spec);
 * o.final.valAcc;
 * ```
 */
export interface RunOutcome {
  /** Evaluation points. */
  readonly history: RunHistory;
  /** End-of-run metrics. */
  readonly final: RunFinalMetrics;
  /** Time to the spec's target. */
  readonly timeToTarget: TimeToTarget;
  /** Mean training loss over the first quarter of the steps (how fast a run starts; 2-D: mean log10(f − f*)). */
  readonly earlyLoss: number;
  /** Whether the loss became non-finite (training stopped there; losses after it are Infinity). */
  readonly diverged: boolean;
  /** Training seconds (wall clock). */
  readonly seconds: number;
  /** Points visited (2-D functions only), thinned. */
  readonly path?: Array<[number, number]>;
}

/** A finished run: its spec, the spec's hash and the outcome.
 * @example
 * ```ts
 * const r: RunRecord = { hash: specHash(spec), spec, outcome };
 * ```
 */
export interface RunRecord {
  /** {@link specHash} of the spec. */
  readonly hash: string;
  /** What was run. */
  readonly spec: RunSpec;
  /** What came out. */
  readonly outcome: RunOutcome;
}

/** A copy of an outcome without its wall-clock fields: what must be bit-identical between two
 * executions of the same spec.
 * @example
 * ```ts
 * expect(deterministicPart(a)).to.deep.equal(deterministicPart(b));
 * ```
 */
export function deterministicPart(outcome: RunOutcome): Omit<RunOutcome, 'seconds' | 'history' | 'timeToTarget'> & { history: Omit<RunHistory, 'seconds'>; timeToTargetSteps: number | null } {
  const { seconds: _s, history, timeToTarget, ...rest } = outcome;
  const { seconds: _h, ...h } = history;
  return { ...rest, history: h, timeToTargetSteps: timeToTarget.steps };
}
