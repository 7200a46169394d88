import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { saveSafetensors } from '@descent/layers';
import { StateError, tensor } from '@descent/tensor';
import { Optimizer, loadOptimizerSafetensors, optimizerStateTensors, saveOptimizerSafetensors } from '@descent/optim';

function setup(name: string, options: Record<string, unknown>): Optimizer {
  const p = tensor([1, 2, 3], { dtype: 'float64' }).requireGrad();
  const q = tensor([[1, 2], [3, 4]], { dtype: 'float32' }).requireGrad();
  return new Optimizer(name, [{ params: [p] }, { params: [q], options: { lr: 0.2 } }] as never, { lr: 0.1, ...options } as never);
}

function run(opt: Optimizer, steps: number): void {
  for (let s = 0; s < steps; s++) opt.stepWithGrads([tensor([0.1, -0.2, 0.3 * s], { dtype: 'float64' }), tensor([[1, s], [-1, 0.5]])]);
}

describe('optimizer state as safetensors', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'descent-opt-st-')); });
  afterEach(() => { rmSync(dir, { recursive: true, force: true }); });

  it("names per-parameter state as PyTorch's optimizer state_dict does, with the parameters' shapes", () => {
    const { tensors, metadata } = optimizerStateTensors((() => { const o = setup('adam', { amsgrad: true }); run(o, 2); return o; })());
    expect(Object.fromEntries(Object.entries(tensors).map(([k, v]) => [k, v.shape]))).to.deep.equal({
      'state.0.exp_avg': [3], 'state.0.exp_avg_sq': [3], 'state.0.max_exp_avg_sq': [3],
      'state.1.exp_avg': [2, 2], 'state.1.exp_avg_sq': [2, 2], 'state.1.max_exp_avg_sq': [2, 2],
    });
    expect(JSON.parse(metadata.param_groups!)).to.deep.equal([
      { lr: 0.1, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0, amsgrad: true, params: [0] },
      { lr: 0.2, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0, amsgrad: true, params: [1] },
    ]);
    expect(metadata.step).to.equal('2');
  });

  for (const [name, options] of [['adam', {}], ['sgd', { momentum: 0.9, nesterov: true }], ['rmsprop', { centered: true, momentum: 0.5 }], ['lookahead', { inner: { name: 'adam', options: {} } }]] as const) {
    it(`${name}: a saved state resumes bit for bit (the next steps equal an uninterrupted run's)`, () => {
      const a = setup(name, options);
      run(a, 3);
      const path = join(dir, 'opt.safetensors');
      saveOptimizerSafetensors(a, path);
      const b = setup(name, options);
      b.params.forEach((p, i) => p.assign(a.params[i]!));
      loadOptimizerSafetensors(b, path);
      expect(JSON.stringify(b.state())).to.equal(JSON.stringify(a.state()));
      run(a, 2);
      run(b, 2);
      b.params.forEach((p, i) => expect(Array.from(p.data())).to.deep.equal(Array.from(a.params[i]!.data())));
    });
  }

  it('rejects a file without descent optimizer state, and a mismatched optimizer, changing nothing', () => {
    const path = join(dir, 'plain.safetensors');
    saveSafetensors(path, { w: tensor([1]) });
    const opt = setup('adam', {});
    run(opt, 1);
    const before = JSON.stringify(opt.state());
    expect(() => loadOptimizerSafetensors(opt, path)).to.throw(StateError, /holds no descent optimizer state/);
    const sgdPath = join(dir, 'sgd.safetensors');
    const sgd = setup('sgd', { momentum: 0.9 });
    run(sgd, 1);
    saveOptimizerSafetensors(sgd, sgdPath);
    expect(() => loadOptimizerSafetensors(opt, sgdPath)).to.throw(StateError);
    expect(JSON.stringify(opt.state())).to.equal(before);
  });
});
