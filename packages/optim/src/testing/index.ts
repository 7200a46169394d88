/**
 * `@descent/optim/testing`: a conformance kit for optimizer plugins. Run {@link checkOptimizer}
 * in your plugin's tests; the built-in optimizers pass it too.
 *
 * @example
 * ```ts
 * import { checkOptimizer } from '@descent/optim/testing';
 * it('signSGD conforms', () => checkOptimizer(signSgd, { lr: 0.01 }));
 * ```
 * @module
 */
import { DescentError, tensor, type DType, type Tensor, type TypedArray } from '@descent/tensor';
import { getOptimizerPlugin, resolveOptimizerOptions } from '../optimizers/define.js';
import type { AnyOptimizerPlugin, OptimizerOptions } from '../optimizers/types.js';
import { applyUpdates, Optimizer } from '../optimizer.js';
import { encodeState } from '../optimizers/state.js';

/** Settings of the kit itself (not the optimizer's options).
 * @example
 * ```ts
 * checkOptimizer(myPlugin, { lr: 0.1 }, { steps: 20, dtypes: ['float64'] });
 * ```
 */
export interface CheckOptimizerSettings {
  /** Steps per run (default 12, enough for a lookahead sync at k = 5). */
  steps?: number;
  /** Step after which the state is saved and restored (default ⌊steps/2⌋). */
  saveAt?: number;
  /** Dtypes to run (default both). */
  dtypes?: DType[];
  /** Parameter shapes (default [[3, 2], [5], []]). */
  shapes?: number[][];
  /** Whether the update rule uses the step count t (`ctx.step`: bias corrections, warm-ups).
   * `true`: the kit fails when the updates do not change with `ctx.step` (a plugin that keeps
   * its own counter, or forgot the correction); `false`: it fails when they do. Default: not
   * checked. */
  stepDependent?: boolean;
}

/** A small deterministic generator (the kit's data must not depend on anything else). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
}

const fail = (name: string, check: string, detail: string): never => {
  throw new DescentError(`checkOptimizer(${name}): ${check}: ${detail}`);
};

const dtypeOf = (a: unknown) => (a instanceof Float64Array ? 'float64' : a instanceof Float32Array ? 'float32' : typeof a);

function sameBits(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return 0;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return i;
  return -1;
}

/**
 * Check that an optimizer plugin keeps the contract; throws an Error naming the first failed
 * check, and returns nothing when all pass. Checks, for float32 and float64 parameters:
 * - options: defaults and the given options resolve; an unknown option and `lr: -1` are rejected;
 * - `update` leaves gradients and parameters untouched, returns one update per parameter with
 *   its dtype and size, all finite;
 * - determinism: two runs from the same start give bit-identical updates;
 * - the {@link Optimizer} built on it gives the same steps as calling the plugin directly;
 * - state save/load: saving mid-run (through JSON) and loading into a fresh optimizer gives
 *   bit-identical next steps;
 * - zero gradients (from the start and mid-run) give finite updates;
 * - parameter shapes and dtypes are preserved;
 * - `update` returns a state; the updates follow `ctx.lr` (a plugin that reads `options.lr`
 *   ignores schedules and fails); with `settings.stepDependent`, they follow `ctx.step` (or
 *   must not);
 * - atomic failure: if `update` throws on a NaN gradient mid-run, it has changed neither the
 *   state nor the parameters (validate before writing).
 *
 * Registration checks (lower-case name, camelCase option keys, `rules` keys that are options,
 * the `momentum` declaration) run when the plugin is first used, here included.
 *
 * @param plugin the plugin (or a registered name).
 * @param options the optimizer options to test with (default: the plugin's defaults).
 * @param settings steps, save point, dtypes and shapes of the runs (defaults suit most plugins).
 * @throws DescentError describing the first failure.
 * @example
 * ```ts
 * checkOptimizer(adam);
 * checkOptimizer('lookahead', { inner: { name: 'adam', options: { lr: 0.01 } }, k: 3 });
 * ```
 */
