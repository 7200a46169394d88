// The regression guard of `npm run bench -- --quick` (issue 19): each measured ratio must reach 0.8× its
// target; the bench exits non-zero otherwise. Not part of `npm test` (timings never are).

/** Ratios (descent over tfjs-wasm: higher is better) and the Adam step, as the sections measured them. */
export interface GuardInput {
  /** [name, descent GFLOP/s ÷ tfjs-wasm GFLOP/s], every size and transposition, and the MLP shapes. */
  matmul?: Array<[string, number]>;
  /** [name, tfjs-wasm ns/element ÷ descent ns/element]. */
  elementwise?: Array<[string, number]>;
  /** @descent/optim's Adam step over the MLP's parameters, ms. */
  adamMs?: number;
}

/** One check: `value` against `limit` (0.8× the target: a floor for ratios, 1/0.8× a ceiling for times). */
export interface GuardCheck { name: string; value: number; target: number; limit: number; pass: boolean }

/** The targets. */
export const TARGETS = { matmulRatio: 1.2, elementwiseRatio: 1, adamMs: 0.6 } as const;
const SLACK = 0.8;

/** Check whatever the run measured against {@link TARGETS}, loosened by 0.8×. */
export function checkGuard(input: GuardInput): { pass: boolean; checks: GuardCheck[] } {
  const checks: GuardCheck[] = [];
  const floor = (name: string, value: number, target: number) => {
    const limit = target * SLACK;
    checks.push({ name: `${name} (× tfjs-wasm)`, value, target, limit, pass: value >= limit });
  };
  for (const [name, r] of input.matmul ?? []) floor(name, r, TARGETS.matmulRatio);
  for (const [name, r] of input.elementwise ?? []) floor(name, r, TARGETS.elementwiseRatio);
  if (input.adamMs !== undefined) {
    const limit = TARGETS.adamMs / SLACK;
    checks.push({ name: 'Adam step, 235k params (ms)', value: input.adamMs, target: TARGETS.adamMs, limit, pass: input.adamMs <= limit });
  }
  return { pass: checks.every((c) => c.pass), checks };
}
