/**
 * `@descent/layers`: modules built on `@descent/tensor` — a {@link Module} base with parameters,
 * buffers, train/eval modes, freezing and state dicts; dense, activation, dropout and
 * normalisation layers; initialisers (`init`); losses; and exact save/load of model state.
 *
 * @example
 * ```ts
 * import { Rng, tensor, noGrad } from '@descent/tensor';
 * import { Sequential, Linear, Tanh, bceWithLogits } from '@descent/layers';
 *
 * const rng = new Rng(0);
 * const model = new Sequential(new Linear(2, 8, { rng }), new Tanh(), new Linear(8, 1, { rng }));
 * const x = tensor([[0, 0], [0, 1], [1, 0], [1, 1]]);
 * const y = tensor([[0], [1], [1], [0]]);
 * for (let step = 0; step < 500; step++) {
 *   const loss = bceWithLogits(model.call(x), y);
 *   loss.backward();
 *   noGrad(() => { for (const p of model.parameters()) p.assign(p.sub(p.grad!.mul(0.5))); });
 *   model.zeroGrad();
 * }
 * ```
 * @module
 */
export { Module, isGenerator, type AnyModule, type LoadStateDictOptions, type StateDict } from './module.js';
export { Linear, type LinearOptions } from './linear.js';
export { Sequential, type TensorModule } from './sequential.js';
export {
  GELU, Identity, LeakyReLU, LogSoftmax, ReLU, Sigmoid, Softmax, Tanh, gelu, leakyRelu,
  type GELUOptions, type GeluApproximation, type LeakyReLUOptions,
} from './activations.js';
export { Dropout, type DropoutOptions } from './dropout.js';
export { BatchNorm1d, type BatchNorm1dOptions } from './batch_norm.js';
export { LayerNorm, type LayerNormOptions } from './layer_norm.js';
export { Flatten, type FlattenOptions } from './flatten.js';
export {
  BCEWithLogitsLoss, CrossEntropyLoss, MSELoss, bceWithLogits, crossEntropyLoss, mseLoss,
  type BCEWithLogitsOptions, type CrossEntropyLossOptions, type MSELossOptions, type Reduction,
} from './losses.js';
export {
  decodeTensor, decodeTensors, decodeTypedArray, encodeTensor, encodeTensors, encodeTypedArray, type EncodedTensor,
} from './serialize.js';
export {
  STATE_FILE_FORMAT, STATE_FILE_VERSION, loadState, readStateFile, saveState, stateFileOf, writeFileAtomic, type StateFile,
} from './save_load.js';
export { decodeSafetensors, encodeSafetensors, loadSafetensors, saveSafetensors, type Safetensors } from './safetensors.js';
export { loadTorchStateDict, loadTorchStateDictInto, saveTorchStateDict, torchName, torchStateDict } from './torch_state_dict.js';
/**
 * Weight initialisers (PyTorch's `torch.nn.init`), all drawing from an explicit `Rng` and writing in
 * place: `zeros`, `ones`, `constant`, `uniform`, `normal`, `xavierUniform`, `xavierNormal`,
 * `kaimingUniform`, `kaimingNormal`, plus `calculateGain` and `computeFans`.
 * @example
 * ```ts
 * import { Rng, zeros } from '@descent/tensor';
 * import { init } from '@descent/layers';
 * const w = init.xavierUniform(zeros([64, 32]), new Rng(0));
 * ```
 */
export * as init from './init.js';
export type { Fans, KaimingOptions, NormalOptions, Nonlinearity, UniformOptions, XavierOptions } from './init.js';
export { Embedding, type EmbeddingIndices, type EmbeddingOptions } from './embedding.js';
export { MultiheadAttention, type AttentionCallOptions, type MultiheadAttentionOptions } from './multihead_attention.js';
export { TransformerEncoderLayer, type EncoderCallOptions, type TransformerEncoderLayerOptions } from './transformer_encoder_layer.js';
export { Residual, type ResidualBody } from './residual.js';
export { BatchNormBase } from './batch_norm.js';
export { BatchNorm2d, type BatchNorm2dOptions } from './batch_norm_2d.js';
export { Conv2d, type Conv2dOptions } from './conv.js';
export { AdaptiveAvgPool2d, AvgPool2d, MaxPool2d, Pool2d, type AvgPool2dOptions, type MaxPool2dOptions } from './pooling.js';
export { GRU, LSTM, type RecurrentOptions } from './recurrent.js';
