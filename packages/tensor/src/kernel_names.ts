// Kernel names: the keys of the kernel and gradient registries. Use these constants, never literals.
// Inputs are named as in each comment; attributes are the interfaces below.

/**
 * `a + b` (inputs a, b; broadcasting).
 * @example
 * ```ts
 * runKernel(Add, { a, b })
 * ```
 */
export const Add = 'Add';
/**
 * `a − b`.
 * @example
 * ```ts
 * runKernel(Sub, { a, b })
 * ```
 */
export const Sub = 'Sub';
/**
 * `a · b` elementwise.
 * @example
 * ```ts
 * runKernel(Mul, { a, b })
 * ```
 */
export const Mul = 'Mul';
/**
 * `a / b`.
 * @example
 * ```ts
 * runKernel(Div, { a, b })
 * ```
 */
export const Div = 'Div';
/**
 * `a ^ b` elementwise, tensor exponent.
 * @example
 * ```ts
 * runKernel(Pow, { a, b })
 * ```
 */
export const Pow = 'Pow';
/**
 * `x ^ p` with a constant exponent (attr `exponent`).
 * @example
 * ```ts
 * runKernel(PowScalar, { x }, { exponent: 2 })
 * ```
 */
export const PowScalar = 'PowScalar';
/**
 * `−x` (input x).
 * @example
 * ```ts
 * runKernel(Neg, { x })
 * ```
 */
export const Neg = 'Neg';
/**
 * `eˣ`.
 * @example
 * ```ts
 * runKernel(Exp, { x })
 * ```
 */
export const Exp = 'Exp';
/**
 * natural log.
 * @example
 * ```ts
 * runKernel(Log, { x })
 * ```
 */
export const Log = 'Log';
/**
 * `log(1 + x)`.
 * @example
 * ```ts
 * runKernel(Log1p, { x })
 * ```
 */
export const Log1p = 'Log1p';
/**
 * square root.
 * @example
 * ```ts
 * runKernel(Sqrt, { x })
 * ```
 */
export const Sqrt = 'Sqrt';
/**
 * absolute value.
 * @example
 * ```ts
 * runKernel(Abs, { x })
 * ```
 */
export const Abs = 'Abs';
/**
 * sign (−1, 0, 1); no gradient.
 * @example
 * ```ts
 * runKernel(Sign, { x })
 * ```
 */
export const Sign = 'Sign';
/**
 * `max(x, 0)`.
 * @example
 * ```ts
 * runKernel(Relu, { x })
 * ```
 */
export const Relu = 'Relu';
/**
 * `1 / (1 + e^−x)`.
 * @example
 * ```ts
 * runKernel(Sigmoid, { x })
 * ```
 */
export const Sigmoid = 'Sigmoid';
/**
 * The error function `erf(x) = 2/√π ∫₀ˣ e^(−t²) dt`.
 * @example
 * ```ts
 * runKernel(Erf, { x })
 * ```
 */
export const Erf = 'Erf';
/**
 * hyperbolic tangent.
 * @example
 * ```ts
 * runKernel(Tanh, { x })
 * ```
 */
export const Tanh = 'Tanh';
/**
 * `log(1 + eˣ)`, computed stably.
 * @example
 * ```ts
 * runKernel(Softplus, { x })
 * ```
 */
export const Softplus = 'Softplus';
/**
 * `1` where `a > b` else `0` (no gradient).
 * @example
 * ```ts
 * runKernel(Greater, { a, b })
 * ```
 */
export const Greater = 'Greater';
/**
 * `1` where `a ≥ b`.
 * @example
 * ```ts
 * runKernel(GreaterEqual, { a, b })
 * ```
 */
export const GreaterEqual = 'GreaterEqual';
/**
 * `1` where `a < b`.
 * @example
 * ```ts
 * runKernel(Less, { a, b })
 * ```
 */
export const Less = 'Less';
/**
 * `1` where `a ≤ b`.
 * @example
 * ```ts
 * runKernel(LessEqual, { a, b })
 * ```
 */
export const LessEqual = 'LessEqual';
/**
 * `1` where `a = b`.
 * @example
 * ```ts
 * runKernel(Equal, { a, b })
 * ```
 */
export const Equal = 'Equal';
/**
 * `1` where `a ≠ b`.
 * @example
 * ```ts
 * runKernel(NotEqual, { a, b })
 * ```
 */
export const NotEqual = 'NotEqual';
/**
 * `condition ≠ 0 ? a : b` (inputs condition, a, b; broadcasting).
 * @example
 * ```ts
 * runKernel(Where, { condition, a, b })
 * ```
 */
