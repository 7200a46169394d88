// The `mnist` package (1.1.0) ships no types (and there is no @types/mnist): the parts descent reads.
declare module 'mnist' {
  /** The samples of one digit: `raw` holds `length` images of 28×28 values in [0, 1], row after row. */
  interface MnistDigit {
    readonly id: number;
    readonly raw: readonly number[];
    readonly length: number;
    get(index: number): number[];
    range(start: number, end: number): number[][];
  }
  interface MnistSample { input: number[]; output: number[] }
  interface Mnist extends ReadonlyArray<MnistDigit> {
    /** Random training/test sets (uses Math.random: descent does not call it). */
    set(training: number, test: number): { training: MnistSample[]; test: MnistSample[] };
  }
  const mnist: Mnist;
  export default mnist;
}
