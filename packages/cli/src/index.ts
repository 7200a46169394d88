/**
 * `@descent/cli`: the `descent` command line (`compare`, `lr-find`, `train`, `list`) and the main
 * job behind `npm start` — MNIST and Iris loaders, the optimizer comparison, the LR range test,
 * 2-D trajectories over contour lines, and the self-contained HTML report (vega-lite charts).
 *
 * @example
 * ```ts
 * import { runCompare } from '@descent/cli';
 * const result = await runCompare({ dataset: 'iris', optimizers: ['adam', 'sgdm'], epochs: 20, out: 'report-iris' });
 * console.log(result.table);
 * ```
 * @module
 */
export * from './args.js';
export * from './io.js';
export * from './data/index.js';
export * from './model.js';
export * from './models/cnn.js';
export * from './models/tiny_transformer.js';
export * from './runner.js';
export * from './summary.js';
export * from './terminal.js';
export * from './progress.js';
export * from './landscape.js';
export * from './charts.js';
export * from './report.js';
export * from './lr_find.js';
export * from './compare.js';
export * from './config.js';
export * from './suggest.js';
export * from './plugins.js';
export * from './main.js';
export * from './cli.js';
export * from './commands/compare.js';
export * from './commands/lr_find.js';
export * from './commands/train.js';
export * from './commands/list.js';
export * from './commands/bench.js';
export * from './sweep/index.js';
export * from './workloads/index.js';
export * from './bench/stats.js';
export * from './bench/analysis.js';
export * from './bench/protocol.js';
export * from './bench/findings.js';
export * from './bench/classifier.js';
export * from './bench/mnist_splits.js';
export * from './bench/charts.js';
export * from './bench/progress.js';
export * from './bench/tables.js';
export * from './bench/report.js';
export * from './bench/run.js';