export const Where = 'Where';
/**
 * Sum over `axes` ({@link ReduceAttrs}).
 * @example
 * ```ts
 * runKernel(Sum, { x }, { axes: [1], keepDims: false })
 * ```
 */
export const Sum = 'Sum';
/**
 * Maximum over `axes` ({@link ReduceAttrs}).
 * @example
 * ```ts
 * runKernel(Max, { x }, { axes: [0], keepDims: true })
 * ```
 */
export const Max = 'Max';
/**
 * Matrix product ({@link MatMulAttrs}); 2-D, or batched over broadcast leading axes.
 * @example
 * ```ts
 * runKernel(MatMul, { a, b }, { transposeA: false, transposeB: true })
 * ```
 */
export const MatMul = 'MatMul';
/**
 * Same data, new shape (attr `shape`).
 * @example
 * ```ts
 * runKernel(Reshape, { x }, { shape: [6] })
 * ```
 */
export const Reshape = 'Reshape';
/**
 * Permute axes (attr `perm`).
 * @example
 * ```ts
 * runKernel(Transpose, { x }, { perm: [1, 0] })
 * ```
 */
export const Transpose = 'Transpose';
/**
 * Broadcast to a larger shape (attr `shape`).
 * @example
 * ```ts
 * runKernel(BroadcastTo, { x }, { shape: [4, 3] })
 * ```
 */
export const BroadcastTo = 'BroadcastTo';
/**
 * A box of the input ({@link SliceAttrs}).
 * @example
 * ```ts
 * runKernel(Slice, { x }, { begin: [0, 1], size: [2, 2] })
 * ```
 */
export const Slice = 'Slice';
/**
 * Embed the input in zeros ({@link PadAttrs}); the gradient of Slice.
 * @example
 * ```ts
 * runKernel(Pad, { x }, { before: [1], shape: [5] })
 * ```
 */
export const Pad = 'Pad';
/**
 * Join inputs `x0, x1, …` along `axis`.
 * @example
 * ```ts
 * runKernel(Concat, { x0: a, x1: b }, { axis: 0 })
 * ```
 */
export const Concat = 'Concat';
/**
 * Rows `indices` of x along axis 0 (attr `indices`).
 * @example
 * ```ts
 * runKernel(GatherRows, { x }, { indices: [2, 0] })
 * ```
 */
export const GatherRows = 'GatherRows';
/**
 * Add row i of x into row `indices[i]` of a zero tensor with `numRows` rows; the gradient of GatherRows.
 * @example
 * ```ts
 * runKernel(ScatterAddRows, { x }, { indices: [2, 0], numRows: 3 })
 * ```
 */
export const ScatterAddRows = 'ScatterAddRows';
/**
 * Softmax along `axis`.
 * @example
 * ```ts
 * runKernel(Softmax, { x }, { axis: 1 })
 * ```
 */
export const Softmax = 'Softmax';
/**
 * Log-softmax along `axis`, computed stably.
 * @example
 * ```ts
 * runKernel(LogSoftmax, { x }, { axis: 1 })
 * ```
 */
export const LogSoftmax = 'LogSoftmax';
/**
 * Convert to `dtype`.
 * @example
 * ```ts
 * runKernel(Cast, { x }, { dtype: 'float64' })
 * ```
 */
export const Cast = 'Cast';
/**
 * One-hot rows for integer labels (attrs `labels`, `depth`, `dtype`); no input, no gradient.
 * @example
 * ```ts
 * runKernel(OneHot, {}, { labels: [1, 0], depth: 3, dtype: 'float32' })
 * ```
 */
export const OneHot = 'OneHot';

/** Attributes of reductions.
 * @example
 * ```ts
 * const attrs: ReduceAttrs = { axes: [1], keepDims: true };
 * ```
 */
export interface ReduceAttrs {
  /** Sorted, non-negative axes to reduce. */
  axes: number[];
  /** Keep reduced axes with size 1. */
  keepDims: boolean;
}
/** Attributes of MatMul: whether each operand is used transposed (its last two axes swapped).
 * @example
 * ```ts
 * const attrs: MatMulAttrs = { transposeA: false, transposeB: true };
 * ```
 */
export interface MatMulAttrs {
  /** Use `a` with its last two axes swapped. */
  transposeA: boolean;
  /** Use `b` with its last two axes swapped. */
  transposeB: boolean;
}
/** Attributes of Slice.
 * @example
 * ```ts
 * const attrs: SliceAttrs = { begin: [0, 1], size: [2, 2] };
 * ```
 */
