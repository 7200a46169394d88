// kind "train": the mlp2_xent model from the trace's init (float64), trained by the Trainer with
// mini-batches in order (the `sequential` order), the optimizer and scheduler from the registry.
// `losses[t]` is the mini-batch loss before step t; `final` the weights after the last step.
import { tensor, type Tensor } from '@descent/tensor';
import { Trainer, type SchedulerSpec, type TrainableModel } from '@descent/optim';
import { firstMismatch, flat } from '../compare.js';
import { registerTraceKind, type Trace } from '../runner.js';
import { mlp2Logits } from './grad.js';

const PARAMS = ['W1', 'b1', 'W2', 'b2'] as const;

/** The two-layer MLP of FORMAT.md as a plain model over float64 tensors built from `init`. */
function mlp2Model(init: Record<string, unknown>): { model: TrainableModel; params: Record<string, Tensor> } {
  const params: Record<string, Tensor> = {};
  for (const name of PARAMS) {
    if (!(name in init)) throw new Error(`init has no '${name}'`);
    params[name] = tensor(init[name] as number[], { dtype: 'float64' }).requireGrad();
  }
  const model: TrainableModel = {
    forward: (x) => mlp2Logits(x, params),
    parameters: () => PARAMS.map((n) => params[n]!),
    namedParameters: () => PARAMS.map((n) => [n, params[n]!]),
  };
  return { model, params };
}

registerTraceKind('train', (trace: Trace) => {
  if (trace.model !== 'mlp2_xent') return `no implementation of model '${String(trace.model)}'`;
  if (trace.shuffle) return 'shuffled traces are not supported (FORMAT.md: mini-batches in order)';
  const { model, params } = mlp2Model(trace.init as Record<string, unknown>);
  const data = trace.data as { x: number[][]; y: number[] };
  const trainer = new Trainer({
    model,
    loss: 'crossEntropy',
    optimizer: trace.optimizer as { name: string; options?: Record<string, unknown> },
    scheduler: (trace.scheduler as SchedulerSpec | null) ?? null,
    order: 'sequential',
    batchSize: trace.batchSize as number,
    epochs: trace.epochs as number,
    seed: 0,
    progressBar: false,
    // NOTE: in the traces the scheduler drives the learning rate only (FORMAT.md); train-adam-onecycle
    // matches PyTorch's OneCycleLR with cycle_momentum=False (β₁ stays 0.9), not its β₁ cycling.
    cycleMomentum: false,
  });
  const history = trainer.fit({ x: tensor(data.x, { dtype: 'float64' }), y: data.y });
  const lossMismatch = firstMismatch('losses', history.steps.map((s) => s.loss), trace.losses as number[]);
  if (lossMismatch) return lossMismatch;
  const final = trace.final as Record<string, unknown>;
  for (const name of PARAMS) {
    const m = firstMismatch(`final ${name}`, params[name]!.data(), flat(final[name]));
    if (m) return m;
  }
  return null;
});
