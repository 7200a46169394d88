/**
 * The LR range test (Smith 2017; fastai's `lr_find`) on the comparison's MLP, for the report and
 * `descent lr-find`.
 * @module
 */
import { Rng } from '@descent/tensor';
import { lrRangeTest, type LrRangeResult } from '@descent/optim';
import type { ClassificationData } from './data/types.js';
import { buildMlp } from './model.js';

/** Options of {@link runLrFind}.
 * @example
 * ```ts
 * const o: LrFindOptions = { data: loadIris(), optimizer: 'sgdm', optimizerOptions: { momentum: 0.9 }, batchSize: 16, seed: 0, steps: 60 };
 * ```
 */
export interface LrFindOptions {
  /** The data set (its training part is used). */
  readonly data: ClassificationData;
  /** Registered optimizer name. */
  readonly optimizer: string;
  /** The optimizer's options (its `lr` is ignored: the test sets it). */
  readonly optimizerOptions: Readonly<Record<string, unknown>>;
  /** Samples per mini-batch. */
  readonly batchSize: number;
  /** Seed of the initial weights and the data order. */
  readonly seed: number;
  /** Hidden widths of the MLP (default [128]). */
  readonly hidden?: readonly number[];
  /** Dropout probability (default 0.2). */
  readonly dropout?: number;
  /** Mini-batches of the test (default 100). */
  readonly steps?: number;
  /** First learning rate (default 1e-5). */
  readonly minLr?: number;
  /** Last learning rate (default 10). */
  readonly maxLr?: number;
}

/** The result of an LR range test.
 * @example
 * ```ts
 * const r: LrFindResult = runLrFind(options);
 * r.suggestion; // e.g. 0.12
 * ```
 */
export interface LrFindResult {
  /** Registered optimizer name. */
  readonly optimizer: string;
  /** The learning rate of each step. */
  readonly lrs: number[];
  /** The smoothed loss at each step. */
  readonly losses: number[];
  /** Steepest descent of the smoothed loss. */
  readonly suggestion: number;
  /** The lr of the minimum smoothed loss, divided by 10. */
  readonly minimumOver10?: number;
  /** fastai's four suggestions from `suggestLr` (`steep` is `suggestion`); null where the series
   * is too short for one (`slide` needs 16 points). */
  readonly suggestions: LrFindSuggestions;
  /** How the suggestion was found, in one sentence. */
  readonly method: string;
  /** Why the test stopped: all steps done, the loss diverged, or a non-finite loss. */
  readonly stopReason: LrRangeResult['stopReason'];
}

/** fastai's suggestion methods, in the order they are printed.
 * @example
 * ```ts
 * SUGGESTION_METHODS; // ['valley', 'slide', 'minimum', 'steep']
 * ```
 */
export const SUGGESTION_METHODS = ['valley', 'slide', 'minimum', 'steep'] as const;

/** The learning rate each of fastai's methods suggests (null where the series is too short for one).
 * @example
 * ```ts
 * const s: LrFindSuggestions = { valley: 3e-3, slide: 1e-2, minimum: 2e-2, steep: 5e-3 };
 * ```
 */
export type LrFindSuggestions = { readonly [K in (typeof SUGGESTION_METHODS)[number]]: number | null };

/** How the suggestion is found, for the report and the terminal. */
const METHOD = 'The learning rate grows exponentially over mini-batches (lrRangeTest from @descent/optim); the loss is smoothed (β = 0.98, bias-corrected) and the test stops when it exceeds 4× its best. The suggestion is the steepest descent of the smoothed loss per unit of log lr (fastai\'s "steep")';

/**
 * Run `@descent/optim`'s LR range test on a fresh MLP (same seeded initialisation as the
 * comparison): the lr grows exponentially from `minLr` to `maxLr` over `steps` mini-batches, the
 * loss is smoothed and the test stops once it exceeds 4× the best. Suggests the lr of the steepest
 * descent of the smoothed loss, and the minimum's lr / 10.
 * @throws ConfigError/ValueError from the optimizer or the range test for bad options.
 * @example
 * ```ts
 * const { suggestion } = runLrFind({ data: loadIris(), optimizer: 'sgdm', optimizerOptions: {}, batchSize: 16, seed: 0 });
 * ```
 */
export function runLrFind(options: LrFindOptions): LrFindResult {
  const { data, optimizer, optimizerOptions, batchSize, seed } = options;
  const rng = new Rng(seed);
  const { model } = buildMlp({
    inputs: data.features, classes: data.classes.length, rng: rng.split(),
    ...(options.hidden ? { hidden: options.hidden } : {}),
    ...(options.dropout !== undefined ? { dropout: options.dropout } : {}),
  });
  const r = lrRangeTest({
    model, loss: 'crossEntropy', optimizer: { name: optimizer, options: { ...optimizerOptions } }, data: data.train, batchSize,
    minLr: options.minLr ?? 1e-5, maxLr: options.maxLr ?? 10, steps: options.steps ?? 100, seed, progressBar: false,
  });
  const keep = r.lrs.map((_, i) => i).filter((i) => Number.isFinite(r.smoothedLosses[i]!));
  return {
    optimizer,
    lrs: keep.map((i) => r.lrs[i]!),
    losses: keep.map((i) => r.smoothedLosses[i]!),
    suggestion: r.suggestion.steepest,
    ...(Number.isFinite(r.suggestion.minimumDiv10) ? { minimumOver10: r.suggestion.minimumDiv10 } : {}),
    suggestions: Object.fromEntries(SUGGESTION_METHODS.map((k) => [k, Number.isFinite(r.suggestion[k]) ? r.suggestion[k] : null])) as LrFindSuggestions,
    stopReason: r.stopReason,
    method: METHOD,
  };
}
