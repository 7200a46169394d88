/**
 * Every error descent throws, in one place. Each class names what went wrong; each message
 * names the operation, the argument, what was expected and what was given. docs/errors.md lists
 * one real message per class and what a failed call guarantees about state.
 *
 * @example
 * ```ts
 * import { ShapeError, matmul, zeros } from '@descent/tensor';
 * try { matmul(zeros([2, 3]), zeros([4, 5])); }
 * catch (e) { if (e instanceof ShapeError) console.log(e.message); }
 * // matmul: inner dimensions differ: a is [2,3], b is [4,5]
 * ```
 * @module
 */

/**
 * Base class of all descent errors, so `catch (e) { if (e instanceof DescentError) … }` catches them all.
 *
 * @example
 * ```ts
 * try { tensor([1, 2], { shape: [3] }); } catch (e) { console.log(e instanceof DescentError); } // true
 * ```
 */
export class DescentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
    // Keeps `instanceof` working when compiled to older targets or loaded twice.
    Object.setPrototypeOf(this, new.target.prototype);
  }
}

/**
 * A tensor has the wrong shape for an operation (broadcast mismatch, matmul inner dimension, reshape size…).
 *
 * @example
 * ```ts
 * add(zeros([2, 3]), zeros([4, 3])); // ShapeError: add: shapes [2,3] and [4,3] cannot be broadcast
 * ```
 */
export class ShapeError extends DescentError {}

/**
 * Tensors of different dtypes were mixed, or a dtype is unknown.
 *
 * @example
 * ```ts
 * add(zeros([2], { dtype: 'float32' }), zeros([2], { dtype: 'float64' })); // DTypeError
 * ```
 */
export class DTypeError extends DescentError {}

/**
 * An argument has a value outside its allowed range or of the wrong kind (a negative dimension, a
 * fractional label, NaN where a finite number is required, an unknown option…).
 *
 * @example
 * ```ts
 * zeros([2, -1]); // ValueError: zeros: shape[1] must be a non-negative integer, but got -1
 * ```
 */
export class ValueError extends DescentError {}

/**
 * A registry lookup failed (unknown name) or a name was registered twice.
 *
 * @example
 * ```ts
 * setBackend('tpu'); // RegistryError: unknown backend 'tpu'. Registered: cpu
 * ```
 */
export class RegistryError extends DescentError {}

/**
 * No kernel is registered for an operation on the active backend or on the CPU fallback.
 *
 * @example
 * ```ts
 * runKernel('Frobnicate', {}, {});
 * // KernelNotFoundError: runKernel: no kernel 'Frobnicate' is registered for the 'cpu' backend; …
 * ```
 */
export class KernelNotFoundError extends DescentError {}

/**
 * Backpropagation failed: no gradient rule, a gradient of the wrong shape, or `backward()` on a
 * non-scalar without a seed gradient.
 *
 * @example
 * ```ts
 * zeros([2]).backward(); // GradientError: backward: the output has shape [2]; …
 * ```
 */
export class GradientError extends DescentError {}

/**
 * A backend could not be loaded or failed its self-test.
 *
 * @example
 * ```ts
 * await setBackend('gpu'); // BackendError when gpu.js is not installed
 * ```
 */
export class BackendError extends DescentError {}

/**
 * Saved state (a state dict, an optimizer state, a checkpoint file) does not match what loads it,
 * or is malformed. Loading that fails leaves the target unchanged.
 *
 * @example
 * ```ts
 * model.loadStateDict({ 'fc.weight': zeros([1]) }); // StateError listing the mismatches
 * ```
 */
export class StateError extends DescentError {}

/**
 * A loss or gradient became NaN or infinite during training.
 *
 * @example
 * ```ts
 * // thrown by the trainer's NaN guard (with .step, .epoch and .parameter):
 * // NonFiniteError: step 3 (epoch 1, batch 1): the loss is NaN; the first non-finite gradient is of
 * // parameter '0.weight' (NaN at index 0); the parameters and optimizer state are as they were before this step
 * ```
 */
export class NonFiniteError extends DescentError {}

/**
 * A configuration (optimizer options, trainer config, a CLI config file) has an unknown field or
 * a field of the wrong type.
 *
 * @example
 * ```ts
 * // ConfigError: adam: unknown option 'weight_decay' (did you mean 'weightDecay'?). Known options: lr, betas, eps, weightDecay, amsgrad
 * ```
 */
export class ConfigError extends DescentError {}

/**
 * gpu.js (the optional peer of the `'gpu'` backend) could not be loaded; the message says where it
 * was looked up and how to install it.
 *
 * @example
 * ```ts
 * try { loadGpuJs(); } catch (e) { if (e instanceof GpuJsLoadError) console.log(e.message); }
 * ```
 */
export class GpuJsLoadError extends BackendError {}

/**
 * A command line or a config file given to the `descent` CLI is malformed: the CLI prints the
 * message (no stack trace) and exits with `exitCode` (2, a usage error).
 *
 * @example
 * ```ts
 * throw new UsageError("--epochs must be a positive integer, but got 'x'");
 * ```
 */
