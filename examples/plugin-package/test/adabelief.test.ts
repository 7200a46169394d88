// The plugin's own tests, with Node's test runner: the conformance kit, then a short training run
// through the Trainer (a plugin object where a name would go, cycled by onecycle).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng, tensor } from '@descent/tensor';
import { Linear, ReLU, Sequential } from '@descent/layers';
import { createOptimizer, Trainer } from '@descent/optim';
import { checkOptimizer } from '@descent/optim/testing';
import { adaBelief } from '../src/index.js';

test('adabelief passes the conformance kit', () => {
  checkOptimizer(adaBelief, { lr: 0.01 }, { stepDependent: true });
});

test('adabelief minimises a quadratic', () => {
  const w = tensor([3, -2, 1], { dtype: 'float64' });
  const opt = createOptimizer(adaBelief, [w], { lr: 0.1 });
  for (let t = 0; t < 200; t++) opt.stepWithGrads([w.data().map((v, i) => (i + 1) * v)]);
  assert.ok(Math.hypot(...w.data()) < 0.05, `‖w‖ = ${Math.hypot(...w.data())}`);
});

test('adabelief trains a small classifier with the Trainer and onecycle', () => {
  const rng = new Rng(0);
  const xs: number[][] = [], y: number[] = [];
  for (let i = 0; i < 64; i++) { const c = i % 2; xs.push([rng.normal() * 0.5 + (c ? 1 : -1), rng.normal() * 0.5]); y.push(c); }
  const model = new Sequential(new Linear(2, 8, { rng: rng.split() }), new ReLU(), new Linear(8, 2, { rng: rng.split() }));
  const trainer = new Trainer({
    model, loss: 'crossEntropy', optimizer: { name: adaBelief, options: { lr: 0.01 } },
    scheduler: { name: 'onecycle', options: { maxLr: 0.05 } }, batchSize: 16, epochs: 15, seed: 0, progressBar: false,
  });
  const history = trainer.fit({ x: tensor(xs), y });
  const first = history.steps[0]!, last = history.epochs.at(-1)!;
  assert.equal(typeof first.momentum, 'number');
  assert.ok(last.loss < first.loss / 2, `loss ${first.loss} → ${last.loss}`);
  console.log(`trained: loss ${first.loss.toFixed(4)} → ${last.loss.toFixed(4)}, accuracy ${last.accuracy}`);
});
