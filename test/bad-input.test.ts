// Bad input across the public API (issue 10), as one table. Each case names the error class and
// three fragments its message must contain: the argument, what was expected and what was given.
// A case with a `setup` first builds something successfully (a model, an optimizer with state, a
// trained Trainer, files on disk); after the failed call its parameters and buffers (bit for bit),
// optimizer state (`optimizer.state()` serialised) and files (byte for byte, and the directory
// listing) must be exactly as before.
//
// CLI arguments and config files are covered by the CLI's own tests (packages/cli/test), not here.
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as T from '@descent/tensor';
import {
  ConfigError, DescentError, DTypeError, GradientError, RegistryError, Rng, ShapeError, StateError, ValueError, tensor, zeros,
  type Tensor,
} from '@descent/tensor';
import { BatchNorm1d, Dropout, Linear, loadState, ReLU, saveState, Sequential, type StateDict } from '@descent/layers';
import {
  createScheduler, getOptimizerPlugin, Optimizer, optimizers, schedulers, Trainer, type Callback, type TrainerConfig,
} from '@descent/optim';

type ErrorClass = abstract new (...args: never[]) => Error;

/** What a case set up successfully, to be compared before and after the failed call. */
interface Ctx {
  /** Parameters, buffers, gradients: compared bit for bit. */
  tensors: Tensor[];
  /** Compared through `JSON.stringify(optimizer.state())`. */
  optimizers: Optimizer[];
  /** Compared byte for byte. */
  files: string[];
  /** Their listings are compared (no temporary or partial file left behind). */
  dirs: string[];
}

/** "Registered: a, b, …" naming every one of `names` in order; other suites' test plugins,
 * registered while the tests run, may sit between them. */
function listsEvery(names: readonly string[]): RegExp {
  return new RegExp(`Registered: ${names.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join(', (?:[\\w-]+, )*')}`);
}

interface Case<C extends Partial<Ctx> = Partial<Ctx>> {
  name: string;
  setup?: () => C;
  act: (ctx: C) => unknown;
  error: ErrorClass;
  /** The message names the argument, … */
  arg: string | RegExp;
  /** … what was expected … */
  expected: string | RegExp;
  /** … and what was given. */
  given: string | RegExp;
}

/** Keeps each case's context type (inferred from its setup) inside one table. */
const kase = <C extends Partial<Ctx>>(c: Case<C>): Case => c as unknown as Case;

// ── fixtures ─────────────────────────────────────────────────────────────────────────────────────

const f64 = (v: number[][]) => tensor(v, { dtype: 'float64' });

function mlp(seed = 0): Sequential {
  const rng = new Rng(seed);
  return new Sequential(new Linear(2, 4, { rng, dtype: 'float64' }), new ReLU(), new Linear(4, 3, { rng, dtype: 'float64' }));
}

const modelTensors = (m: Sequential) => [...m.parameters(), ...m.buffers()];

/** 12 samples in 2-D, three classes. */
const data = (() => {
  const rng = new Rng(1);
  const xs: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < 12; i++) { xs.push([rng.normal() + (i % 3), rng.normal() - (i % 3)]); y.push(i % 3); }
  return { x: f64(xs), y };
})();

/** A model and an Adam optimizer that has taken three steps (so it has state to lose). */
function trainedOptimizer() {
  const model = mlp();
  const optimizer = new Optimizer('adam', model.parameters(), { lr: 0.01 });
  for (let s = 0; s < 3; s++) optimizer.stepWithGrads(model.parameters().map((p) => p.data().map((v, i) => v * 0.1 + i * 0.01)));
  return { model, optimizer, params: model.parameters(), tensors: modelTensors(model), optimizers: [optimizer] };
}

const trainerConfig = (over: Partial<TrainerConfig> = {}): TrainerConfig => ({
  model: mlp(), loss: 'crossEntropy', optimizer: { name: 'adam', options: { lr: 0.01 } },
  batchSize: 4, epochs: 1, seed: 0, order: 'sequential', progressBar: false, ...over,
});

/** A trainer that has already trained one epoch successfully. */
function trainedTrainer(over: Partial<TrainerConfig> = {}, train: { x: Tensor; y: Tensor | number[] } = data) {
  const trainer = new Trainer(trainerConfig(over));
  trainer.fit(train);
  const model = trainer.model as Sequential;
  return { trainer, model, tensors: modelTensors(model), optimizers: [trainer.optimizer] };
}

let dir = '';
/** Files written once: a good checkpoint of the trainer above, and a model state file. */
const file = (name: string) => join(dir, name);

/** A checkpoint with a valid checksum whose body was edited by `edit` (so only the schema can catch it). */
function editedCheckpoint(edit: (body: Record<string, any>) => void) { // eslint-disable-line @typescript-eslint/no-explicit-any
  return checkpointCtx((good) => {
    const f = JSON.parse(good.toString('utf8')) as { format: string; checksum: string; body: string };
    const body = JSON.parse(f.body) as Record<string, unknown>;
    edit(body);
    const text = JSON.stringify(body);
    return JSON.stringify({ format: f.format, checksum: createHash('sha256').update(text, 'utf8').digest('hex'), body: text });
  });
}

/** A callback that throws `value` from `hook` (before any update of the step). */
const throwing = (name: string, hook: 'onBatchBegin' | 'onBackwardEnd', value: unknown): Callback => ({ name, [hook]: () => { throw value; } });

/** Run on the CPU backend (whatever backend the suite selected), then put the previous one back. */
function onCpu<R>(f: () => R): R {
  const previous = T.getBackend().name;
  T.setBackend('cpu');
  try { return f(); } finally { T.setBackend(previous); }
}

/** Replace the first `$typed` entry of an encoded optimizer state with `undefined`. */
function dropFirstTypedArray(state: unknown): unknown {
  const copy = JSON.parse(JSON.stringify(state)) as unknown;
  const visit = (v: unknown): boolean => {
    if (v === null || typeof v !== 'object') return false;
    for (const [k, e] of Object.entries(v)) {
      if (e !== null && typeof e === 'object' && '$typed' in e) { (v as Record<string, unknown>)[k] = undefined; return true; }
      if (visit(e)) return true;
    }
    return false;
  };
  visit(copy);
  return copy;
}

