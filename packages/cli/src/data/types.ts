/**
 * The classification data sets the CLI and the main job train on.
 * @module
 */
import type { Tensor } from '@descent/tensor';

/** Inputs `x` (`[n, features]`) and integer class labels `y`, as the trainer takes them.
 * @example
 * ```ts
 * const d: LabelledData = { x: tensor([[0, 1]]), y: [1] };
 * ```
 */
export interface LabelledData {
  /** Inputs `[n, features]`. */
  readonly x: Tensor;
  /** Class labels, one per row of `x`. */
  readonly y: number[];
}

/** A classification problem split into training and test sets.
 * @example
 * ```ts
 * const data: ClassificationData = loadIris();
 * data.train.x.shape; // [120, 4]
 * ```
 */
export interface ClassificationData {
  /** `'mnist'` or `'iris'`. */
  readonly name: string;
  /** One sentence on where the data comes from and how it was split. */
  readonly description: string;
  /** Class names, indexed by label. */
  readonly classes: readonly string[];
  /** Number of input features. */
  readonly features: number;
  /** The training set. */
  readonly train: LabelledData;
  /** The held-out test set (disjoint from the training set). */
  readonly test: LabelledData;
}
