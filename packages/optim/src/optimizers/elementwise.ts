/**
 * The fast path for plugin authors: an optimizer written as a few lines of elementwise statements
 * over named state buffers, compiled once into one tight loop per dtype (and, for float32, into
 * WebAssembly SIMD where available), with the update added into the parameters in the same pass.
 *
 * ```ts
 * const adaBelief = elementwiseOptimizer({
 *   name: 'adabelief',
 *   defaults: { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-16 },
 *   momentum: { option: 'betas', index: 0 },
 *   state: { m: 0, s: 0 },
 *   scalars: ({ lr, step, options: o }) => ({
 *     b1: o.betas[0], b2: o.betas[1], bc1: 1 - o.betas[0] ** step, bc2sqrt: Math.sqrt(1 - o.betas[1] ** step), eps: o.eps, lr,
 *   }),
 *   step: `
 *     m = b1 * m + (1 - b1) * g
 *     d = g - m
 *     s = b2 * s + (1 - b2) * d * d + eps
 *     u = -lr * (m / bc1) / (sqrt(s) / bc2sqrt + eps)
 *   `,
 * });
 * ```
 *
 * **The language.** One statement per line (or separated by `;`): `name = expression`. In an
 * expression: numbers, `+ - * /`, unary `-`, parentheses, `sqrt`, `abs`, `min(a, b)`, `max(a, b)`;
 * `g` (the gradient element), `p` (the parameter element θ, read-only), the state buffers, the
 * scalars, and earlier temporaries. Assigning a state buffer stores the value, rounded to the
 * parameter's dtype (later statements read the stored value); any other name is a float64
 * temporary. `u` must be assigned: the delta, `θ ← θ + u`. Arithmetic is float64 in the order
 * written, as a hand-written loop does, so the JS and SIMD forms give bit-identical results.
 *
 * @module
 */
import { compileElementwiseSimd, ConfigError, type ElementwiseExpr, type ElementwiseProgram, type Tensor, type TypedArray } from '@descent/tensor';
import type { MomentumOption, OptimizerContext, OptimizerOptions, OptimizerPlugin, OptionRules } from './types.js';
import { momentBuffer, zeroBuffer } from './transforms.js';

/** What {@link elementwiseOptimizer} builds a plugin from.
 * @example
 * ```ts
 * const spec: ElementwiseOptimizerSpec<{ lr: number }> = {
 *   name: 'plainsgd', defaults: { lr: 0.1 }, state: {}, scalars: ({ lr }) => ({ lr }), step: 'u = -lr * g',
 * };
 * ```
 */
export interface ElementwiseOptimizerSpec<O extends OptimizerOptions> {
  /** Registry name (lower case). */
  readonly name: string;
  /** One-line description. */
  readonly description?: string;
  /** Every option and its default. */
  readonly defaults: O;
  /** Per-option checks. */
  readonly rules?: OptionRules<O>;
  /** Cross-option checks and derived defaults. */
  resolve?(options: O): O;
  /** The momentum option, for momentum-cycling schedules. */
  readonly momentum?: MomentumOption;
  /** The state buffers, one per parameter each, by name, with their initial value (usually 0). */
  readonly state: Readonly<Record<string, number>>;
  /** This step's scalars by name, from the step's lr, t and options: everything the statements
   * use besides `g`, `p` and the state (bias corrections, `1 − β`, ε…). Called once per step and
   * parameter group; must return the same names every time. */
  scalars(ctx: OptimizerContext<O>): Readonly<Record<string, number>>;
  /** The statements (see the module description); must assign `u`, the delta added to θ. */
  readonly step: string;
}

/** State of an {@link elementwiseOptimizer} plugin: each named buffer, one array per parameter.
 * @example
 * ```ts
 * const s: ElementwiseState = { m: [new Float32Array(3)] };
 * ```
 */
export type ElementwiseState = Record<string, TypedArray[]>;

