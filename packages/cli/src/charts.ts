/**
 * The report's charts as SVG text: line charts through `@descent/optim`'s `lineChartSpec` (with
 * one fixed colour per optimizer), and contour plots with optimizer trajectories. Everything is a
 * vega-lite spec compiled to vega and rendered headless — no hand-drawn SVG.
 * @module
 */
import { ValueError } from '@descent/tensor';
import { lineChartSpec, type LineChartOptions, type LineSeries } from '@descent/optim';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { contourLines, evaluateGrid, thinPath, type ContourLine, type TestFunction, type Trajectory } from './landscape.js';

export { thinPath };

/** One colour per built-in optimizer, the same in every chart (others get a fallback palette).
 * @example
 * ```ts
 * OPTIMIZER_COLORS.adam; // '#d62728'
 * ```
 */
export const OPTIMIZER_COLORS: Readonly<Record<string, string>> = {
  sgd: '#1f77b4', sgdm: '#17becf', nag: '#393b79', adagrad: '#8c564b', rmsprop: '#bcbd22', adam: '#d62728',
  amsgrad: '#ff7f0e', adamw: '#e377c2', adabound: '#9467bd', lookahead: '#7f7f7f', nadam: '#2ca02c', radam: '#005a32',
};

const FALLBACK = ['#637939', '#e7ba52', '#843c39', '#7b4173', '#3182bd', '#31a354', '#756bb1', '#636363'];

/** Colours for a list of series names: the fixed optimizer colour when there is one, else a fallback.
 * @example
 * ```ts
 * colorsFor(['adam', 'mine']); // ['#d62728', '#637939']
 * ```
 */
export function colorsFor(names: readonly string[]): string[] {
  let k = 0;
  return names.map((n) => OPTIMIZER_COLORS[n] ?? FALLBACK[k++ % FALLBACK.length]!);
}

/**
 * Render any vega-lite spec to SVG text (compiled to vega, rendered without a canvas).
 * @example
 * ```ts
 * const svg = await renderSvg({ data: { values: [{ a: 1 }] }, mark: 'point', encoding: { x: { field: 'a', type: 'quantitative' } } });
 * ```
 */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none', logLevel: vega.Error });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Options of {@link optimizerLineChart}: `lineChart`'s, plus axis tweaks.
 * @example
 * ```ts
 * const o: OptimizerChartOptions = { yTitle: 'accuracy', integerX: true, points: true, yDomain: [80, 100] };
 * ```
 */
export interface OptimizerChartOptions extends LineChartOptions {
  /** Fixed y range (no "nice" rounding; values outside are clipped). */
  yDomain?: readonly [number, number];
  /** Integer ticks on x (epochs). */
  integerX?: boolean;
  /** Draw a dot at every data point. */
  points?: boolean;
  /** Colour of a single series (default: the optimizer colours by name). */
  color?: string;
}

/**
 * A line chart built on `@descent/optim`'s `lineChartSpec`, with each series coloured by
 * {@link OPTIMIZER_COLORS} (legend in the series' order), markers labelled without overlap, and
 * optional fixed y range, integer x ticks and points.
 * @example
 * ```ts
 * const svg = await optimizerLineChart({ adam: [2.3, 1.1, 0.6], sgdm: [2.3, 1.5, 0.9] }, { yTitle: 'loss' });
 * ```
 */
export async function optimizerLineChart(series: Readonly<Record<string, LineSeries>>, options: OptimizerChartOptions = {}): Promise<string> {
  const { yDomain, integerX, points, color: single, markers, ...rest } = options;
  const names = Object.keys(series);
  type Enc = Record<string, Record<string, unknown>>;
  const spec = lineChartSpec(series, rest) as unknown as { layer: Array<{ mark?: Record<string, unknown>; encoding?: Enc }>; config?: unknown };
  const line = spec.layer[0]!;
  const enc = line.encoding!;
  if (enc.color) {
    enc.color.scale = { domain: names, range: colorsFor(names) };
    enc.color.legend = { orient: 'right', labelFontSize: 11, symbolType: 'stroke', symbolStrokeWidth: 3 };
  } else {
    line.mark = { ...line.mark, color: single ?? colorsFor(names)[0] };
  }
  if (yDomain) enc.y!.scale = { ...(enc.y!.scale as object), domain: [...yDomain], nice: false };
  if (yDomain) line.mark = { ...line.mark, clip: true };
  if (integerX) enc.x!.axis = { tickMinStep: 1, format: 'd' };
  if (points) line.mark = { ...line.mark, point: { size: 22 } };
  (markers ?? []).forEach((m, k) => {
    const colorOf = k === 0 ? '#d62728' : k === 1 ? '#ff7f0e' : '#555';
    const values = [{ x: m.x, label: m.label ?? '' }];
    spec.layer.push({ data: { values }, mark: { type: 'rule', color: colorOf, strokeDash: [4, 3], strokeWidth: 1.3 }, encoding: { x: { field: 'x', type: 'quantitative' } } } as never);
    spec.layer.push({
      data: { values },
      mark: { type: 'text', align: 'left', dx: 4, dy: 4 + 14 * k, baseline: 'top', color: colorOf, fontSize: 11 },
      encoding: { x: { field: 'x', type: 'quantitative' }, y: { value: 0 }, text: { field: 'label' } },
    } as never);
  });
  spec.config = { axis: { labelFontSize: 11, titleFontSize: 12, gridColor: '#eee' }, view: { stroke: '#ccc' } };
  return renderSvg(spec as unknown as TopLevelSpec);
}

