/**
 * The `nanGuard` callback: stop at the first non-finite loss, gradient or parameter, naming the
 * step and the parameter, with the parameters and optimizer state as they were before that step.
 * @module
 */
import { NonFiniteError, type Tensor } from '@descent/tensor';
import { resolveOptions } from '../options.js';
import type { NamedParameter } from '../plugin_types.js';
import { callbacks, type BackwardInfo, type Callback, type UpdateInfo } from './types.js';

/** Options of {@link nanGuard}.
 * @example
 * ```ts
 * const o: NanGuardOptions = { checkParams: true };
 * ```
 */
export interface NanGuardOptions {
  /** Also check the parameters after each update (rolled back when not finite; default true). */
  checkParams: boolean;
}

/** A {@link NonFiniteError} with the step and the parameter it names.
 * @example
 * ```ts
 * try { trainer.fit(data); } catch (e) { if (e instanceof NonFiniteError) console.log((e as NonFiniteTrainingError).step); }
 * ```
 */
export type NonFiniteTrainingError = NonFiniteError & {
  /** 0-based global step at which the non-finite value appeared. */ step: number;
  /** 0-based epoch of that step. */ epoch: number;
  /** Name of the offending parameter (or of its gradient); null when only the loss is non-finite. */ parameter: string | null };

/** The first non-finite value among tensors: parameter name, index and value; null when all are finite.
 * @example
 * ```ts
 * firstNonFinite([tensor([1, NaN])], ['w']); // { name: 'w', index: 1, value: NaN }
 * ```
 */
export function firstNonFinite(tensors: readonly Tensor[], names: readonly string[]): {
  /** Name of the tensor holding the value (its position as a string when unnamed). */ name: string;
  /** Flat (row-major) index of the value in that tensor. */ index: number;
  /** The non-finite value itself: NaN, Infinity or −Infinity. */ value: number } | null {
  for (let j = 0; j < tensors.length; j++) {
    const a = tensors[j]!.buffer();
    for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i]!)) return { name: names[j] ?? String(j), index: i, value: a[i]! };
  }
  return null;
}

function fail(message: string, step: number, epoch: number, parameter: string | null): never {
  const e = new NonFiniteError(message) as NonFiniteTrainingError;
  e.step = step;
  e.epoch = epoch;
  e.parameter = parameter;
  throw e;
}

const names = (ps: readonly NamedParameter[]) => ps.map((p) => p.name);
const UNCHANGED = 'the parameters and optimizer state are as they were before this step';

/**
 * Check, at every step, that the loss and every gradient are finite (before the update) and,
 * with `checkParams`, that every parameter is finite after it. The first failure throws a
 * {@link NonFiniteError} naming the step, the epoch and the parameter; the trainer has not changed
 * anything yet (or rolls the update back), so the model can be inspected or saved as it was.
 * Installed by default (`nanGuard: false` in the trainer config turns it off).
 *
 * @example
 * ```ts
 * try {
 *   trainer.fit(data);
 * } catch (e) {
 *   // NonFiniteError: step 12 (epoch 1, batch 4): the gradient of parameter 'fc1.weight' is NaN at index 3; …
 * }
 * ```
 */
export function nanGuard(options: Partial<NanGuardOptions> = {}): Callback {
  const o = resolveOptions('nanGuard', { checkParams: true }, options);
  const callback: Callback = {
    name: 'nanGuard',
    onBackwardEnd(info: BackwardInfo) {
      const where = `step ${info.step} (epoch ${info.epoch}, batch ${info.batch})`;
      const n = names(info.params);
      const raw = firstNonFinite(info.rawGrads, n);
      if (!Number.isFinite(info.loss) || !Number.isFinite(info.penalty)) {
        const what = !Number.isFinite(info.loss) ? `the loss is ${info.loss}` : `the regularizer penalty is ${info.penalty}`;
        fail(`${where}: ${what}${raw ? `; the first non-finite gradient is of parameter '${raw.name}' (${raw.value} at index ${raw.index})` : ''}; ${UNCHANGED}`, info.step, info.epoch, raw?.name ?? null);
      }
      if (raw) fail(`${where}: the gradient of parameter '${raw.name}' is ${raw.value} at index ${raw.index}; ${UNCHANGED}`, info.step, info.epoch, raw.name);
      const t = firstNonFinite(info.grads, n);
      if (t) fail(`${where}: after the gradient transforms, the gradient of parameter '${t.name}' is ${t.value} at index ${t.index}; ${UNCHANGED}`, info.step, info.epoch, t.name);
    },
  };
  if (o.checkParams) {
    callback.onUpdateEnd = (info: UpdateInfo) => {
      const bad = firstNonFinite(info.params.map((p) => p.tensor), names(info.params));
      if (bad) fail(`step ${info.step} (epoch ${info.epoch}): the update made parameter '${bad.name}' ${bad.value} at index ${bad.index} (learning rate too large?); the step was undone: ${UNCHANGED}`, info.step, info.epoch, bad.name);
    };
  }
  return callback;
}

callbacks.register<NanGuardOptions>({
  name: 'nanGuard',
  description: 'stop at the first non-finite loss, gradient or parameter, with the state left as before that step',
  defaults: { checkParams: true },
  create: (options) => nanGuard(options),
});