export function checkOptimizer(plugin: AnyOptimizerPlugin | string, options: Record<string, unknown> = {}, settings: CheckOptimizerSettings = {}): void {
  const p = getOptimizerPlugin(plugin);
  const name = p.name;
  const steps = settings.steps ?? 12;
  const saveAt = settings.saveAt ?? Math.floor(steps / 2);
  const shapes = settings.shapes ?? [[3, 2], [5], []];

  // ── options ───────────────────────────────────────────────────────────────────────────────
  let o: OptimizerOptions & Record<string, unknown>;
  try {
    resolveOptimizerOptions(p, {});
  } catch (e) {
    fail(name, 'options', `the defaults do not resolve: ${(e as Error).message}`);
  }
  try {
    o = resolveOptimizerOptions(p, options);
  } catch (e) {
    return fail(name, 'options', `the given options do not resolve: ${(e as Error).message}`);
  }
  const rejects = (bad: Record<string, unknown>, what: string, mention: string) => {
    let threw: unknown = null;
    try { resolveOptimizerOptions(p, { ...options, ...bad }); } catch (e) { threw = e; }
    if (threw === null) fail(name, 'options', `${what} was accepted, but must be rejected`);
    if (!(threw instanceof Error) || !threw.message.includes(mention)) fail(name, 'options', `the error for ${what} must name '${mention}', but was: ${String((threw as Error)?.message ?? threw)}`);
  };
  rejects({ notAnOption_xyz: 1 }, "an unknown option 'notAnOption_xyz'", 'notAnOption_xyz');
  rejects({ lr: -1 }, 'lr = -1', 'lr');

  for (const dtype of settings.dtypes ?? (['float32', 'float64'] as DType[])) {
    const label = (s: string) => `${s} (${dtype})`;
    const rnd = lcg(dtype === 'float32' ? 1 : 2);
    const init = shapes.map((s) => {
      const n = s.reduce((a, d) => a * d, 1);
      return Array.from({ length: n }, () => 2 * rnd());
    });
    const makeParams = (): Tensor[] => shapes.map((s, j) => tensor(dtype === 'float64' ? Float64Array.from(init[j]!) : Float32Array.from(init[j]!), { shape: s, dtype }));
    const gradSeq: TypedArray[][] = Array.from({ length: steps }, () =>
      shapes.map((_, j) => {
        const vals = init[j]!.map(() => rnd());
        return dtype === 'float64' ? Float64Array.from(vals) : Float32Array.from(vals);
      }));

    // ── pure runs: contract, no mutation, determinism ───────────────────────────────────────
    const pureRun = (grads: TypedArray[][], check: boolean, at: (t: number) => { lr: number; step: number } = (t) => ({ lr: o.lr, step: t })): TypedArray[][] => {
      const params = makeParams();
      let state = p.init(params, o);
      const out: TypedArray[][] = [];
      for (let t = 1; t <= grads.length; t++) {
        const g = grads[t - 1]!;
        const gBefore = g.map((a) => a.slice());
        const pBefore = params.map((x) => x.buffer().slice());
        const r = p.update(g, state, params, { ...at(t), options: o });
        if (check && r && typeof r === 'object' && r.state === undefined && state !== undefined) {
          fail(name, label('contract'), `update returned no state at step ${t}; return { updates, state } (the state it was given, updated in place, or a new one)`);
        }
        if (check) {
          g.forEach((a, j) => { const i = sameBits(a, gBefore[j]!); if (i >= 0) fail(name, label('inputs not mutated'), `update changed gradient ${j} at index ${i} (step ${t})`); });
          params.forEach((x, j) => { const i = sameBits(x.buffer(), pBefore[j]!); if (i >= 0) fail(name, label('inputs not mutated'), `update changed parameter ${j} at index ${i} (step ${t}); only applyUpdates may change parameters`); });
          if (!r || !Array.isArray(r.updates)) fail(name, label('contract'), `update must return { updates, state }, but got ${String(r)}`);
          if (r.updates.length !== params.length) fail(name, label('contract'), `expected ${params.length} updates, but got ${r.updates.length}`);
          r.updates.forEach((u, j) => {
            if (dtypeOf(u) !== dtype) fail(name, label('dtype preserved'), `update ${j} must be a ${dtype === 'float64' ? 'Float64Array' : 'Float32Array'}, but got ${dtypeOf(u)}`);
            if (u.length !== params[j]!.size) fail(name, label('shape preserved'), `update ${j} must have ${params[j]!.size} values, but got ${u.length}`);
            for (let i = 0; i < u.length; i++) if (!Number.isFinite(u[i])) fail(name, label('finite updates'), `update ${j}[${i}] is ${u[i]} at step ${t}`);
            if (g.includes(u)) fail(name, label('contract'), `update ${j} is one of the gradient arrays; return new arrays (the caller adds them to the parameters)`);
          });
        }
        out.push(r.updates.map((u) => u.slice()));
        applyUpdates(params, r.updates);
        state = r.state;
      }
      return out;
    };
    const runA = pureRun(gradSeq, true);
    const runB = pureRun(gradSeq, false);
    runA.forEach((us, t) => us.forEach((u, j) => {
      const i = sameBits(u, runB[t]![j]!);
      if (i >= 0) fail(name, label('determinism'), `two runs from the same start differ at step ${t + 1}, update ${j}[${i}]: ${u[i]} vs ${runB[t]![j]![i]}`);
    }));

    // ── the step's lr and t come from ctx, never from options or a private counter ─────────
    const sameRuns = (a: TypedArray[][], b: TypedArray[][]) => a.every((us, t) => us.every((u, j) => sameBits(u, b[t]![j]!) < 0));
    const lrBase = o.lr > 0 ? o.lr : 0.01;
    const atLr = (lr: number) => pureRun(gradSeq, false, (t) => ({ lr, step: t }));
    if (sameRuns(atLr(lrBase), atLr(lrBase / 2))) {
      fail(name, label('schedules'), `the updates are the same at ctx.lr = ${lrBase} and ${lrBase / 2}; use ctx.lr (this step's learning rate from the scheduler or trainer), not options.lr`);
    }
    if (settings.stepDependent !== undefined) {
      const shifted = pureRun(gradSeq, false, (t) => ({ lr: o.lr, step: t + 100 }));
      const same = sameRuns(runA, shifted);
      if (settings.stepDependent && same) fail(name, label('step count'), 'the updates do not change when ctx.step does (steps 1… vs 101…); use ctx.step for t, not a counter of your own (stepDependent: true)');
      if (!settings.stepDependent && !same) fail(name, label('step count'), 'the updates change with ctx.step, but stepDependent is false');
    }

    // ── a throwing update changes nothing: a NaN gradient mid-run may be rejected, but only before any write ──
    {
      const params = makeParams();
      let state = p.init(params, o);
      for (let t = 1; t <= saveAt; t++) {
        const r = p.update(gradSeq[t - 1]!, state, params, { lr: o.lr, step: t, options: o });
        applyUpdates(params, r.updates);
        state = r.state;
      }
      const bad = gradSeq[saveAt]!.map((a) => a.slice());
      const last = bad[bad.length - 1]!;
      if (last.length > 0) last[last.length - 1] = NaN;
      const stateBefore = JSON.stringify(encodeState(state, 'state'));
      const paramsBefore = params.map((x) => x.buffer().slice());
      let threw: unknown = null;
      try { p.update(bad, state, params, { lr: o.lr, step: saveAt + 1, options: o }); } catch (e) { threw = e; }
      if (threw !== null) {
        if (JSON.stringify(encodeState(state, 'state')) !== stateBefore) fail(name, label('atomic update'), `update threw (${(threw as Error)?.message ?? String(threw)}) on a NaN gradient after changing the state; validate before writing anything, so that a failed step changes nothing`);
        params.forEach((x, j) => { if (sameBits(x.buffer(), paramsBefore[j]!) >= 0) fail(name, label('atomic update'), `update threw after changing parameter ${j}`); });
      }
    }

    // ── Optimizer: same steps, state round trip, shapes and dtypes ───────────────────────────
    const p1 = makeParams();
    const opt1 = new Optimizer(p, p1, options);
    for (let t = 0; t < saveAt; t++) opt1.stepWithGrads(gradSeq[t]!);
    let saved: unknown;
    try {
      saved = JSON.parse(JSON.stringify(opt1.state()));
    } catch (e) {
      fail(name, label('state round trip'), `state() is not JSON-able: ${(e as Error).message}`);
    }
    const p2 = makeParams();
    p2.forEach((x, j) => x.assign(p1[j]!.buffer()));
    const opt2 = new Optimizer(p, p2, options);
    try {
      opt2.loadState(saved);
    } catch (e) {
      fail(name, label('state round trip'), `loadState(state()) failed: ${(e as Error).message}`);
    }
    if (opt2.stepCount !== opt1.stepCount) fail(name, label('state round trip'), `step count ${opt2.stepCount} after loading, expected ${opt1.stepCount}`);
    const reference = makeParams();
    runA.slice(0, saveAt).forEach((us) => applyUpdates(reference, us));
    for (let t = saveAt; t < steps; t++) {
      opt1.stepWithGrads(gradSeq[t]!);
      opt2.stepWithGrads(gradSeq[t]!);
      applyUpdates(reference, runA[t]!);
      p1.forEach((x, j) => {
        const i = sameBits(x.buffer(), p2[j]!.buffer());
        if (i >= 0) fail(name, label('state round trip'), `after loading the state saved at step ${saveAt}, step ${t + 1} differs at parameter ${j}[${i}]: ${x.buffer()[i]} vs ${p2[j]!.buffer()[i]}`);
        const k = sameBits(x.buffer(), reference[j]!.buffer());
        if (k >= 0) fail(name, label('Optimizer = plugin'), `Optimizer.step differs from calling update directly at step ${t + 1}, parameter ${j}[${k}]`);
      });
    }
    [...p1, ...p2].forEach((x, j) => {
      const s = shapes[j % shapes.length]!;
      if (x.dtype !== dtype) fail(name, label('dtype preserved'), `parameter ${j % shapes.length} became ${x.dtype}`);
      if (x.shape.length !== s.length || x.shape.some((d, i) => d !== s[i])) fail(name, label('shape preserved'), `parameter ${j % shapes.length} has shape [${x.shape}], expected [${s}]`);
    });

    // ── zero gradients, from the start and mid-run ────────────────────────────────────────────
    const zeros = () => shapes.map((_, j) => (dtype === 'float64' ? new Float64Array(init[j]!.length) : new Float32Array(init[j]!.length)));
    const opt3 = new Optimizer(p, makeParams(), options);
    const zeroRun = [zeros(), zeros(), zeros(), gradSeq[0]!, zeros(), zeros()];
    zeroRun.forEach((g, t) => {
      opt3.stepWithGrads(g);
      opt3.params.forEach((x, j) => {
        const b = x.buffer();
        for (let i = 0; i < b.length; i++) if (!Number.isFinite(b[i])) fail(name, label('zero gradients'), `parameter ${j}[${i}] became ${b[i]} at step ${t + 1} (gradients ${t === 3 ? 'nonzero' : 'zero'})`);
      });
    });
  }
}