export class UsageError extends ConfigError {
  /** The process exit code to use (2: usage error). */
  readonly exitCode: number;
  constructor(message: string, exitCode = 2) {
    super(message);
    this.exitCode = exitCode;
  }
}

/**
 * A tensor would hold more elements than a typed array can ({@link MAX_ELEMENTS}), or its storage
 * could not be allocated: the message names the operation, the size asked for and the limit.
 *
 * @example
 * ```ts
 * zeros([1e6, 1e6]);
 * // SizeLimitError: zeros: shape [1000000,1000000] has 1000000000000 elements, more than a tensor can hold (4294967296, the typed-array length limit)
 * ```
 */
export class SizeLimitError extends ValueError {}

/**
 * A tensor saved for backpropagation was modified in place (by {@link Tensor.assign}, an optimizer
 * step, or a write into its storage followed by {@link Tensor.bumpVersion}) after the forward pass
 * used it, so its gradient would be computed from the new values. PyTorch raises the same
 * ("modified by an inplace operation"). Recompute the forward pass after the write.
 *
 * @example
 * ```ts
 * const loss = w.mul(x).sum();
 * w.assign([0, 0]);
 * loss.backward(); // SavedTensorModifiedError: backward: input 'a' of 'Mul' … was modified in place …
 * ```
 */
export class SavedTensorModifiedError extends GradientError {}

/**
 * A tensor was used after `dispose()` or after the `tidy` scope that created it ended: its memory
 * may already hold another tensor. Return the tensor from the scope, or `keep()` it, to use it later.
 *
 * @example
 * ```ts
 * const t = tidy(() => { const x = zeros([2]); return x.add(1); }); // returned: usable
 * const y = zeros([2]); y.dispose(); y.toArray(); // DisposedError: toArray: the tensor [2] float32 was disposed …
 * ```
 */
export class DisposedError extends ValueError {}

/**
 * A file could not be written completely and durably: no space left (ENOSPC), an I/O error (EIO),
 * a short write, a failed fsync or rename. The file being replaced is left byte for byte as it was.
 * `code` is the system error code (or `'ESHORTWRITE'`), `path` the file, `cause` the original error.
 *
 * @example
 * ```ts
 * try { writeFileAtomic('run/last.json', text); }
 * catch (e) { if (e instanceof FileWriteError && e.code === 'ENOSPC') console.log('disk full; last.json unchanged'); }
 * ```
 */
export class FileWriteError extends StateError {
  /** The file that was being written. */
  readonly path: string;
  /** The system error code (`'ENOSPC'`, `'EIO'`, `'EACCES'`…), `'ESHORTWRITE'`, or undefined. */
  readonly code: string | undefined;
  constructor(message: string, path: string, code: string | undefined, cause?: unknown) {
    super(message);
    this.path = path;
    this.code = code;
    if (cause !== undefined) this.cause = cause;
  }
}

/**
 * A callback or another user-supplied hook threw something that is not an extensible Error (a
 * frozen Error, a string, a number…): this error names the callback and the hook and keeps what was
 * thrown as `cause`.
 *
 * @example
 * ```ts
 * // CallbackError: callback 'logger' (onBatchEnd) threw a string: "disk full"
 * ```
 */
export class CallbackError extends DescentError {
  /** The callback's name. */
  readonly callback: string;
  /** The hook that threw (`'onBatchEnd'`, …). */
  readonly hook: string;
  constructor(message: string, callback: string, hook: string, cause: unknown) {
    super(message);
    this.callback = callback;
    this.hook = hook;
    this.cause = cause;
  }
}

/**
 * A sweep run failed on the remote workers of a queue (`descent worker`) after all its attempts.
 * The worker's error crosses the queue as text, so its message is kept, prefixed with the run's
 * hash and the attempts made; carries `hash` and `attempts`.
 *
 * @example
 * ```ts
 * // RunFailedError: queue job 3f9a…: failed on the workers after 3 attempts: unknown optimizer 'adma'. Registered: …
 * ```
 */
export class RunFailedError extends DescentError {
  /** The run's configuration hash (its job id). */
  readonly hash: string;
  /** How many times a worker tried it. */
  readonly attempts: number;
  constructor(message: string, hash: string, attempts: number) {
    super(message);
    this.hash = hash;
    this.attempts = attempts;
  }
}

/**
 * A kernel that runs on worker threads (the CPU backend's threaded matmul) failed in one of them, or
 * in the calling thread's share of the work. Thrown on the calling thread once every other part of
 * the job has finished, so no thread is left running it; the output is not written and the pool
 * takes the next call. The original error, where it was thrown on the calling thread, is `cause`.
 *
 * @example
 * ```ts
 * // WorkerThreadError: matmul: worker thread 1 failed on chunk 3 of 8: RuntimeError: memory access out of bounds; …
 * ```
 */
export class WorkerThreadError extends BackendError {
  constructor(message: string, cause?: unknown) {
    super(message);
    if (cause !== undefined) this.cause = cause;
  }
}
