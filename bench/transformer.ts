// The Transformer section of `npm run bench`: one training step (forward, backward, Adam) of a
// 2-layer Transformer encoder, d=64, 4 heads, feed-forward 128, sequence 32, batch 32, mean-pooled
// into a 10-class linear head with cross-entropy; dropout 0, post-norm ReLU layers (PyTorch's
// defaults otherwise). descent uses its layers and @descent/optim's Adam; tfjs builds the same
// model from its ops with the same initial weights and tf.train.adam.
import { Rng, crossEntropy, mean, randn, tensor, tidy, type Tensor } from '@descent/tensor';
import { Linear, Module, TransformerEncoderLayer } from '@descent/layers';
import { createOptimizer } from '@descent/optim';
import type { Tf } from './lib/tfjs.js';
import { tfStepRunner, timeSteps, type StepRunner } from './lib/train_step.js';

const D = 64, HEADS = 4, FF = 128, SEQ = 32, BATCH = 32, LAYERS = 2, CLASSES = 10, LR = 1e-3, NUM_BATCHES = 4;

class Encoder extends Module {
  readonly layers: TransformerEncoderLayer[];
  readonly head: Linear;
  constructor(rng: Rng) {
    super();
    this.layers = Array.from({ length: LAYERS }, (_, i) => this.registerModule(`layer${i}`, new TransformerEncoderLayer(D, HEADS, {
      rng, dimFeedforward: FF, dropout: 0, batchFirst: true,
    })));
    this.head = this.registerModule('head', new Linear(D, CLASSES, { rng }));
  }
  forward(x: Tensor): Tensor {
    let h = x;
    for (const layer of this.layers) h = layer.call(h);
    return this.head.call(mean(h, 1));
  }
}

interface Data { xs: Float32Array[]; labels: number[][] }

function makeData(): Data {
  const rng = new Rng(5);
  const xs = Array.from({ length: NUM_BATCHES }, () => randn([BATCH, SEQ, D], rng).data() as Float32Array);
  const labels = Array.from({ length: NUM_BATCHES }, () => Array.from({ length: BATCH }, () => Math.floor(rng.uniform() * CLASSES)));
  return { xs, labels };
}

/** descent's model and its parameters by name (the tfjs model copies them). */
function descentModel(): { model: Encoder; state: Record<string, Tensor> } {
  const model = new Encoder(new Rng(4));
  return { model, state: Object.fromEntries(model.namedParameters()) };
}

function descentRunner(model: Encoder, data: Data): StepRunner {
  const xs = data.xs.map((x) => tensor(x, { shape: [BATCH, SEQ, D] }));
  const opt = createOptimizer('adam', model.parameters(), { lr: LR });
  return {
    step(i) {
      const k = i % NUM_BATCHES;
      // forward and backward in a memory scope, as tfjs's minimize runs in tf.tidy
      const value = tidy(() => {
        const loss = crossEntropy(model.call(xs[k]!), data.labels[k]!);
        loss.backward();
        return loss.item();
      });
      opt.step();
      model.zeroGrad();
      return value;
    },
    dispose() {},
  };
}