export interface SliceAttrs {
  /** Start index along each axis. */
  begin: number[];
  /** Extent along each axis. */
  size: number[];
}
/** Attributes of Pad: where the input starts inside an output of `shape`.
 * @example
 * ```ts
 * const attrs: PadAttrs = { before: [0, 1], shape: [2, 4] };
 * ```
 */
export interface PadAttrs {
  /** Where the input starts along each axis. */
  before: number[];
  /** Shape of the zero-filled output. */
  shape: number[];
}
/**
 * Embedding lookup: row `indices[i]` of the table `weight` for each i ({@link EmbeddingAttrs}); the
 * gradient scatter-adds into the rows, except row `paddingIdx`, which gets none.
 * @example
 * ```ts
 * runKernel(Embedding, { weight }, { indices: [2, 0, 2], paddingIdx: null })
 * ```
 */
export const Embedding = 'Embedding';
/** Attributes of Embedding.
 * @example
 * ```ts
 * const attrs: EmbeddingAttrs = { indices: [3, 0, 1], paddingIdx: 0 };
 * ```
 */
export interface EmbeddingAttrs {
  /** Row of the table for each output row (validated integers in range). */
  indices: number[];
  /** A row that receives no gradient, or null. */
  paddingIdx: number | null;
}

/**
 * 2-D convolution, NCHW (inputs x `[N, C, H, W]`, w `[O, C/groups, kh, kw]`, optional bias `[O]`;
 * {@link Conv2DAttrs}).
 * @example
 * ```ts
 * runKernel(Conv2D, { x, w }, { stride: [1, 1], padding: [0, 0, 0, 0], dilation: [1, 1], groups: 1 })
 * ```
 */
export const Conv2D = 'Conv2D';
/**
 * The input gradient of Conv2D (inputs dy, w; {@link Conv2DBackpropAttrs} with `shape` the input's).
 * @example
 * ```ts
 * runKernel(Conv2DBackpropInput, { dy, w }, { ...attrs, shape: x.shape })
 * ```
 */
export const Conv2DBackpropInput = 'Conv2DBackpropInput';
/**
 * The weight gradient of Conv2D (inputs x, dy; {@link Conv2DBackpropAttrs} with `shape` the weight's).
 * @example
 * ```ts
 * runKernel(Conv2DBackpropFilter, { x, dy }, { ...attrs, shape: w.shape })
 * ```
 */
export const Conv2DBackpropFilter = 'Conv2DBackpropFilter';
/**
 * 2-D max pooling, NCHW (input x; {@link Pool2DAttrs}); padding counts as −∞.
 * @example
 * ```ts
 * runKernel(MaxPool2D, { x }, { kernel: [2, 2], stride: [2, 2], padding: [0, 0], countIncludePad: true })
 * ```
 */
export const MaxPool2D = 'MaxPool2D';
/**
 * The gradient of MaxPool2D (inputs x, dy; {@link Pool2DAttrs}): dy routed to the first maximum of each window.
 * @example
 * ```ts
 * runKernel(MaxPool2DGrad, { x, dy }, attrs)
 * ```
 */
export const MaxPool2DGrad = 'MaxPool2DGrad';
/**
 * 2-D average pooling, NCHW (input x; {@link Pool2DAttrs}).
 * @example
 * ```ts
 * runKernel(AvgPool2D, { x }, { kernel: [2, 2], stride: [2, 2], padding: [0, 0], countIncludePad: true })
 * ```
 */
export const AvgPool2D = 'AvgPool2D';
/**
 * The gradient of AvgPool2D (input dy; {@link Pool2DAttrs} plus `shape`, the input's).
 * @example
 * ```ts
 * runKernel(AvgPool2DGrad, { dy }, { ...attrs, shape: x.shape })
 * ```
 */
export const AvgPool2DGrad = 'AvgPool2DGrad';
/**
 * Adaptive 2-D average pooling to `outputSize` (input x; {@link AdaptivePool2DAttrs}), windows as PyTorch's.
 * @example
 * ```ts
 * runKernel(AdaptiveAvgPool2D, { x }, { outputSize: [1, 1] })
 * ```
 */
export const AdaptiveAvgPool2D = 'AdaptiveAvgPool2D';
/**
 * The gradient of AdaptiveAvgPool2D (input dy; {@link AdaptivePool2DAttrs} plus `shape`, the input's).
 * @example
 * ```ts
 * runKernel(AdaptiveAvgPool2DGrad, { dy }, { outputSize: [1, 1], shape: x.shape })
 * ```
 */