/** Options of {@link trajectorySpec}.
 * @example
 * ```ts
 * const o: TrajectoryChartOptions = { size: 420, gridSize: 121 };
 * ```
 */
export interface TrajectoryChartOptions {
  /** Side of the (square) plotting area in pixels (default 440). */
  size?: number;
  /** Grid points per axis for the contours (default 141). */
  gridSize?: number;
  /** Chart title (default the function's formula). */
  title?: string;
}

/**
 * The vega-lite spec of a contour plot of a test function (contour lines computed by
 * `contourLines` on a float64 grid) with each optimizer's trajectory drawn over it from the
 * shared start (black dot) and the minima marked (stars).
 * @example
 * ```ts
 * const spec = trajectorySpec(ROSENBROCK, ['adam', 'sgdm'].map((n) => trajectory(ROSENBROCK, n)));
 * ```
 */
export function trajectorySpec(fn: TestFunction, trajectories: readonly Trajectory[], options: TrajectoryChartOptions = {}): TopLevelSpec {
  if (trajectories.length === 0) throw new ValueError('trajectorySpec: no trajectories to draw');
  const size = options.size ?? 440;
  const n = options.gridSize ?? 141;
  const [x0, x1] = fn.xRange, [y0, y1] = fn.yRange;
  const grid = evaluateGrid(fn.f, fn.xRange, fn.yRange, n, n);
  const lines = contourLines(grid, fn.levels);
  const contourRows = lines.flatMap((l, id) => l.points.map((p, i) => ({ id, i, level: l.level, x: p[0], y: p[1] })));
  const minStep = Math.max(x1 - x0, y1 - y0) / 400;
  const names = trajectories.map((t) => t.optimizer);
  const inside = (p: readonly [number, number]) => p[0] >= x0 && p[0] <= x1 && p[1] >= y0 && p[1] <= y1;
  const pathRows = trajectories.flatMap((t) =>
    thinPath(t.points, minStep).map((p, i) => ({ optimizer: t.optimizer, i, x: p[0], y: p[1] })));
  const ends = trajectories.map((t) => {
    const last = t.points[t.points.length - 1]!;
    return { optimizer: t.optimizer, x: last[0], y: last[1] };
  }).filter((p) => inside([p.x, p.y]));
  const xScale = { domain: [x0, x1], nice: false, zero: false };
  const yScale = { domain: [y0, y1], nice: false, zero: false };
  const x = { field: 'x', type: 'quantitative' as const, scale: xScale, title: 'x' };
  const y = { field: 'y', type: 'quantitative' as const, scale: yScale, title: 'y' };
  const color = { field: 'optimizer', type: 'nominal' as const, title: null, scale: { domain: names, range: colorsFor(names) }, legend: { orient: 'bottom' as const, columns: 4, labelFontSize: 11, symbolType: 'stroke', symbolStrokeWidth: 3 } };
  const levelLabels = labelRows(lines, fn.levels);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: options.title ?? fn.formula, fontSize: 13 },
    width: size,
    height: Math.round((size * (y1 - y0)) / (x1 - x0)),
    background: 'white',
    config: { axis: { labelFontSize: 11, titleFontSize: 12, grid: false }, view: { stroke: '#bbb' } },
    layer: [
      {
        data: { values: contourRows },
        mark: { type: 'line', strokeWidth: 0.8, color: '#a0a0a0', clip: true },
        encoding: { x, y, detail: { field: 'id', type: 'nominal' }, order: { field: 'i', type: 'quantitative' } },
      },
      {
        data: { values: levelLabels },
        mark: { type: 'text', fontSize: 8, color: '#888', clip: true },
        encoding: { x, y, text: { field: 'label' } },
      },
      {
        data: { values: pathRows },
        mark: { type: 'line', strokeWidth: 1.6, opacity: 0.9, clip: true, interpolate: 'linear' },
        encoding: { x, y, order: { field: 'i', type: 'quantitative' }, color },
      },
      // the end points, one small layer each (a colour value, so no second legend)
      ...ends.map((e, k) => ({
        data: { values: [e] },
        mark: { type: 'point', filled: true, size: 30, opacity: 1, clip: true, color: colorsFor(names)[names.indexOf(e.optimizer)] ?? colorsFor(names)[k] },
        encoding: { x, y },
      })),
      {
        data: { values: [{ x: fn.start[0], y: fn.start[1], label: 'start' }] },
        mark: { type: 'point', filled: true, size: 60, color: 'black' },
        encoding: { x, y },
      },
      {
        data: { values: fn.minima.map((m) => ({ x: m[0], y: m[1] })) },
        mark: { type: 'point', shape: 'cross', filled: true, size: 90, color: 'black', angle: 45 },
        encoding: { x, y },
      },
    ],
  } as TopLevelSpec;
}

