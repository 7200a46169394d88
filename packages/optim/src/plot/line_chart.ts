import { ValueError } from '@descent/tensor';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/** One line: y values at x = 0, 1, 2, … or explicit `{x, y}` of equal length.
 * @example
 * ```ts
 * const a: LineSeries = [0.1, 0.09, 0.08];
 * const b: LineSeries = { x: [1e-5, 1e-4], y: [2.3, 2.1] };
 * ```
 */
export type LineSeries = readonly number[] | {
  /** The x values. */
  readonly x: readonly number[];
  /** The y values, as many as x. */
  readonly y: readonly number[];
};

/** Options of {@link lineChart}.
 * @example
 * ```ts
 * const o: LineChartOptions = { title: 'lr', xTitle: 'step', yTitle: 'learning rate', logY: true };
 * ```
 */
export interface LineChartOptions {
  /** Chart title. */
  title?: string;
  /** Title of the x axis (default 'x'). */
  xTitle?: string;
  /** Title of the y axis (default 'y'; also the legend name of a single unnamed series). */
  yTitle?: string;
  /** Log-scaled x axis (every x must then be > 0). */
  logX?: boolean;
  /** Log-scaled y axis (every y must then be > 0). */
  logY?: boolean;
  /** Width of the plotting area in pixels (default 480). */
  width?: number;
  /** Height of the plotting area in pixels (default 240). */
  height?: number;
  /** Vertical marker lines, e.g. a suggested learning rate. */
  markers?: ReadonlyArray<{
    /** Where the line is drawn, in x units. */
    x: number;
    /** Text next to the line. */
    label?: string;
  }>;
}

interface Row { x: number; y: number; series: string }

function toRows(name: string, s: LineSeries): Row[] {
  const ys = Array.isArray(s) ? (s as readonly number[]) : (s as { y: readonly number[] }).y;
  const xs = Array.isArray(s) ? null : (s as { x: readonly number[] }).x;
  if (!Array.isArray(ys) || (xs !== null && (!Array.isArray(xs) || xs.length !== ys.length))) {
    throw new ValueError(`lineChart: series '${name}' must be a number list or {x, y} lists of equal length`);
  }
  return ys.map((y, i) => {
    const x = xs === null ? i : xs[i]!;
    if (typeof y !== 'number' || !Number.isFinite(y) || typeof x !== 'number' || !Number.isFinite(x)) {
      throw new ValueError(`lineChart: series '${name}' has a non-finite point at index ${i}: (${x}, ${y})`);
    }
    return { x, y, series: name };
  });
}

/** Whether `v` is one series rather than a `{name: series}` record. */
function isSeries(v: unknown): v is LineSeries {
  return Array.isArray(v) || (v !== null && typeof v === 'object' && Array.isArray((v as { y?: unknown }).y) && Array.isArray((v as { x?: unknown }).x));
}

/**
 * The vega-lite spec {@link lineChart} renders: one line per series, coloured by name when there
 * are several, optional log axes and vertical markers.
 * @example
 * ```ts
 * const spec = lineChartSpec({ cosine: [1, 0.5, 0] }, { yTitle: 'lr' });
 * ```
 */
export function lineChartSpec(series: LineSeries | Readonly<Record<string, LineSeries>>, options: LineChartOptions = {}): TopLevelSpec {
  const named: Record<string, LineSeries> = isSeries(series) ? { [options.yTitle ?? 'y']: series } : { ...(series as Record<string, LineSeries>) };
  const names = Object.keys(named);
  if (names.length === 0) throw new ValueError('lineChart: no series to plot');
  const rows = names.flatMap((n) => toRows(n, named[n]!));
  if (rows.length === 0) throw new ValueError('lineChart: the series are empty');
  const width = options.width ?? 480;
  const height = options.height ?? 240;
  for (const [k, v] of [['width', width], ['height', height]] as const) {
    if (!Number.isFinite(v) || v <= 0) throw new ValueError(`lineChart: ${k} must be a number > 0, but got ${v}`);
  }
  if (options.logX && rows.some((r) => r.x <= 0)) throw new ValueError('lineChart: logX needs every x > 0');
  if (options.logY && rows.some((r) => r.y <= 0)) throw new ValueError('lineChart: logY needs every y > 0 (plot without logY, or drop the zeros)');
  const markers = options.markers ?? [];
  const x = { field: 'x', type: 'quantitative' as const, title: options.xTitle ?? 'x', scale: options.logX ? { type: 'log' as const } : { zero: false } };
  const y = { field: 'y', type: 'quantitative' as const, title: options.yTitle ?? 'y', scale: options.logY ? { type: 'log' as const } : { zero: false } };
  const line = {
    data: { values: rows },
    mark: { type: 'line' as const, strokeWidth: 1.5 },
    encoding: names.length > 1 ? { x, y, color: { field: 'series', type: 'nominal' as const, title: null } } : { x, y },
  };
  const layers: unknown[] = [line];
  if (markers.length > 0) {
    const values = markers.map((m) => ({ x: m.x, label: m.label ?? '' }));
    layers.push({ data: { values }, mark: { type: 'rule', color: '#d62728', strokeDash: [4, 3] }, encoding: { x: { field: 'x', type: 'quantitative' } } });
    layers.push({
      data: { values },
      mark: { type: 'text', align: 'left', dx: 3, dy: -3, baseline: 'bottom', color: '#d62728' },
      encoding: { x: { field: 'x', type: 'quantitative' }, y: { value: 0 }, text: { field: 'label' } },
    });
  }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...(options.title ? { title: options.title } : {}),
    width,
    height,
    background: 'white',
    layer: layers,
  } as TopLevelSpec;
}

/**
 * Render series as an SVG line chart (vega-lite compiled to vega, rendered headless without a
 * canvas). Resolves to the `<svg …>` text.
 *
 * @throws ValueError for non-finite points, log axes with values ≤ 0, or no data.
 * @example
 * ```ts
 * const svg = await lineChart({ step: [0.1, 0.05, 0.025] }, { title: 'StepLR', xTitle: 'step', yTitle: 'lr' });
 * writeFileSync('step.svg', svg);
 * ```
 */
export async function lineChart(series: LineSeries | Readonly<Record<string, LineSeries>>, options: LineChartOptions = {}): Promise<string> {
  const spec = lineChartSpec(series, options);
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none', logLevel: vega.Error });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