function checkpointCtx(bad: (good: Buffer) => Buffer | string) {
  const good = readFileSync(file('good.json'));
  const path = file(`bad-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, bad(good));
  return { path, files: [file('good.json'), path], dirs: [dir] };
}

// ── the table ────────────────────────────────────────────────────────────────────────────────────

const cases: Case[] = [
  // tensor creation
  kase({ name: 'tensor: ragged nested arrays', act: () => tensor([[1, 2], [3]]), error: ShapeError, arg: 'values[1]', expected: 'values[0] has shape [2]', given: 'has shape [1]' }),
  kase({ name: 'tensor: data length differs from the shape', act: () => tensor([1, 2, 3], { shape: [2, 2] }), error: ShapeError, arg: 'shape [2,2]', expected: 'needs 4 values', given: 'but got 3' }),
  kase({ name: 'zeros: negative dimension', act: () => zeros([2, -1]), error: ValueError, arg: 'shape[1]', expected: 'non-negative integer', given: 'but got -1' }),
  kase({ name: 'ones: fractional dimension', act: () => T.ones([1.5]), error: ValueError, arg: 'shape[0]', expected: 'non-negative integer', given: 'but got 1.5' }),
  kase({ name: 'zeros: unknown dtype', act: () => zeros([2], { dtype: 'int8' as never }), error: T.DTypeError, arg: 'dtype', expected: 'one of float32, float64', given: "'int8'" }),
  kase({ name: 'tensor: options that are not an object', act: () => tensor([1], null as never), error: ValueError, arg: 'options', expected: 'must be an object', given: 'but got null' }),

  // ops
  kase({ name: 'add: shapes that do not broadcast', act: () => T.add(zeros([2, 3]), zeros([4, 3])), error: ShapeError, arg: 'add: shapes [2,3] and [4,3]', expected: 'cannot be broadcast', given: 'axis 0: 2 vs 4' }),
  kase({ name: 'matmul: inner dimensions differ', act: () => T.matmul(zeros([2, 3]), zeros([4, 5])), error: ShapeError, arg: 'inner dimensions', expected: 'a is [2,3]', given: 'b is [4,5]' }),
  kase({ name: 'sum: axis out of range', act: () => T.sum(zeros([2, 3]), 2), error: ValueError, arg: 'axis', expected: 'in [-2, 1]', given: 'but got 2' }),
  kase({ name: 'reshape: to another number of elements', act: () => T.reshape(zeros([2, 3]), [4, 2]), error: ShapeError, arg: 'reshape', expected: '[2,3] (6 elements)', given: '[4,2] (8 elements)' }),
  kase({ name: 'crossEntropy: label out of range', act: () => T.crossEntropy(zeros([2, 3]), [0, 3]), error: ValueError, arg: 'labels[1]', expected: 'class index in [0, 2]', given: 'but got 3' }),
  kase({ name: 'crossEntropy: fractional label', act: () => T.crossEntropy(zeros([2, 3]), [0, 1.5]), error: ValueError, arg: 'labels[1]', expected: 'integer class index', given: 'but got 1.5' }),
  kase({ name: 'crossEntropy: one-hot rows instead of class indices', act: () => T.crossEntropy(zeros([2, 3]), T.eye(2, 3)), error: ShapeError, arg: 'labels', expected: 'class indices, one per row of logits [2,3]', given: 'tensor of shape [2,3]' }),
  kase({ name: 'matmul: options that are not an object', act: () => T.matmul(zeros([2, 2]), zeros([2, 2]), 1 as never), error: ValueError, arg: 'matmul: options', expected: 'must be an object', given: 'but got 1' }),
  kase({
    name: 'backward: non-scalar output without a seed gradient',
    setup: () => { const w = f64([[1, 2]]).requireGrad(); return { w, tensors: [w] }; },
    act: ({ w }) => w.mul(2).backward(),
    error: GradientError, arg: 'seed gradient', expected: 'unless the output is a scalar', given: 'shape [1,2]',
  }),
  kase({
    name: 'backward: a second time through a freed graph',
    setup: () => {
      const w = f64([[1, 2]]).requireGrad();
      const loss = w.mul(w).sum();
      loss.backward();
      return { loss, tensors: [w, w.grad!] };
    },
    act: ({ loss }) => loss.backward(),
    error: GradientError, arg: 'backward', expected: 'pass { retainGraph: true }', given: 'already freed by an earlier backward()',
  }),
  kase({ name: 'gradients: xs that is not an array', act: () => T.gradients(zeros([1]).requireGrad().sum(), 'w' as never), error: ValueError, arg: 'xs', expected: 'array of Tensors', given: "'w'" }),

  // layers
  kase({
    name: 'Linear: input with another number of features',
    setup: () => { const model = mlp(); return { model, tensors: modelTensors(model) }; },
    act: ({ model }) => model.call(zeros([3, 5], { dtype: 'float64' })),
    error: ShapeError, arg: 'Linear(2→4): input', expected: 'expected 2', given: 'has 5 features in shape [3,5]',
  }),
  kase({ name: 'Dropout: p = 1', act: () => new Dropout(1, { rng: new Rng(0) }), error: ValueError, arg: 'p', expected: 'in [0, 1)', given: 'but got 1' }),
  kase({ name: 'Dropout: p < 0', act: () => new Dropout(-0.1, { rng: new Rng(0) }), error: ValueError, arg: 'p', expected: 'in [0, 1)', given: 'but got -0.1' }),
  kase({
    name: 'BatchNorm1d: batch of one in training',
    setup: () => { const bn = new BatchNorm1d(3, { dtype: 'float64' }); bn.call(f64([[1, 2, 3], [3, 2, 1]])); return { bn, tensors: [...bn.parameters(), ...bn.buffers()] }; },
    act: ({ bn }) => bn.call(f64([[1, 2, 3]])),
    error: ValueError, arg: 'BatchNorm1d(3)', expected: 'more than 1 value per feature when training', given: 'input of shape [1,3]',
  }),
  kase({ name: 'Linear: unknown option', act: () => new Linear(2, 3, { rng: new Rng(0), Bias: false } as never), error: ConfigError, arg: "option 'Bias'", expected: "did you mean 'bias'?). Known options: rng, bias, dtype", given: 'unknown' }),
  kase({
    name: 'loadStateDict: a missing entry',
    setup: () => { const model = mlp(); const state = mlp(5).stateDict(); delete state['2.bias']; return { model, state, tensors: modelTensors(model) }; },
    act: ({ model, state }) => model.loadStateDict(state as StateDict),
    error: StateError, arg: '2.bias', expected: 'does not match the model', given: 'missing: 2.bias',
  }),
  kase({
    name: 'loadStateDict: an extra entry',
    setup: () => { const model = mlp(); const state = { ...mlp(5).stateDict(), '3.weight': zeros([1]) }; return { model, state, tensors: modelTensors(model) }; },
    act: ({ model, state }) => model.loadStateDict(state as StateDict),
    error: StateError, arg: '3.weight', expected: 'does not match the model', given: 'unexpected: 3.weight',
  }),
  kase({
    name: 'loadStateDict: a mis-shaped entry',
    setup: () => { const model = mlp(); const state = { ...mlp(5).stateDict(), '0.bias': zeros([5], { dtype: 'float64' }) }; return { model, state, tensors: modelTensors(model) }; },
    act: ({ model, state }) => model.loadStateDict(state as StateDict),
    error: StateError, arg: '0.bias', expected: 'model [4]', given: 'state [5]',
  }),

  // optimizers (every hyperparameter of every optimizer is swept below)
  kase({ name: 'Optimizer: option weight_decay (snake case)', setup: trainedOptimizer, act: ({ params }) => new Optimizer('adam', params!, { weight_decay: 0.1 }), error: ConfigError, arg: "option 'weight_decay'", expected: "did you mean 'weightDecay'?). Known options: lr, betas, eps, weightDecay, amsgrad", given: 'unknown' }),
  kase({ name: 'Optimizer: option lR (typo)', setup: trainedOptimizer, act: ({ params }) => new Optimizer('sgd', params!, { lR: 0.1 }), error: ConfigError, arg: "option 'lR'", expected: "did you mean 'lr'?", given: 'unknown' }),
  kase({ name: 'Optimizer: unknown name lists the known ones', setup: trainedOptimizer, act: ({ params }) => new Optimizer('adma', params!), error: RegistryError, arg: 'optimizer', expected: listsEvery(optimizers.names()), given: "'adma'" }),
  kase({ name: 'Optimizer: empty parameter list', act: () => new Optimizer('adam', []), error: ValueError, arg: 'parameters', expected: 'non-empty list', given: 'but got []' }),
  kase({
    name: 'Optimizer: the same parameter in two groups', setup: trainedOptimizer,
    act: ({ model }) => new Optimizer('sgd', [{ params: model!.parameters() }, { params: [model!.parameters()[0]!] }]),
    error: ValueError, arg: 'parameter 0 (parameter group 1)', expected: 'in one group only', given: 'appears more than once',
  }),
  kase({
    name: 'Optimizer: a parameter group with an unknown field', setup: trainedOptimizer,
    act: ({ params }) => new Optimizer('sgd', [{ params: params!.slice(0, 2), opts: { lr: 1 } } as never, { params: params!.slice(2) }]),
    error: ConfigError, arg: "parameter group 0 has unknown field 'opts'", expected: 'a group is { params, options }', given: 'fields params, opts',
  }),
  kase({ name: 'Optimizer: nesterov without momentum', setup: trainedOptimizer, act: ({ params }) => new Optimizer('sgd', params!, { nesterov: true }), error: ValueError, arg: "option 'nesterov'", expected: 'requires momentum > 0', given: 'but got momentum 0' }),
  kase({ name: 'Optimizer.step: a NaN learning rate', setup: trainedOptimizer, act: ({ optimizer, params }) => optimizer!.stepWithGrads(params!.map((p) => p.data()), NaN), error: ValueError, arg: 'lr', expected: 'finite number ≥ 0', given: 'but got NaN' }),
  kase({
    name: 'Optimizer.step: a gradient of the wrong shape', setup: trainedOptimizer,
    act: ({ optimizer, params }) => optimizer!.stepWithGrads([zeros([4, 2], { dtype: 'float64' }), ...params!.slice(1).map((p) => p.data())]),
    error: ShapeError, arg: 'gradient of parameter 0', expected: 'parameter has shape [2,4]', given: 'has shape [4,2]',
  }),
  kase({
    name: 'Optimizer.loadState: state of another optimizer', setup: trainedOptimizer,
    act: ({ optimizer, params }) => optimizer!.loadState(new Optimizer('sgd', params!.map((p) => p.detach())).state()),
    error: StateError, arg: 'adam.loadState', expected: "not 'adam'", given: "saved by optimizer 'sgd'",
  }),
  kase({
    name: 'Optimizer.loadState: a fractional step counter', setup: trainedOptimizer,
    act: ({ optimizer }) => optimizer!.loadState({ ...optimizer!.state(), step: 1.5 }),
    error: StateError, arg: "'step'", expected: 'must be a non-negative integer', given: 'but got 1.5',
  }),
  kase({
    name: 'Optimizer.loadState: a fractional counter inside the state (lookahead count)',
    setup: () => { const w = f64([[1, 2]]); const optimizer = new Optimizer('lookahead', [w]); return { optimizer, tensors: [w], optimizers: [optimizer] }; },
    act: ({ optimizer }) => { const s = optimizer!.state(); (s.groups[0]!.state as Record<string, unknown>).count = 1.5; optimizer!.loadState(s); },
    error: StateError, arg: 'groups[0].state.count', expected: 'expected a counter (an integer ≥ 0)', given: 'but got 1.5',
  }),
  kase({
    name: 'Optimizer.loadState: Infinity where a finite number is required',
    setup: () => { const w = f64([[1, 2]]); const optimizer = new Optimizer('lookahead', [w]); return { optimizer, tensors: [w], optimizers: [optimizer] }; },
    act: ({ optimizer }) => { const s = optimizer!.state(); (s.groups[0]!.state as Record<string, unknown>).count = { $number: 'Infinity' }; optimizer!.loadState(s); },
    error: StateError, arg: 'groups[0].state.count', expected: 'expected a finite number', given: 'but got Infinity',
  }),
  kase({
    name: 'Optimizer.loadState: a missing buffer is "undefined", not "undefined undefined"', setup: trainedOptimizer,
    act: ({ optimizer }) => optimizer!.loadState(dropFirstTypedArray(optimizer!.state())),
    error: StateError, arg: 'groups[0].state.adam.m[0]', expected: 'expected JSON data', given: /but got undefined$/,
  }),
  kase({ name: 'Optimizer: a parameter and its detached alias', act: () => { const w = f64([[1, 2]]); return new Optimizer('sgd', [w, w.detach()]); }, error: ValueError, arg: 'parameter 1 (shape [1,2])', expected: 'shares its storage with parameter 0 (shape [1,2])', given: 'a view or a detached alias' }),
  kase({ name: 'Optimizer: a parameter and a reshaped view of it (CPU: reshape returns a view)', act: () => onCpu(() => { const w = f64([[1, 2], [3, 4]]); return new Optimizer('adam', [{ params: [w] }, { params: [T.reshape(w, [4])] }]); }), error: ValueError, arg: 'parameter 0 (parameter group 1) (shape [4])', expected: 'shares its storage with parameter 0 (parameter group 0) (shape [2,2])', given: 'the same values twice' }),
  kase({
    name: 'Trainer: a model listing the same storage twice',
    act: () => { const w = f64([[1, 2], [3, 4]]).requireGrad(); const alias = w.detach().requireGrad(); return new Trainer(trainerConfig({ model: { parameters: () => [w, alias], forward: (x: Tensor) => x.matmul(w).matmul(alias) } })); },
    error: ValueError, arg: 'parameter 1 (shape [2,2])', expected: 'shares its storage with parameter 0', given: 'detached alias',
  }),
  kase({
    name: 'Optimizer.loadState: an unknown format version', setup: trainedOptimizer,
    act: ({ optimizer }) => optimizer!.loadState({ ...optimizer!.state(), format: 'descent.optimizer/2' }),
    error: StateError, arg: 'format', expected: "'descent.optimizer/1'", given: '"descent.optimizer/2"',
  }),

  // schedulers
  kase({ name: 'step: stepSize 0', act: () => createScheduler('step', { stepSize: 0 }, 0.1), error: ValueError, arg: "option 'stepSize'", expected: 'positive integer', given: 'but got 0' }),
  kase({ name: 'cosine: unknown option tmax', act: () => createScheduler('cosine', { tmax: 10 }, 0.1), error: ConfigError, arg: "option 'tmax'", expected: "did you mean 'tMax'?", given: 'unknown' }),
  kase({ name: 'exponential: gamma NaN', act: () => createScheduler('exponential', { gamma: NaN }, 0.1), error: ValueError, arg: "option 'gamma'", expected: 'finite number > 0', given: 'but got NaN' }),
  kase({ name: 'plateau: unknown mode', act: () => createScheduler('plateau', { mode: 'up' }, 0.1), error: ValueError, arg: "option 'mode'", expected: "one of 'min', 'max'", given: 'but got "up"' }),
  kase({ name: 'onecycle: pctStart above 1', act: () => createScheduler('onecycle', { maxLr: 0.1, totalSteps: 10, pctStart: 1.5 }, 0.1), error: ValueError, arg: "option 'pctStart'", expected: 'in [0, 1]', given: 'but got 1.5' }),
  kase({ name: 'onecycle: stepped past its total', act: () => createScheduler('onecycle', { maxLr: 0.1, totalSteps: 10 }, 0.1).lr(11), error: ValueError, arg: 'step 11', expected: 'exists for steps 0…10', given: 'total steps is 10' }),
  kase({ name: 'Trainer.fit: an Optimizer instead of data says "an Optimizer"', setup: () => trainedTrainer(), act: ({ trainer }) => trainer.fit(trainer.optimizer as never), error: ValueError, arg: 'training data', expected: 'must be { x, y }', given: 'but got an Optimizer' }),
  kase({ name: 'cosine.loadState: the state of a stateful schedule', act: () => createScheduler('cosine', { tMax: 10 }, 0.1).loadState({ best: 1, numBadEpochs: 2 }), error: StateError, arg: 'cosine: loadState', expected: 'expects {} (the schedule keeps no state)', given: 'but got fields best, numBadEpochs' }),
  kase({ name: 'plateau.loadState: best null (ambiguous: ±Infinity)', act: () => createScheduler('plateau', {}, 0.1).loadState({ lr: 0.1, best: null, numBadEpochs: 0, cooldownCounter: 0, lastEpoch: 0 }), error: StateError, arg: "'best'", expected: "'Infinity' or '-Infinity'", given: 'but got null' }),
  kase({ name: 'plateau.loadState: a fractional bad-epoch counter', act: () => createScheduler('plateau', {}, 0.1).loadState({ lr: 0.1, best: 1, numBadEpochs: 1.5, cooldownCounter: 0, lastEpoch: 0 }), error: StateError, arg: "'numBadEpochs'", expected: 'an integer ≥ 0', given: 'but got 1.5' }),
  kase({ name: 'plateau.loadState: NaN best', act: () => createScheduler('plateau', {}, 0.1).loadState({ lr: 0.1, best: NaN, numBadEpochs: 0, cooldownCounter: 0, lastEpoch: 0 }), error: StateError, arg: "'best'", expected: 'a finite number', given: 'but got NaN' }),
  kase({ name: 'plateau.loadState: a fractional lastEpoch', act: () => createScheduler('plateau', {}, 0.1).loadState({ lr: 0.1, best: 1, numBadEpochs: 0, cooldownCounter: 0, lastEpoch: 0.5 }), error: StateError, arg: "'lastEpoch'", expected: 'an integer', given: 'but got 0.5' }),
  kase({ name: 'unknown scheduler name lists the known ones', act: () => createScheduler('warmup', {}, 0.1), error: RegistryError, arg: 'scheduler', expected: `Registered: ${schedulers.names().join(', ')}`, given: "'warmup'" }),

  // trainer
  kase({ name: 'Trainer.fit: empty data set', setup: () => trainedTrainer(), act: ({ trainer }) => trainer.fit({ x: zeros([0, 2], { dtype: 'float64' }), y: [] }), error: ValueError, arg: 'training data', expected: 'is empty', given: 'shape [0,2]' }),
  kase({ name: 'Trainer: batch size 0', setup: () => { const model = mlp(); return { model, tensors: modelTensors(model) }; }, act: ({ model }) => new Trainer(trainerConfig({ model, batchSize: 0 })), error: ValueError, arg: 'batchSize', expected: 'integer ≥ 1', given: 'but got 0' }),
  kase({ name: 'Trainer.fit: batch size larger than the data', setup: () => trainedTrainer({ batchSize: 12 }), act: ({ trainer }) => trainer.fit({ x: data.x.slice([0, 0], [8, 2]), y: data.y.slice(0, 8) }), error: ValueError, arg: 'batchSize (12)', expected: 'use batchSize ≤ 8', given: 'larger than the training data (8 samples)' }),
  kase({ name: 'Trainer.fit: x and y of different lengths', setup: () => trainedTrainer(), act: ({ trainer }) => trainer.fit({ x: data.x, y: data.y.slice(1) }), error: ShapeError, arg: 'training data', expected: 'one entry per sample', given: '12 inputs (x has shape [12,2]) but 11 targets' }),
  kase({ name: 'Trainer.fit: a label the model has no output for', setup: () => trainedTrainer(), act: ({ trainer }) => trainer.fit({ x: data.x, y: data.y.map((c, i) => (i === 9 ? 3 : c)) }), error: ValueError, arg: 'y[9]', expected: 'class index in [0, 2] (the model gives 3 class scores per sample)', given: 'but got 3' }),
  kase({ name: 'Trainer.fit: a fractional validation label', setup: () => trainedTrainer(), act: ({ trainer }) => trainer.fit(data, { validation: { x: data.x, y: data.y.map((c, i) => (i === 2 ? 0.5 : c)) } }), error: ValueError, arg: 'validation labels', expected: 'integer class index in [0, 2]', given: 'but got 0.5' }),
  kase({ name: 'Trainer.fit: one-hot targets with the crossEntropy loss', setup: () => trainedTrainer(), act: ({ trainer }) => trainer.fit({ x: data.x, y: T.oneHot(data.y, 3, { dtype: 'float64' }) }), error: ShapeError, arg: 'training targets', expected: 'class indices (a list or a 1-D tensor, one per sample)', given: 'tensor of shape [12,3]' }),
  kase({ name: 'Trainer.fit: regression targets of another shape than the outputs', setup: () => trainedTrainer({ loss: 'mse' }, { x: data.x, y: T.oneHot(data.y, 3, { dtype: 'float64' }) }), act: ({ trainer }) => trainer.fit({ x: data.x, y: zeros([12, 2], { dtype: 'float64' }) }), error: ShapeError, arg: 'mse: prediction', expected: 'has shape [4,3]', given: 'target has shape [4,2]' }),
  kase({
    name: 'Trainer.fit: a one-cycle schedule shorter than the run',
    setup: () => trainedTrainer({ scheduler: { name: 'onecycle', options: { maxLr: 0.1, totalSteps: 3 } } }),
    act: ({ trainer }) => trainer.fit({ x: T.concat([data.x, data.x]), y: [...data.y, ...data.y] }),
    error: ValueError, arg: "scheduler 'onecycle' has totalSteps 3", expected: 'raise totalSteps to at least 5', given: 'this run takes 6 steps',
  }),
  kase({ name: 'Trainer.fit: unknown option', setup: () => trainedTrainer(), act: ({ trainer }) => trainer.fit(data, { validaton: data } as never), error: ConfigError, arg: "option 'validaton'", expected: 'Known options: validation, resumeFrom', given: 'unknown' }),

  // config objects and { name, options } plugin specs
  kase({ name: 'Trainer config: unknown key', act: () => new Trainer({ ...trainerConfig(), shuffle: true } as TrainerConfig), error: ConfigError, arg: "key 'shuffle'", expected: 'Known keys: model, loss, optimizer', given: 'unknown config key' }),
  kase({ name: 'Trainer config: wrong type', act: () => new Trainer(trainerConfig({ dropLast: 'yes' as never })), error: ConfigError, arg: 'dropLast', expected: 'true or false', given: 'but got "yes"' }),
  kase({ name: 'plugin spec: unknown field next to name and options', act: () => new Trainer(trainerConfig({ regularizers: [{ name: 'l2', options: { lambda: 1e-4 }, weight: 1 } as never] })), error: ConfigError, arg: 'regularizers[0]', expected: 'in { name, options }', given: "unknown field 'weight'" }),
  kase({ name: 'optimizer spec: unknown field', act: () => new Trainer(trainerConfig({ optimizer: { name: 'sgd', options: { lr: 0.1 }, lr: 0.5 } as never })), error: ConfigError, arg: 'optimizer', expected: 'in { name, options }', given: "unknown field 'lr'" }),
  kase({ name: 'scheduler spec: misspelt options field', act: () => new Trainer(trainerConfig({ scheduler: { name: 'cosine', option: { tMax: 3 } } as never })), error: ConfigError, arg: 'scheduler', expected: 'in { name, options }', given: "unknown field 'option'" }),
  kase({ name: 'plugin options: wrong type', act: () => new Trainer(trainerConfig({ regularizers: [{ name: 'l2', options: { lambda: '1e-4' } }] })), error: ConfigError, arg: "option 'lambda'", expected: 'must be a number', given: 'but got "1e-4" (string)' }),
  kase({ name: 'plugin options: unknown name', act: () => new Trainer(trainerConfig({ callbacks: [{ name: 'earlyStopping', options: { patiance: 3 } }] })), error: ConfigError, arg: "option 'patiance'", expected: 'Known options: monitor, mode, patience', given: 'unknown' }),
  kase({ name: 'plugin options: a plugin that takes none', act: () => new Trainer(trainerConfig({ order: { name: 'shuffle', options: { seed: 3 } } })), error: ConfigError, arg: "option 'seed'", expected: 'it takes no options', given: 'unknown' }),
  kase({ name: 'plugin spec: unknown plugin name', act: () => new Trainer(trainerConfig({ gradients: ['clipNorm'] })), error: RegistryError, arg: 'gradient', expected: 'Registered: clipGradNorm, clipGradValue, gradientNoise', given: "'clipNorm'" }),

  // callbacks that throw what is not an extensible Error (issue 13): wrapped, naming callback and hook
  kase({
    name: 'callback: throws a string',
    setup: () => { const model = mlp(); return { trainer: new Trainer(trainerConfig({ model, callbacks: [throwing('thrower', 'onBatchBegin', 'disk full')] })), tensors: modelTensors(model) }; },
    act: ({ trainer }) => trainer.fit(data),
    error: T.CallbackError, arg: "callback 'thrower' (onBatchBegin)", expected: 'threw a string', given: '"disk full"',
  }),
  kase({
    name: 'callback: throws a frozen Error',
    setup: () => { const model = mlp(); return { trainer: new Trainer(trainerConfig({ model, callbacks: [throwing('frozen', 'onBackwardEnd', Object.freeze(new RangeError('frozen message')))] })), tensors: modelTensors(model) }; },
    act: ({ trainer }) => trainer.fit(data),
    error: T.CallbackError, arg: "callback 'frozen' (onBackwardEnd)", expected: 'threw a frozen RangeError', given: 'frozen message',
  }),

  // checkpoints and state files
  kase({
    name: 'checkpoint: truncated file', setup: () => ({ ...trainedTrainer(), ...checkpointCtx((g) => g.subarray(0, g.length >> 1)) }),
    act: ({ trainer, path }) => trainer.fit(data, { resumeFrom: path }),
    error: StateError, arg: 'checkpoint', expected: 'valid JSON', given: 'truncated or corrupted?',
  }),
  kase({
    name: 'checkpoint: a flipped byte', setup: () => ({ ...trainedTrainer(), ...checkpointCtx((g) => g.toString('utf8').replace('adam', 'adbm')) }),
    act: ({ trainer, path }) => trainer.fit(data, { resumeFrom: path }),
    error: StateError, arg: 'checksum', expected: 'does not match the content', given: 'corrupted',
  }),
  kase({
    name: 'checkpoint: wrong format version', setup: () => ({ ...trainedTrainer(), ...checkpointCtx((g) => g.toString('utf8').replace('descent.checkpoint/1', 'descent.checkpoint/2')) }),
    act: ({ trainer, path }) => trainer.fit(data, { resumeFrom: path }),
    error: StateError, arg: 'format', expected: "'descent.checkpoint/1'", given: '"descent.checkpoint/2"',
  }),
  kase({
    name: 'checkpoint: of another model',
    setup: () => {
      const rng = new Rng(0);
      const wider = new Sequential(new Linear(2, 5, { rng, dtype: 'float64' }), new ReLU(), new Linear(5, 3, { rng, dtype: 'float64' }));
      return { ...trainedTrainer({ model: wider }), ...checkpointCtx((g) => g) };
    },
    act: ({ trainer, path }) => trainer.fit(data, { resumeFrom: path }),
    error: StateError, arg: "parameter 0: checkpoint '0.weight'", expected: "model '0.weight' float64 [2,5]", given: 'float64 [2,4]',
  }),
  kase({
    name: 'checkpoint: of another batch size', setup: () => ({ ...trainedTrainer({ batchSize: 3 }), ...checkpointCtx((g) => g) }),
    act: ({ trainer, path }) => trainer.fit(data, { resumeFrom: path }),
    error: StateError, arg: 'batchSize', expected: 'trainer 3', given: 'checkpoint 4',
  }),
  kase({
    name: 'checkpoint: a missing file', setup: () => ({ ...trainedTrainer(), dirs: [dir] }),
    act: ({ trainer }) => trainer.fit(data, { resumeFrom: file('nope.json') }),
    error: StateError, arg: 'nope.json', expected: 'cannot read the file', given: 'no such file',
  }),
  // checkpoints whose checksum is valid but whose body is not a checkpoint (issue 13): nothing is loaded
  kase({
    name: 'checkpoint: the file is JSON null', setup: () => ({ ...trainedTrainer(), ...checkpointCtx(() => 'null') }),
    act: ({ trainer, path }) => trainer.fit(data, { resumeFrom: path }),
    error: StateError, arg: 'checkpoint', expected: 'expected a checkpoint object', given: 'but got null',
  }),
  kase({
    name: 'checkpoint body: a counter of the wrong type', setup: () => ({ ...trainedTrainer(), ...editedCheckpoint((b) => { b.progress.step = '3'; }) }),
    act: ({ trainer, path }) => trainer.fit(data, { resumeFrom: path }),
    error: StateError, arg: 'progress.step', expected: 'must be an integer ≥ 0', given: 'but got "3"',
  }),
  kase({
    name: 'checkpoint body: an out-of-range batch', setup: () => ({ ...trainedTrainer(), ...editedCheckpoint((b) => { b.progress.batch = 7; b.progress.step = 10; }) }),
    act: ({ trainer, path }) => trainer.fit(data, { resumeFrom: path }),
    error: StateError, arg: 'progress.batch', expected: 'at most the steps per epoch (3)', given: 'but got 7',
  }),
  kase({
    name: 'checkpoint body: an unknown stop reason', setup: () => ({ ...trainedTrainer(), ...editedCheckpoint((b) => { b.progress.stop = { reason: 'bored', message: 'x' }; }) }),
    act: ({ trainer, path }) => trainer.fit(data, { resumeFrom: path }),
    error: StateError, arg: 'progress.stop.reason', expected: 'one of epochs, earlyStopping, gradTolerance, callback', given: 'but got "bored"',
  }),
  kase({
    name: 'checkpoint body: a history that is not an array', setup: () => ({ ...trainedTrainer(), ...editedCheckpoint((b) => { b.history.steps = { 0: 1 }; }) }),
    act: ({ trainer, path }) => trainer.fit(data, { resumeFrom: path }),
    error: StateError, arg: 'history.steps', expected: 'must be an array', given: 'but got {"0":1}',
  }),
  kase({
    name: 'checkpoint body: a fractional accumulator count', setup: () => ({ ...trainedTrainer(), ...editedCheckpoint((b) => { b.accumulator.steps = 1.5; }) }),
    act: ({ trainer, path }) => trainer.fit(data, { resumeFrom: path }),
    error: StateError, arg: 'accumulator.steps', expected: 'must be an integer ≥ 0', given: 'but got 1.5',
  }),
  kase({
    name: 'checkpoint body: a NaN optimizer step (found after the model was checked: rolled back)',
    setup: () => ({ ...trainedTrainer(), ...editedCheckpoint((b) => { b.optimizer.step = { $nonFinite: 'NaN' }; }) }),
    act: ({ trainer, path }) => trainer.fit(data, { resumeFrom: path }),
    error: StateError, arg: "'step'", expected: 'must be a non-negative integer', given: 'but got NaN',
  }),
  kase({
    name: 'loadState: truncated model file',
    setup: () => { const model = mlp(9); const c = checkpointCtx(() => readFileSync(file('model.json')).subarray(0, 100)); return { model, ...c, files: [...c.files, file('model.json')], tensors: modelTensors(model) }; },
    act: ({ model, path }) => loadState(model, path),
    error: StateError, arg: 'loadState', expected: 'not valid JSON', given: 'truncated or corrupt?',
  }),
  kase({
    name: 'loadState: wrong format version',
    setup: () => {
      const model = mlp(9);
      const c = checkpointCtx(() => JSON.stringify({ ...JSON.parse(readFileSync(file('model.json'), 'utf8')), version: 2 }));
      return { model, ...c, tensors: modelTensors(model) };
    },
    act: ({ model, path }) => loadState(model, path),
    error: StateError, arg: 'version', expected: 'reads version 1', given: 'unsupported version 2',
  }),
  kase({
    name: 'loadState: a model of another shape',
    setup: () => {
      const rng = new Rng(0);
      const model = new Sequential(new Linear(2, 5, { rng, dtype: 'float64' }), new ReLU(), new Linear(5, 3, { rng, dtype: 'float64' }));
      return { model, tensors: modelTensors(model), files: [file('model.json')], dirs: [dir] };
    },
    act: ({ model }) => loadState(model, file('model.json')),
    error: StateError, arg: '0.weight', expected: 'model [2,5]', given: 'state [2,4]',
  }),
];

// Every hyperparameter of every registered optimizer, with values out of range or of the wrong
// type, plus the typos `weight_decay` and `lR`: each is an error naming the option.
function badValues(defaultValue: unknown): Array<[unknown, string, ErrorClass]> {
  if (typeof defaultValue === 'number' || defaultValue === undefined) return [[-1, '-1', ValueError], [NaN, 'NaN', ValueError]];
  if (typeof defaultValue === 'boolean') return [['yes', '"yes"', ConfigError]];
  if (Array.isArray(defaultValue)) return [[[0.9, 1], '[0.9,1]', ValueError], [[0.9, NaN], '[0.9,NaN]', ValueError]];
  return [[42, '42', ConfigError]];
}
// Options whose valid range contains the generic bad values above get their own.
const OWN_BAD_VALUES: Record<string, Array<[unknown, string, ErrorClass]>> = {
  'adafactor.beta2Decay': [[1, '1', ValueError], [NaN, 'NaN', ValueError]], // τ ≤ 0: −1 is valid
  'adafactor.eps': [[[-1, 1e-3], '[-1,0.001]', ValueError], [[null, NaN], '[null,NaN]', ValueError]], // [0.9, 1] is valid
  'prodigy.beta3': [[42, '42', ValueError], [-1, '-1', ValueError]], // null (√β₂) or a number
  'lbfgs.maxEval': [[0, '0', ValueError], [1.5, '1.5', ValueError]], // null (1.25·maxIter) or a count: 42 is valid
  'lbfgs.lineSearch': [['wolfe', '"wolfe"', ValueError]], // null or 'strong_wolfe'
};
const sweep: Case[] = [];
for (const name of optimizers.names()) {
  const known = Object.keys(getOptimizerPlugin(name).defaults);
  for (const [option, defaultValue] of Object.entries(getOptimizerPlugin(name).defaults as Record<string, unknown>)) {
    for (const [value, shown, error] of OWN_BAD_VALUES[`${name}.${option}`] ?? badValues(defaultValue)) {
      sweep.push(kase({
        name: `${name}: ${option} = ${shown}`, setup: trainedOptimizer, act: ({ params }) => new Optimizer(name, params!, { [option]: value }),
        error, arg: `${name}: option '${option}'`, expected: 'must be', given: `but got ${shown}`,
      }));
    }
  }
  for (const typo of ['weight_decay', 'lR']) {
    sweep.push(kase({
      name: `${name}: unknown option ${typo}`, setup: trainedOptimizer, act: ({ params }) => new Optimizer(name, params!, { [typo]: 0.1 }),
      error: ConfigError, arg: `${name}: unknown option '${typo}'`, expected: `Known options: ${known.join(', ')}`, given: typo,
    }));
  }
}

// ── issue 13, tensor package: option typos and types, duplicate axes, gradients of tensors that do
// not require grad, in-place writes between forward and backward, sizes past the typed-array limit ──

const { SavedTensorModifiedError, SizeLimitError } = T;
const m22 = () => zeros([2, 2]);
/** Every options object of the tensor package with a typo: [case name, call, the typo, the known option it means]. */
const optionTypos: Array<[string, () => unknown, string, string]> = [
  ['tensor', () => tensor([1, 2], { dtyp: 'float64' } as never), 'dtyp', 'dtype'],
  ['tensor', () => tensor(new Float32Array(4), { shap: [2, 2] } as never), 'shap', 'shape'],
  ['zeros', () => zeros([2], { dtyp: 'float64' } as never), 'dtyp', 'dtype'],
  ['ones', () => T.ones([2], { DType: 'float64' } as never), 'DType', 'dtype'],
  ['full', () => T.full([2], 3, { dtype_: 'float64' } as never), 'dtype_', 'dtype'],
  ['scalar', () => T.scalar(3, { dtyp: 'float64' } as never), 'dtyp', 'dtype'],
  ['arange', () => T.arange(0, 3, 1, { dtyp: 'float64' } as never), 'dtyp', 'dtype'],
  ['eye', () => T.eye(2, 2, { dtyp: 'float64' } as never), 'dtyp', 'dtype'],
  ['uniform', () => T.uniform([2], 0, 1, new Rng(0), { dtyp: 'float64' } as never), 'dtyp', 'dtype'],
  ['rand', () => T.rand([2], new Rng(0), { dtyp: 'float64' } as never), 'dtyp', 'dtype'],
  ['randn', () => T.randn([2], new Rng(0), { stdev: 2 } as never), 'stdev', 'std'],
  ['sum', () => T.sum(m22(), 1, { keepdim: true } as never), 'keepdim', 'keepDims'],
  ['mean', () => T.mean(m22(), 1, { keep_dims: true } as never), 'keep_dims', 'keepDims'],
  ['max', () => T.max(m22(), 1, { keepdims: true } as never), 'keepdims', 'keepDims'],
  ['min', () => T.min(m22(), 1, { keepdim: true } as never), 'keepdim', 'keepDims'],
  ['variance', () => T.variance(m22(), 1, { corection: 0 } as never), 'corection', 'correction'],
  ['matmul', () => T.matmul(m22(), m22(), { transpose_b: true } as never), 'transpose_b', 'transposeB'],
  ['oneHot', () => T.oneHot([0, 1], 2, { dtyp: 'float64' } as never), 'dtyp', 'dtype'],
  ['crossEntropy', () => T.crossEntropy(m22(), [0, 1], { label_smoothing: 0.1 } as never), 'label_smoothing', 'labelSmoothing'],
  ['backward', () => tensor([1]).requireGrad().sum().backward({ retain_graph: true } as never), 'retain_graph', 'retainGraph'],
  ['backward', () => T.gradients(tensor([1]).requireGrad().sum(), [], { sed: tensor(1) } as never), 'sed', 'seed'],
  ['registerKernel', () => T.registerKernel({ kernelName: 'Neg', backendName: 'cpu', kernelFunc: () => [] }, { replce: true } as never), 'replce', 'replace'],
  ['registerGradient', () => T.registerGradient({ kernelName: 'Neg', gradFunc: () => ({}) }, { Replace: true } as never), 'Replace', 'replace'],
  ['registerBackend', () => T.registerBackend(T.cpuBackend, { replaced: true } as never), 'replaced', 'replace'],
];
/** Option values of the wrong type: [case name, call, the option, the type it must have, the value as the message shows it]. */
const optionTypes: Array<[string, () => unknown, string, string, string]> = [
  ['matmul', () => T.matmul(m22(), m22(), { transposeB: 'no' } as never), 'transposeB', 'a boolean', "'no' (string)"],
  ['matmul', () => T.matmul(m22(), m22(), { transposeA: 1 } as never), 'transposeA', 'a boolean', '1 (number)'],
  ['sum', () => T.sum(m22(), 0, { keepDims: 'true' } as never), 'keepDims', 'a boolean', "'true' (string)"],
  ['max', () => T.max(m22(), 0, { keepDims: 0 } as never), 'keepDims', 'a boolean', '0 (number)'],
  ['variance', () => T.variance(m22(), 0, { correction: '1' } as never), 'correction', 'a number', "'1' (string)"],
  ['randn', () => T.randn([2], new Rng(0), { std: '2' } as never), 'std', 'a number', "'2' (string)"],
  ['crossEntropy', () => T.crossEntropy(m22(), [0, 1], { labelSmoothing: true } as never), 'labelSmoothing', 'a number', 'true (boolean)'],
  ['crossEntropy', () => T.crossEntropy(m22(), [0, 1], { reduction: 1 } as never), 'reduction', 'a string', '1 (number)'],
  ['backward', () => tensor([1]).requireGrad().sum().backward({ retainGraph: 'yes' } as never), 'retainGraph', 'a boolean', "'yes' (string)"],
  ['registerBackend', () => T.registerBackend(T.cpuBackend, { replace: 'yes' } as never), 'replace', 'a boolean', "'yes' (string)"],
];
/** Reductions with an axis given twice on a [2,3] tensor. */
const duplicateAxes: Array<[string, (x: Tensor, axes: number[]) => unknown, number[], number]> = [
  ['sum', (x, a) => T.sum(x, a), [1, 1], 1],
  ['sum', (x, a) => T.sum(x, a), [1, -1], 1],
  ['mean', (x, a) => T.mean(x, a), [0, -2], 0],
  ['max', (x, a) => T.max(x, a), [1, -1], 1],
  ['min', (x, a) => T.min(x, a), [0, 0], 0],
  ['variance', (x, a) => T.variance(x, a), [-1, 1], 1],
];
/** Shapes past MAX_ELEMENTS (2³²) through every creation path. */
const huge = '1000000000000 elements';
const limit = `more than a tensor can hold (${T.MAX_ELEMENTS}`;

/** A float64 weight, a loss of it recorded, then `write` run between forward and backward. */
function modifiedAfterForward(forward: (w: Tensor) => Tensor, write: (w: Tensor) => void) {
  const w = f64([[1, 2], [3, 4]]).requireGrad();
  const loss = forward(w);
  write(w);
  return { w, loss, tensors: [w] };
}

const issue13TensorCases: Case[] = [
  ...optionTypos.map(([op, act, typo, meant]) => kase({
    name: `${op}: unknown option ${typo}`, act, error: ConfigError, arg: `${op}: unknown option '${typo}'`, expected: `did you mean '${meant}'?`, given: `'${typo}'`,
  })),
  ...optionTypes.map(([op, act, option, type, shown]) => kase({
    name: `${op}: option ${option} = ${shown}`, act, error: ValueError, arg: `${op}: option '${option}'`, expected: `must be ${type}`, given: `but got ${shown}`,
  })),
  ...duplicateAxes.map(([op, reduce, axes, axis]) => kase({
    name: `${op}: axis ${JSON.stringify(axes)} names axis ${axis} twice`, act: () => reduce(zeros([2, 3]), axes), error: ValueError,
    arg: `${op}: axis ${axis}`, expected: 'each axis may be given once', given: `more than once in ${JSON.stringify(axes)}`,
  })),
  kase({
    name: 'gradients: a tensor the loss uses that does not require grad',
    setup: () => { const w = f64([[1, 2]]).requireGrad(); const x = f64([[3, 4]]); return { w, x, loss: w.mul(x).sum(), tensors: [w, x] }; },
    act: ({ w, x, loss }) => T.gradients(loss, [w, x]),
    error: GradientError, arg: "xs[1] does not require grad, but the output depends on it (input 'b' of 'Mul')", expected: 'Mark it with requireGrad()', given: 'does not require grad',
  }),
  kase({
    name: 'backward: a weight assigned between forward and backward',
    setup: () => modifiedAfterForward((w) => w.mul(w).sum(), (w) => w.assign([0, 0, 0, 0])),
    act: ({ loss }) => loss.backward(),
    error: SavedTensorModifiedError, arg: "input 'a' of 'Mul'", expected: 'expected version 0', given: 'at version 1',
  }),
  kase({
    name: 'backward: a detached alias assigned between forward and backward',
    setup: () => modifiedAfterForward((w) => T.matmul(w, w).sum(), (w) => w.detach().assign([0, 0, 0, 0])),
    act: ({ loss }) => loss.backward(),
    error: SavedTensorModifiedError, arg: "of 'MatMul'", expected: 'expected version 0', given: 'modified in place',
  }),
  kase({
    name: 'backward: a weight whose reshaped view was used, assigned between forward and backward',
    setup: () => modifiedAfterForward((w) => T.reshape(w, [4]).mul(T.reshape(w, [4])).sum(), (w) => w.assign([0, 0, 0, 0])),
    act: ({ loss }) => loss.backward(),
    error: SavedTensorModifiedError, arg: "of 'Mul' (a float64 tensor of shape [4])", expected: 'expected version 0', given: 'at version 1',
  }),
  kase({
    name: 'gradients: an optimizer step between forward and backward',
    setup: () => {
      const ctx = modifiedAfterForward((w) => w.mul(w).sum(), () => {});
      const optimizer = new Optimizer('sgd', [ctx.w], { lr: 0.1 });
      optimizer.stepWithGrads([new Float64Array([1, 1, 1, 1])]);
      return { ...ctx, optimizers: [optimizer] };
    },
    act: ({ loss, w }) => T.gradients(loss, [w]),
    error: SavedTensorModifiedError, arg: "of 'Mul'", expected: 'expected version 0', given: 'at version 1',
  }),
  kase({ name: 'zeros: 10^12 elements', act: () => zeros([1e6, 1e6]), error: SizeLimitError, arg: 'zeros: shape [1000000,1000000]', expected: limit, given: huge }),
  kase({ name: 'ones: 10^12 elements', act: () => T.ones([1e6, 1e6]), error: SizeLimitError, arg: 'ones: shape [1000000,1000000]', expected: limit, given: huge }),
  kase({ name: 'full: 10^12 elements', act: () => T.full([1e6, 1e6], 1), error: SizeLimitError, arg: 'full: shape [1000000,1000000]', expected: limit, given: huge }),
  kase({ name: 'randn: 10^12 elements', act: () => T.randn([1e6, 1e6], new Rng(0)), error: SizeLimitError, arg: 'randn: shape [1000000,1000000]', expected: limit, given: huge }),
  kase({ name: 'uniform: 10^12 elements', act: () => T.uniform([1e6, 1e6], 0, 1, new Rng(0)), error: SizeLimitError, arg: 'uniform: shape [1000000,1000000]', expected: limit, given: huge }),
  kase({ name: 'eye: 10^12 elements', act: () => T.eye(1e6), error: SizeLimitError, arg: 'eye: [n, m] [1000000,1000000]', expected: limit, given: huge }),
  kase({ name: 'arange: 10^12 elements', act: () => T.arange(0, 1e12), error: SizeLimitError, arg: 'arange: the range start=0, stop=1000000000000, step=1', expected: limit, given: huge }),
  kase({ name: 'reshape: to 10^12 elements', act: () => T.reshape(zeros([2]), [1e6, 1e6]), error: SizeLimitError, arg: 'reshape: shape [1000000,1000000]', expected: limit, given: huge }),
  kase({ name: 'broadcastTo: 10^12 elements', act: () => T.broadcastTo(zeros([1]), [1e6, 1e6]), error: SizeLimitError, arg: 'broadcastTo: shape [1000000,1000000]', expected: limit, given: huge }),
  kase({ name: 'matmul: an outer product of 10^10 elements', act: () => T.matmul(zeros([1e5, 1]), zeros([1, 1e5])), error: SizeLimitError, arg: 'MatMul (inputs a [100000,1], b [1,100000]): the output', expected: limit, given: '10000000000 elements' }),
  kase({ name: 'add: a broadcast to 10^10 elements', act: () => T.add(zeros([1e5, 1]), zeros([1, 1e5])), error: SizeLimitError, arg: 'Add (inputs a [100000,1], b [1,100000]): the output', expected: limit, given: '10000000000 elements' }),
  kase({ name: 'zeros: one past the limit', act: () => zeros([2 ** 16, 2 ** 16 + 1]), error: SizeLimitError, arg: 'zeros: shape [65536,65537]', expected: limit, given: `${2 ** 32 + 2 ** 16} elements` }),
];

// ── the runner ───────────────────────────────────────────────────────────────────────────────────

const contains = (message: string, part: string | RegExp) => (typeof part === 'string' ? message.includes(part) : part.test(message));

function snapshot(ctx: Partial<Ctx>) {
  return {
    tensors: (ctx.tensors ?? []).map((t) => Buffer.from(t.data().buffer).toString('hex')),
    optimizers: (ctx.optimizers ?? []).map((o) => JSON.stringify(o.state())),
    files: (ctx.files ?? []).map((f) => readFileSync(f).toString('base64')),
    dirs: (ctx.dirs ?? []).map((d) => readdirSync(d).sort()),
  };
}

function run(c: Case): void {
  const ctx = c.setup ? c.setup() : {};
  if (c.setup) {
    const watched = (ctx.tensors?.length ?? 0) + (ctx.optimizers?.length ?? 0) + (ctx.files?.length ?? 0) + (ctx.dirs?.length ?? 0);
    expect(watched, 'a case with a setup watches its state').to.be.above(0);
  }
  const before = snapshot(ctx);
  let error: unknown = null;
  try {
    c.act(ctx);
  } catch (e) {
    error = e;
  }
  expect(error, 'the call must throw').to.not.equal(null);
  expect(error, `${(error as Error).constructor?.name}: ${(error as Error).message}`).to.be.instanceOf(c.error);
  expect(error).to.be.instanceOf(DescentError);
  const message = (error as Error).message;
  expect(contains(message, c.arg), `names the argument ${String(c.arg)}:\n${message}`).to.equal(true);
  expect(contains(message, c.expected), `says what was expected (${String(c.expected)}):\n${message}`).to.equal(true);
  expect(contains(message, c.given), `says what was given (${String(c.given)}):\n${message}`).to.equal(true);
  expect(snapshot(ctx), 'nothing changed').to.deep.equal(before);
}

describe('bad input across the public API', () => {
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'descent-bad-input-'));
    const t = new Trainer(trainerConfig({ callbacks: [{ name: 'checkpoint', options: { path: file('good.json') } }] }));
    t.fit(data);
    saveState(mlp(3), file('model.json'));
    mkdirSync(file('sub'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it(`has at least 40 hand-written cases (${cases.length}) and sweeps ${sweep.length} optimizer options`, () => {
    expect(cases.length).to.be.at.least(40);
    expect(new Set(cases.map((c) => c.name)).size, 'case names are unique').to.equal(cases.length);
  });

  describe('table', () => {
    for (const c of cases) it(c.name, () => run(c));
  });

  describe('every optimizer hyperparameter', () => {
    for (const c of sweep) it(c.name, () => run(c));
  });
});

describe('bad input: what a callback threw is kept as the cause', () => {
  for (const [what, value] of [['a string', 'disk full'], ['a frozen Error', Object.freeze(new Error('frozen'))], ['undefined', undefined]] as const) {
    it(what, () => {
      const t = new Trainer(trainerConfig({ callbacks: [throwing('odd', 'onBatchBegin', value)] }));
      let error: unknown = null;
      try { t.fit(data); } catch (e) { error = e; }
      expect(error).to.be.instanceOf(T.CallbackError);
      expect(error).to.include({ callback: 'odd', hook: 'onBatchBegin' });
      expect((error as Error).cause).to.equal(value);
    });
  }
});

describe('bad input: a failed backward can be retried', () => {
  it('a kernel without a gradient rule fails the backward pass without freeing the graph', () => {
    const name = 'TestOpWithoutGradient';
    if (!T.getKernel(name, 'cpu')) {
      T.registerKernel({ kernelName: name, backendName: 'cpu', kernelFunc: ({ inputs }) => inputs.x! });
    }
    const w = f64([[1, 2]]).requireGrad();
    const loss = T.runKernel(name, { x: w.mul(3) }).sum();
    for (let attempt = 0; attempt < 2; attempt++) {
      expect(() => loss.backward(), `attempt ${attempt + 1}`).to.throw(GradientError, /gradient function not found for TestOpWithoutGradient/);
    }
    expect(w.grad).to.equal(null);
  });
});

describe('bad input: tensor options, duplicate axes, gradients, in-place writes and sizes (issue 13)', () => {
  for (const c of issue13TensorCases) it(c.name, () => run(c));
});