// ── parsing ─────────────────────────────────────────────────────────────────────────────────
type Token = { kind: 'num'; value: number } | { kind: 'id'; name: string } | { kind: 'op'; op: string };
type Ast = { op: 'num'; value: number } | { op: 'ref'; name: string } | { op: 'call' | 'bin' | 'neg'; name: string; args: Ast[] };

function tokenize(text: string, fail: (m: string) => never): Token[] {
  const out: Token[] = [];
  const re = /\s*(?:(\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)|([A-Za-z_][A-Za-z0-9_]*)|([-+*/(),=]))/y;
  let at = 0;
  while (at < text.length) {
    if (/^\s*$/.test(text.slice(at))) break;
    re.lastIndex = at;
    const m = re.exec(text);
    if (!m) fail(`unexpected '${text.slice(at).trim()[0]}' in '${text.trim()}'`);
    at = re.lastIndex;
    if (m![1] !== undefined) out.push({ kind: 'num', value: Number(m![1]) });
    else if (m![2] !== undefined) out.push({ kind: 'id', name: m![2] });
    else out.push({ kind: 'op', op: m![3]! });
  }
  return out;
}

const FUNCTIONS: Record<string, number> = { sqrt: 1, abs: 1, min: 2, max: 2 };

function parseExpression(tokens: Token[], fail: (m: string) => never): Ast {
  let k = 0;
  const peek = () => tokens[k];
  const isOp = (op: string) => { const t = peek(); return t?.kind === 'op' && t.op === op; };
  const expect = (op: string) => { if (!isOp(op)) fail(`expected '${op}'`); k++; };
  const primary = (): Ast => {
    const t = tokens[k++];
    if (t === undefined) return fail('the expression ends too early');
    if (t.kind === 'num') return { op: 'num', value: t.value };
    if (t.kind === 'op' && t.op === '(') { const e = sum(); expect(')'); return e; }
    if (t.kind === 'op' && t.op === '-') return { op: 'neg', name: '-', args: [primary()] };
    if (t.kind === 'op' && t.op === '+') return primary();
    if (t.kind === 'id') {
      if (!isOp('(')) return { op: 'ref', name: t.name };
      const arity = FUNCTIONS[t.name];
      if (arity === undefined) fail(`unknown function '${t.name}' (known: ${Object.keys(FUNCTIONS).join(', ')})`);
      k++;
      const args = [sum()];
      while (isOp(',')) { k++; args.push(sum()); }
      expect(')');
      if (args.length !== arity) fail(`${t.name} takes ${arity} argument(s), but got ${args.length}`);
      return { op: 'call', name: t.name, args };
    }
    return fail(`unexpected '${t.op}'`);
  };
  const product = (): Ast => {
    let e = primary();
    while (isOp('*') || isOp('/')) { const op = (tokens[k++] as { op: string }).op; e = { op: 'bin', name: op, args: [e, primary()] }; }
    return e;
  };
  const sum = (): Ast => {
    let e = product();
    while (isOp('+') || isOp('-')) { const op = (tokens[k++] as { op: string }).op; e = { op: 'bin', name: op, args: [e, product()] }; }
    return e;
  };
  const e = sum();
  if (k < tokens.length) fail(`unexpected '${(tokens[k] as { op?: string; name?: string }).op ?? (tokens[k] as { name?: string }).name ?? String((tokens[k] as { value?: number }).value)}'`);
  return e;
}

/** A compiled program: the statements as an IR over [θ or u, g, ...state, θ] plus the names. */
interface Compiled {
  readonly scalarNames: readonly string[];
  readonly stateNames: readonly string[];
  /** The pure program: arrays [dst, g, ...state, θ]; dst ← round(u). */
  readonly pure: ElementwiseProgram;
  /** The in-place program: arrays [θ, g, ...state]; θ ← θ + round(u). */
  readonly inPlace: ElementwiseProgram;
}

const BIN: Record<string, 'add' | 'sub' | 'mul' | 'div'> = { '+': 'add', '-': 'sub', '*': 'mul', '/': 'div' };

