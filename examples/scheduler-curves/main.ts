// Draws every learning-rate scheduler's curve as an SVG for docs/schedulers.md.
//   node --import tsx --conditions=source examples/scheduler-curves/main.ts [outDir]
// (default outDir: docs/img/schedulers). Each chart is one file, <name>.svg.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createScheduler, scheduleSeries, scheduleSvg, type SchedulerSpec } from '@descent/optim';

/** One chart of the docs: named schedules drawn over `steps` steps (a plateau run is driven by `metrics`).
 * @example
 * ```ts
 * const c: Curve = { file: 'step', title: 'step', steps: 100, series: { step: { name: 'step', options: { stepSize: 30 } } } };
 * ```
 */
export interface Curve {
  file: string;
  title: string;
  steps: number;
  series: Record<string, SchedulerSpec>;
  metrics?: number[];
  logY?: boolean;
}

const BASE_LR = 0.1;

// A validation loss that improves, then stalls: drives the plateau chart.
const plateauMetrics = Array.from({ length: 60 }, (_, i) => (i < 15 ? 1 - i * 0.03 : 0.58 + 0.002 * Math.sin(i)));

/**
 * The charts drawn, one SVG file each.
 * @example
 * ```ts
 * curves.map((c) => c.file); // ['constant', 'step', …, 'plateau']
 * ```
 */
export const curves: Curve[] = [
  { file: 'constant', title: "constant (and PyTorch's ConstantLR: factor 0.5 for 20 steps)", steps: 100, series: { constant: { name: 'constant' }, 'factor 0.5, totalIters 20': { name: 'constant', options: { factor: 0.5, totalIters: 20 } } } },
  { file: 'step', title: 'step: stepSize 30, gamma 0.5', steps: 100, series: { step: { name: 'step', options: { stepSize: 30, gamma: 0.5 } } } },
  { file: 'multistep', title: 'multistep: milestones [30, 60, 80], gamma 0.5', steps: 100, series: { multistep: { name: 'multistep', options: { milestones: [30, 60, 80], gamma: 0.5 } } } },
  { file: 'exponential', title: 'exponential: gamma 0.97', steps: 100, series: { exponential: { name: 'exponential', options: { gamma: 0.97 } } } },
  { file: 'linear', title: 'linear warm-up: startFactor 0.1, totalIters 20', steps: 100, series: { linear: { name: 'linear', options: { startFactor: 0.1, totalIters: 20 } } } },
  { file: 'cosine', title: 'cosine: tMax 60, etaMin 0.005 (PyTorch keeps going after tMax)', steps: 150, series: { cosine: { name: 'cosine', options: { tMax: 60, etaMin: 0.005 } } } },
  { file: 'sgdr', title: 'sgdr (warm restarts): t0 10, tMult 2', steps: 150, series: { 'tMult 2': { name: 'sgdr', options: { t0: 10, tMult: 2 } }, 'tMult 1': { name: 'sgdr', options: { t0: 30 } } } },
  {
    file: 'cyclic', title: 'cyclic: baseLr 0.01, maxLr 0.1, stepSizeUp 10, stepSizeDown 15', steps: 150,
    series: Object.fromEntries((['triangular', 'triangular2', 'exp_range'] as const).map((mode) => [mode, { name: 'cyclic', options: { baseLr: 0.01, maxLr: 0.1, stepSizeUp: 10, stepSizeDown: 15, mode, gamma: 0.99 } }])),
  },
  {
    file: 'onecycle', title: 'onecycle: maxLr 0.1, totalSteps 100', steps: 100,
    series: {
      'cos (default)': { name: 'onecycle', options: { maxLr: 0.1, totalSteps: 100 } },
      'linear, threePhase': { name: 'onecycle', options: { maxLr: 0.1, totalSteps: 100, annealStrategy: 'linear', threePhase: true } },
    },
  },
  {
    file: 'sequential', title: 'sequential: linear warm-up for 10 steps, then cosine or sgdr', steps: 150,
    series: {
      'warm-up → cosine': { name: 'sequential', options: { schedulers: [{ name: 'linear', options: { startFactor: 0.1, totalIters: 10 } }, { name: 'cosine', options: { tMax: 140 } }], milestones: [10] } },
      'warm-up → sgdr': { name: 'sequential', options: { schedulers: [{ name: 'linear', options: { startFactor: 0.1, totalIters: 10 } }, { name: 'sgdr', options: { t0: 20, tMult: 2 } }], milestones: [10] } },
    },
  },
  { file: 'plateau', title: 'plateau: factor 0.5, patience 5, on a loss that stalls after 15 epochs', steps: plateauMetrics.length, metrics: plateauMetrics, series: { plateau: { name: 'plateau', options: { factor: 0.5, patience: 5 } } } },
];

/**
 * Write one SVG per scheduler into `outDir`; returns the paths written.
 * @example
 * ```ts
 * await writeSchedulerCurves({ outDir: 'docs/img/schedulers' });
 * ```
 */
export async function writeSchedulerCurves(options: { outDir: string; width?: number; height?: number }): Promise<string[]> {
  const { outDir, width = 480, height = 200 } = options;
  mkdirSync(outDir, { recursive: true });
  const written: string[] = [];
  for (const c of curves) {
    const series = Object.fromEntries(
      Object.entries(c.series).map(([label, spec]) => [label, scheduleSeries(createScheduler(spec, {}, BASE_LR), c.steps, c.metrics ? { metrics: c.metrics } : {})]),
    );
    const svg = await scheduleSvg(series, { title: c.title, width, height, xTitle: c.metrics ? 'epoch' : 'step', logY: c.logY ?? false });
    const path = join(outDir, `${c.file}.svg`);
    writeFileSync(path, svg);
    written.push(path);
  }
  return written;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const outDir = process.argv[2] ?? fileURLToPath(new URL('../../docs/img/schedulers/', import.meta.url));
  const files = await writeSchedulerCurves({ outDir });
  console.log(`wrote ${files.length} charts to ${outDir}`);
}