/** One label per level, placed a third of the way along that level's longest line. */
function labelRows(lines: readonly ContourLine[], levels: readonly number[]): Array<{ x: number; y: number; label: string }> {
  const rows: Array<{ x: number; y: number; label: string }> = [];
  for (const level of levels) {
    const longest = lines.filter((l) => l.level === level).sort((a, b) => b.points.length - a.points.length)[0];
    if (!longest) continue;
    const p = longest.points[Math.floor(longest.points.length / 3)]!;
    rows.push({ x: p[0], y: p[1], label: String(level) });
  }
  return rows;
}

/** Render {@link trajectorySpec} to SVG text.
 * @example
 * ```ts
 * const svg = await trajectoryChart(SADDLE, names.map((n) => trajectory(SADDLE, n)));
 * ```
 */
export function trajectoryChart(fn: TestFunction, trajectories: readonly Trajectory[], options: TrajectoryChartOptions = {}): Promise<string> {
  return renderSvg(trajectorySpec(fn, trajectories, options));
}

/** Options of {@link trajectoryGridSpec}.
 * @example
 * ```ts
 * const o: TrajectoryGridOptions = { columns: 3, panel: 200 };
 * ```
 */
export interface TrajectoryGridOptions {
  /** Panels per row (default 4). */
  columns?: number;
  /** Width of each panel in pixels (default 170). */
  panel?: number;
  /** Grid points per axis for the contours (default 101). */
  gridSize?: number;
}

/**
 * Small multiples: one panel per optimizer (its trajectory alone over the contours), `columns`
 * panels a row, sharing one contour data set.
 * @example
 * ```ts
 * const svg = await renderSvg(trajectoryGridSpec(SADDLE, trajectories, { columns: 4 }));
 * ```
 */