function tfRunner(tf: Tf, state: Record<string, Tensor>, data: Data): StepRunner {
  type V = import('@tensorflow/tfjs').Variable;
  const v = (t: Tensor, transpose = false): V => {
    const x = tf.tensor(t.data() as Float32Array, t.shape.slice(), 'float32');
    const y = transpose ? tf.transpose(x) : x;
    const out = tf.variable(y);
    if (y !== x) y.dispose();
    x.dispose();
    return out;
  };
  const layers = Array.from({ length: LAYERS }, (_, i) => {
    const p = (name: string, transpose = false) => v(state[`layer${i}.${name}`]!, transpose);
    return {
      wqkv: p('selfAttn.inProjWeight', true), bqkv: p('selfAttn.inProjBias'),
      wo: p('selfAttn.outProj.weight'), bo: p('selfAttn.outProj.bias'),
      w1: p('linear1.weight'), b1: p('linear1.bias'), w2: p('linear2.weight'), b2: p('linear2.bias'),
      g1: p('norm1.weight'), be1: p('norm1.bias'), g2: p('norm2.weight'), be2: p('norm2.bias'),
    };
  });
  const headW = v(state['head.weight']!), headB = v(state['head.bias']!);
  const vars = [...layers.flatMap((l) => Object.values(l)), headW, headB];
  const xs = data.xs.map((x) => tf.tensor3d(x, [BATCH, SEQ, D]));
  const ys = data.labels.map((l) => tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(l, 'int32'), CLASSES), 'float32')));
  const opt = tf.train.adam(LR, 0.9, 0.999, 1e-8);
  type TT = import('@tensorflow/tfjs').Tensor;
  const layerNorm = (x: TT, g: V, b: V): TT => {
    const { mean: mu, variance } = tf.moments(x, -1, true);
    return tf.add(tf.mul(tf.div(tf.sub(x, mu), tf.sqrt(tf.add(variance, 1e-5))), g), b);
  };
  const dh = D / HEADS;
  const forward = (x: TT): TT => {
    let h = tf.reshape(x, [BATCH * SEQ, D]);
    for (const l of layers) {
      const qkv = tf.add(tf.matMul(h, l.wqkv), l.bqkv); // [B·L, 3D]
      const heads = tf.transpose(tf.reshape(qkv, [BATCH, SEQ, 3, HEADS, dh]), [2, 0, 3, 1, 4]); // [3, B, H, L, dh]
      const [q, k, vv] = tf.split(heads, 3, 0).map((t) => tf.reshape(t, [BATCH, HEADS, SEQ, dh]));
      const scores = tf.matMul(tf.div(q!, Math.sqrt(dh)), k!, false, true);
      const attn = tf.matMul(tf.softmax(scores), vv!); // [B, H, L, dh]
      const joined = tf.reshape(tf.transpose(attn, [0, 2, 1, 3]), [BATCH * SEQ, D]);
      h = layerNorm(tf.add(h, tf.add(tf.matMul(joined, l.wo), l.bo)), l.g1, l.be1);
      const ff = tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(h, l.w1), l.b1)), l.w2), l.b2);
      h = layerNorm(tf.add(h, ff), l.g2, l.be2);
    }
    const pooled = tf.mean(tf.reshape(h, [BATCH, SEQ, D]), 1);
    return tf.add(tf.matMul(pooled, headW), headB);
  };
  return tfStepRunner(opt, vars, [...xs, ...ys], (i) => tf.losses.softmaxCrossEntropy(ys[i % NUM_BATCHES]!, forward(xs[i % NUM_BATCHES]!)) as import('@tensorflow/tfjs').Scalar);
}

/** Per-peer median step times (ms) after warm-up, the losses after the run and a description. */
export async function benchTransformer(peers: { tfjs_cpu: () => Promise<Tf>; tfjs_wasm: () => Promise<Tf> }, quick: boolean): Promise<{ stepMs: Record<string, number>; detail: Record<string, unknown> }> {
  // tfjs-cpu takes seconds per step: fewer timed steps for it.
  const stepsOf: Record<string, number> = quick ? { descent: 8, tfjs_wasm: 8, tfjs_cpu: 3 } : { descent: 20, tfjs_wasm: 20, tfjs_cpu: 5 };
  const warmup = 2;
  const data = makeData();
  const stepMs: Record<string, number> = {};
  const losses: Record<string, number[]> = {};
  const time = (name: string, runner: StepRunner) => {
    const { ms, losses: curve } = timeSteps(runner, warmup + stepsOf[name]!, warmup);
    stepMs[name] = ms;
    losses[name] = curve;
  };
  const { model, state } = descentModel();
  const snapshot = Object.fromEntries(Object.entries(state).map(([k, t]) => [k, tensor(t.data(), { shape: t.shape })]));
  for (const peer of ['tfjs_wasm', 'tfjs_cpu'] as const) {
    const tf = await peers[peer]();
    time(peer, tfRunner(tf, snapshot, data));
  }
  time('descent', descentRunner(model, data));
  // The same model from the same weights on the same batches: the loss curves must agree up to float32 rounding.
  const common = losses.tfjs_cpu!.length;
  const at = (name: string) => losses[name]![common - 1]!;
  return {
    stepMs,
    detail: {
      model: `${LAYERS}-layer Transformer encoder, d=${D}, ${HEADS} heads, feed-forward ${FF}, seq ${SEQ}, batch ${BATCH}, post-norm ReLU, dropout 0, mean-pool + linear ${CLASSES}-class head, cross-entropy, Adam lr ${LR}`,
      steps_timed: stepsOf, warmup_steps: warmup, loss_compared_at_step: common,
      loss_after_steps: { descent: at('descent'), tfjs_cpu: at('tfjs_cpu'), tfjs_wasm: at('tfjs_wasm') },
      max_abs_loss_diff_vs_tfjs_cpu: Math.max(...losses.tfjs_cpu!.map((l, i) => Math.abs(l - losses.descent![i]!))),
    },
  };
}