export const AdaptiveAvgPool2DGrad = 'AdaptiveAvgPool2DGrad';

/** Attributes of Conv2D: all resolved to explicit numbers by the op.
 * @example
 * ```ts
 * const attrs: Conv2DAttrs = { stride: [1, 1], padding: [1, 1, 1, 1], dilation: [1, 1], groups: 1 };
 * ```
 */
export interface Conv2DAttrs {
  /** Step between windows along H and W. */
  stride: [number, number];
  /** Zero padding `[top, bottom, left, right]` (asymmetric for an even 'same' kernel). */
  padding: [number, number, number, number];
  /** Spacing between kernel taps along H and W. */
  dilation: [number, number];
  /** Channel groups: input and output channels are split into this many independent convolutions. */
  groups: number;
}
/** Attributes of the Conv2D backprop kernels: Conv2D's plus the shape of what they compute.
 * @example
 * ```ts
 * const attrs: Conv2DBackpropAttrs = { stride: [1, 1], padding: [0, 0, 0, 0], dilation: [1, 1], groups: 1, shape: [2, 3, 8, 8] };
 * ```
 */
export interface Conv2DBackpropAttrs extends Conv2DAttrs {
  /** The input's shape (BackpropInput) or the weight's (BackpropFilter). */
  shape: number[];
}
/** Attributes of MaxPool2D and AvgPool2D (and their gradients, which add `shape`, the input's).
 * @example
 * ```ts
 * const attrs: Pool2DAttrs = { kernel: [3, 3], stride: [2, 2], padding: [1, 1], countIncludePad: true };
 * ```
 */
export interface Pool2DAttrs {
  /** Window height and width. */
  kernel: [number, number];
  /** Step between windows. */
  stride: [number, number];
  /** Implicit padding on both sides of H and of W. */
  padding: [number, number];
  /** AvgPool2D: divide by the whole window, padding included (PyTorch's default), else by the input elements in it. */
  countIncludePad: boolean;
  /** The input's shape (gradient kernels only). */
  shape?: number[];
}
/** Attributes of AdaptiveAvgPool2D (its gradient adds `shape`, the input's).
 * @example
 * ```ts
 * const attrs: AdaptivePool2DAttrs = { outputSize: [1, 1] };
 * ```
 */
export interface AdaptivePool2DAttrs {
  /** Output height and width. */
  outputSize: [number, number];
  /** The input's shape (gradient kernel only). */
  shape?: number[];
}

/**
 * Batch normalisation with the batch's own statistics (inputs x `[N, C, ...]`, optional weight γ
 * and bias β `[C]`; {@link BatchNormAttrs}): per channel (axis 1), over every other axis,
 * `y = (x − mean)/√(var + eps)·γ + β` with the biased variance, as PyTorch's training mode; or
 * with given statistics, inputs `mean` and `variance` `[C]` (running ones, PyTorch's eval mode).
 * @example
 * ```ts
 * runKernel(BatchNorm, { x, weight, bias }, { eps: 1e-5 })
 * ```
 */
export const BatchNorm = 'BatchNorm';
/**
 * The input gradient of BatchNorm (inputs x, dy, optional weight, and `paramGrads`, the output of
 * {@link BatchNormParamsGrad}; {@link BatchNormAttrs}).
 * @example
 * ```ts
 * runKernel(BatchNormGrad, { x, dy, weight, paramGrads }, { eps: 1e-5 })
 * ```
 */
export const BatchNormGrad = 'BatchNormGrad';
/**
 * Per-channel sums of BatchNorm's backward pass (inputs x, dy; {@link BatchNormAttrs}): `[2, C]`,
 * row 0 `Σ dy·x̂` (the weight's gradient), row 1 `Σ dy` (the bias's).
 * @example
 * ```ts
 * runKernel(BatchNormParamsGrad, { x, dy }, { eps: 1e-5 })
 * ```
 */
export const BatchNormParamsGrad = 'BatchNormParamsGrad';
/**
 * Per-channel batch statistics of x `[N, C, ...]`: `[2, C]`, row 0 the mean, row 1 the biased
 * variance (no gradient; for running statistics).
 * @example
 * ```ts
 * runKernel(BatchMoments, { x })
 * ```
 */
export const BatchMoments = 'BatchMoments';
/** Attributes of BatchNorm and its gradient kernels.
 * @example
 * ```ts
 * const attrs: BatchNormAttrs = { eps: 1e-5 };
 * ```
 */
export interface BatchNormAttrs {
  /** Added to the variance before the square root. */
  eps: number;
}