export function trajectoryGridSpec(fn: TestFunction, trajectories: readonly Trajectory[], options: TrajectoryGridOptions = {}): TopLevelSpec {
  if (trajectories.length === 0) throw new ValueError('trajectoryGridSpec: no trajectories to draw');
  const { columns = 4, panel = 170, gridSize = 101 } = options;
  const [x0, x1] = fn.xRange, [y0, y1] = fn.yRange;
  const lines = contourLines(evaluateGrid(fn.f, fn.xRange, fn.yRange, gridSize, gridSize), fn.levels);
  const contours = lines.flatMap((l, id) => l.points.map((p, i) => ({ id, i, x: p[0], y: p[1] })));
  const minStep = Math.max(x1 - x0, y1 - y0) / 250;
  const x = { field: 'x', type: 'quantitative' as const, scale: { domain: [x0, x1], nice: false, zero: false }, title: null, axis: { tickCount: 4, labelFontSize: 9 } };
  const y = { field: 'y', type: 'quantitative' as const, scale: { domain: [y0, y1], nice: false, zero: false }, title: null, axis: { tickCount: 4, labelFontSize: 9 } };
  const colors = colorsFor(trajectories.map((t) => t.optimizer));
  const panels = trajectories.map((t, k) => {
    const last = t.points[t.points.length - 1]!;
    const finalValue = t.values[t.values.length - 1]!;
    const out = last[0] < x0 || last[0] > x1 || last[1] < y0 || last[1] > y1;
    return {
      title: { text: `${t.optimizer} (lr ${fmtLr(t.lr)})`, fontSize: 11, subtitle: out ? 'left the window' : `f = ${fmtValue(finalValue)} after ${t.points.length - 1} steps`, subtitleFontSize: 9, subtitleColor: '#666' },
      width: panel,
      height: Math.round((panel * (y1 - y0)) / (x1 - x0)),
      layer: [
        { data: { name: 'contours' }, mark: { type: 'line', strokeWidth: 0.6, color: '#b5b5b5', clip: true }, encoding: { x, y, detail: { field: 'id', type: 'nominal' }, order: { field: 'i', type: 'quantitative' } } },
        { data: { values: thinPath(t.points, minStep).map((p, i) => ({ i, x: p[0], y: p[1] })) }, mark: { type: 'line', strokeWidth: 1.6, color: colors[k], clip: true }, encoding: { x, y, order: { field: 'i', type: 'quantitative' } } },
        { data: { values: [{ x: fn.start[0], y: fn.start[1] }] }, mark: { type: 'point', filled: true, size: 30, color: 'black' }, encoding: { x, y } },
        { data: { values: fn.minima.map((m) => ({ x: m[0], y: m[1] })) }, mark: { type: 'point', shape: 'cross', angle: 45, filled: true, size: 50, color: 'black' }, encoding: { x, y } },
      ],
    };
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    background: 'white',
    datasets: { contours },
    columns,
    concat: panels,
    spacing: 14,
    config: { view: { stroke: '#bbb' }, axis: { grid: false } },
  } as unknown as TopLevelSpec;
}

const fmtLr = (v: number) => (v >= 0.01 ? String(Number(v.toPrecision(2))) : v.toExponential(0).replace('e-', 'e−'));
const fmtValue = (v: number) => (Math.abs(v) >= 0.01 || v === 0 ? v.toFixed(3) : v.toExponential(1));

/** One optimizer's final train and test accuracy, for {@link gapChartSpec}.
 * @example
 * ```ts
 * const p: GapPoint = { optimizer: 'adam', train: 0.99, test: 0.96 };
 * ```
 */
export interface GapPoint {
  /** The optimizer's name (its colour). */
  readonly optimizer: string;
  /** Final training accuracy (fraction). */
  readonly train: number;
  /** Final test accuracy (fraction). */
  readonly test: number;
}

/**
 * A dumbbell chart of the generalization gap: per optimizer, its test accuracy (open circle) and
 * train accuracy (filled) joined by a bar, optimizers sorted by test accuracy.
 * @example
 * ```ts
 * const svg = await renderSvg(gapChartSpec([{ optimizer: 'adam', train: 0.99, test: 0.96 }]));
 * ```
 */
export function gapChartSpec(points: readonly GapPoint[], options: {
  /** Plot width in pixels (default 420). */
  width?: number;
  /** Chart title. */
  title?: string;
} = {}): TopLevelSpec {
  const names = points.map((p) => p.optimizer);
  const sorted = [...points].sort((a, b) => b.test - a.test).map((p) => p.optimizer);
  const rows = points.flatMap((p) => [
    { optimizer: p.optimizer, set: 'train', accuracy: p.train * 100 },
    { optimizer: p.optimizer, set: 'test', accuracy: p.test * 100 },
  ]);
  const y = { field: 'optimizer', type: 'nominal' as const, sort: sorted, title: null };
  const x = { field: 'accuracy', type: 'quantitative' as const, title: 'accuracy (%)', scale: { zero: false } };
  const color = { field: 'optimizer', type: 'nominal' as const, scale: { domain: names, range: colorsFor(names) }, legend: null };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...(options.title ? { title: options.title } : {}),
    width: options.width ?? 420,
    height: { step: 20 },
    background: 'white',
    data: { values: rows },
    config: { axis: { labelFontSize: 11, titleFontSize: 12, gridColor: '#eee' }, view: { stroke: '#ccc' } },
    layer: [
      { mark: { type: 'line', strokeWidth: 3, opacity: 0.6 }, encoding: { x, y, detail: { field: 'optimizer', type: 'nominal' }, color } },
      {
        mark: { type: 'point', size: 70, strokeWidth: 2, opacity: 1 },
        encoding: {
          x, y, color,
          fill: { condition: { test: "datum.set === 'train'", field: 'optimizer', type: 'nominal' }, value: 'white' },
          tooltip: [{ field: 'optimizer' }, { field: 'set' }, { field: 'accuracy', format: '.1f' }],
        },
      },
    ],
  } as unknown as TopLevelSpec;
}