function compileStatements(name: string, step: string, stateNames: readonly string[], scalarNames: readonly string[]): Compiled {
  const fail = (m: string): never => { throw new ConfigError(`elementwiseOptimizer(${name}): step: ${m}`); };
  for (const n of [...stateNames, ...scalarNames]) if (n === 'g' || n === 'p' || n === 'u') fail(`'${n}' is reserved (g: the gradient, p: the parameter, u: the update) and cannot name a state buffer or scalar`);
  const dup = stateNames.find((n) => scalarNames.includes(n));
  if (dup !== undefined) fail(`'${dup}' is both a state buffer and a scalar`);
  const temps: string[] = [];
  type Stmt = { target: 'state' | 'temp'; index: number; expr: ElementwiseExpr };
  const stmts: Stmt[] = [];
  const lines = step.split(/[\n;]/).map((l) => l.replace(/#.*$/, '').trim()).filter((l) => l.length > 0);
  for (const line of lines) {
    const lineFail = (m: string): never => fail(`${m} (in '${line}')`);
    const tokens = tokenize(line, lineFail);
    const [target, eq] = tokens;
    if (target?.kind !== 'id' || eq?.kind !== 'op' || eq.op !== '=') lineFail("a statement is 'name = expression'");
    const lhs = (target as { name: string }).name;
    const toIr = (a: Ast): ElementwiseExpr => {
      if (a.op === 'num') return { op: 'num', value: a.value };
      if (a.op === 'ref') {
        if (a.name === 'g') return { op: 'array', index: 1 };
        if (a.name === 'p') return { op: 'array', index: -1 };
        const s = stateNames.indexOf(a.name);
        if (s >= 0) return { op: 'array', index: 2 + s };
        const c = scalarNames.indexOf(a.name);
        if (c >= 0) return { op: 'scalar', index: c };
        const t = temps.indexOf(a.name);
        if (t >= 0) return { op: 'temp', index: t };
        return lineFail(`unknown name '${a.name}'; known: g, p, state ${stateNames.join(', ') || '(none)'}, scalars ${scalarNames.join(', ') || '(none)'}${temps.length ? `, temporaries ${temps.join(', ')}` : ''}`);
      }
      if (a.op === 'neg') return { op: 'neg', a: toIr(a.args[0]!) };
      if (a.op === 'bin') return { op: BIN[a.name]!, a: toIr(a.args[0]!), b: toIr(a.args[1]!) };
      if (a.name === 'min' || a.name === 'max') return { op: a.name, a: toIr(a.args[0]!), b: toIr(a.args[1]!) };
      return { op: a.name as 'sqrt' | 'abs', a: toIr(a.args[0]!) };
    };
    const expr = toIr(parseExpression(tokens.slice(2), lineFail));
    if (lhs === 'g' || lhs === 'p') lineFail(`'${lhs}' is read-only (${lhs === 'g' ? 'the gradient' : 'the parameter: assign u, the delta, instead'})`);
    if (scalarNames.includes(lhs)) lineFail(`'${lhs}' is a scalar (read-only)`);
    const s = stateNames.indexOf(lhs);
    if (s >= 0) { stmts.push({ target: 'state', index: s, expr }); continue; }
    if (!temps.includes(lhs)) temps.push(lhs);
    stmts.push({ target: 'temp', index: temps.indexOf(lhs), expr });
  }
  const u = temps.indexOf('u');
  if (u < 0) fail("it must assign 'u', the delta added to the parameter (θ ← θ + u)");
  const k = stateNames.length;
  // p is array -1 above: θ is array 0 in place, array 2 + k in the pure form.
  const place = (e: ElementwiseExpr, theta: number): ElementwiseExpr =>
    e.op === 'array' ? (e.index === -1 ? { op: 'array', index: theta } : e)
      : 'b' in e ? { ...e, a: place(e.a, theta), b: place(e.b, theta) }
        : 'a' in e ? { ...e, a: place(e.a, theta) } : e;
  const body = (theta: number) => stmts.map((st) => ({ target: st.target === 'state' ? 'array' as const : 'temp' as const, index: st.target === 'state' ? 2 + st.index : st.index, expr: place(st.expr, theta) }));
  const uExpr: ElementwiseExpr = { op: 'temp', index: u };
  return {
    scalarNames, stateNames,
    pure: { arrays: 3 + k, scalars: scalarNames.length, temps: temps.length, statements: [...body(2 + k), { target: 'array', index: 0, expr: uExpr }] },
    inPlace: { arrays: 2 + k, scalars: scalarNames.length, temps: temps.length, statements: [...body(0), { target: 'array', index: 0, expr: { op: 'add', a: { op: 'array', index: 0 }, b: { op: 'round', a: uExpr } } }] },
  };
}

/** A JS loop for a program: `f32` rounds every array store and `round` with Math.fround. */
function jsKernel(program: ElementwiseProgram, f32: boolean): (arrays: readonly TypedArray[], scalars: readonly number[]) => void {
  const R = (x: string) => (f32 ? `Math.fround(${x})` : x);
  const lits: number[] = [];
  const ex = (e: ElementwiseExpr): string => {
    switch (e.op) {
      case 'num': { let i = lits.findIndex((v) => Object.is(v, e.value)); if (i < 0) { lits.push(e.value); i = lits.length - 1; } return `k${i}`; }
      case 'array': return `a${e.index}`;
      case 'scalar': return `s${e.index}`;
      case 'temp': return `t${e.index}`;
      case 'add': return `(${ex(e.a)} + ${ex(e.b)})`;
      case 'sub': return `(${ex(e.a)} - ${ex(e.b)})`;
      case 'mul': return `(${ex(e.a)} * ${ex(e.b)})`;
      case 'div': return `(${ex(e.a)} / ${ex(e.b)})`;
      case 'min': return `Math.min(${ex(e.a)}, ${ex(e.b)})`;
      case 'max': return `Math.max(${ex(e.a)}, ${ex(e.b)})`;
      case 'neg': return `(-${ex(e.a)})`;
      case 'abs': return `Math.abs(${ex(e.a)})`;
      case 'sqrt': return `Math.sqrt(${ex(e.a)})`;
      case 'round': return R(ex(e.a));
    }
  };
  const lines = program.statements.map((s) => (s.target === 'temp' ? `t${s.index} = ${ex(s.expr)};` : `a${s.index} = ${R(ex(s.expr))}; A${s.index}[i] = a${s.index};`));
  const arrays = Array.from({ length: program.arrays }, (_, k) => k);
  const src = [
    ...arrays.map((k) => `const A${k} = arrays[${k}];`),
    ...Array.from({ length: program.scalars }, (_, k) => `const s${k} = scalars[${k}];`),
    ...lits.map((v, i) => `const k${i} = ${Object.is(v, -0) ? '-0' : String(v)};`),
    `for (let i = 0, n = A0.length; i < n; i++) {`,
    ...arrays.map((k) => `  let a${k} = A${k}[i];`),
    ...Array.from({ length: program.temps }, (_, k) => `  let t${k} = 0;`),
    ...lines.map((l) => `  ${l}`),
    '}',
  ].join('\n');
  // NOTE: compiled once per plugin and dtype; the generated loop has no branches and no allocation.
  return new Function('arrays', 'scalars', src) as (arrays: readonly TypedArray[], scalars: readonly number[]) => void;
}

/** Below this many elements the JS loop is as fast as the SIMD kernel's copies. */
const SIMD_MIN = 1024;
const simdAllowed = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.DESCENT_OPTIM_SIMD !== '0';

/** The runners of one program: JS loops for float32 and float64, and the float32 SIMD kernel. */
function runners(program: ElementwiseProgram): (arrays: TypedArray[], scalars: number[]) => void {
  const f32 = jsKernel(program, true), f64 = jsKernel(program, false);
  const simd = simdAllowed ? compileElementwiseSimd(program) : null;
  return (arrays, scalars) => {
    if (arrays[0] instanceof Float32Array) {
      if (simd !== null && arrays[0].length >= SIMD_MIN && arrays.every((a) => a instanceof Float32Array)) simd(arrays as Float32Array[], scalars);
      else f32(arrays, scalars);
    } else f64(arrays, scalars);
  };
}

/**
 * Build an optimizer plugin from elementwise statements over named state buffers (see the module
 * description). The statements are compiled once into a loop per dtype — and for float32 into a
 * WebAssembly SIMD kernel where available — that updates the state and adds the update into the
 * parameters in one pass: the plugin gets `init`, `update` and the `updateInPlace` fast path, and
 * nothing in the loop can throw, so a failed step cannot leave the state half-written.
 * @throws ConfigError at the first step for a statement that does not parse or names an unknown
 *   value, or for scalars that are not finite-or-NaN numbers.
 * @example
 * ```ts
 * const signSgd = elementwiseOptimizer({
 *   name: 'rmsprop-lite', defaults: { lr: 0.01, alpha: 0.99, eps: 1e-8 }, state: { v: 0 },
 *   scalars: ({ lr, options: o }) => ({ lr, alpha: o.alpha, eps: o.eps }),
 *   step: 'v = alpha * v + (1 - alpha) * g * g; u = -lr * g / (sqrt(v) + eps)',
 * });
 * ```
 */
export function elementwiseOptimizer<O extends OptimizerOptions>(spec: ElementwiseOptimizerSpec<O>): OptimizerPlugin<O, ElementwiseState> {
  const stateNames = Object.keys(spec.state);
  for (const [k, v] of Object.entries(spec.state)) {
    if (typeof v !== 'number') throw new ConfigError(`elementwiseOptimizer(${spec.name}): state '${k}' must have a number as its initial value, but got ${String(v)}`);
  }
  let compiled: { scalarNames: string[]; pure: (a: TypedArray[], s: number[]) => void; inPlace: (a: TypedArray[], s: number[]) => void } | null = null;
  const scalarsOf = (ctx: OptimizerContext<O>): number[] => {
    const values = spec.scalars(ctx);
    if (compiled === null) {
      const names = Object.keys(values ?? {});
      const c = compileStatements(spec.name, spec.step, stateNames, names);
      compiled = { scalarNames: names, pure: runners(c.pure), inPlace: runners(c.inPlace) };
    }
    return compiled.scalarNames.map((n) => {
      const v = (values as Record<string, unknown>)[n];
      if (typeof v !== 'number') throw new ConfigError(`elementwiseOptimizer(${spec.name}): scalars() must return a number for '${n}' at every step, but got ${String(v)}`);
      return v;
    });
  };
  const stateArrays = (state: ElementwiseState, j: number) => stateNames.map((n) => state[n]![j]!);
  return {
    name: spec.name,
    ...(spec.description !== undefined ? { description: spec.description } : {}),
    defaults: spec.defaults,
    ...(spec.rules !== undefined ? { rules: spec.rules } : {}),
    ...(spec.resolve !== undefined ? { resolve: spec.resolve } : {}),
    ...(spec.momentum !== undefined ? { momentum: spec.momentum } : {}),
    init: (params: readonly Tensor[]) => Object.fromEntries(stateNames.map((n) => [n, params.map((p) => momentBuffer(p).fill(spec.state[n]!))])),
    update(grads, state, params, ctx) {
      const scalars = scalarsOf(ctx);
      const updates = params.map(zeroBuffer);
      for (let j = 0; j < params.length; j++) compiled!.pure([updates[j]!, grads[j]!, ...stateArrays(state, j), params[j]!.buffer()], scalars);
      return { updates, state };
    },
    updateInPlace(grads, state, _params, ctx, targets) {
      const scalars = scalarsOf(ctx);
      for (let j = 0; j < targets.length; j++) compiled!.inPlace([targets[j]!, grads[j]!, ...stateArrays(state, j)], scalars);
      return state;
    },
  };
}
