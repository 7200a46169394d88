/**
 * The benchmark's own chart: curves as mean lines with a ± std band, one colour per optimizer.
 * @module
 */
import type { TopLevelSpec } from 'vega-lite';
import { colorsFor, renderSvg } from '../charts.js';
import type { Band } from './analysis.js';

/** Options of {@link bandChart}.
 * @example
 * ```ts
 * const o: BandChartOptions = { xTitle: 'step', yTitle: 'validation accuracy' };
 * ```
 */
export interface BandChartOptions {
  /** x axis title. */
  readonly xTitle: string;
  /** y axis title. */
  readonly yTitle: string;
  /** Plot width in pixels (default 520). */
  readonly width?: number;
  /** Plot height in pixels (default 300). */
  readonly height?: number;
}

/**
 * The vega-lite spec of mean ± std curves: a translucent band per optimizer under its mean line.
 * @example
 * ```ts
 * const spec = bandChartSpec({ adam: { step: [1, 2], mean: [0.8, 0.9], std: [0.02, 0.01] } }, { xTitle: 'step', yTitle: 'accuracy' });
 * ```
 */
export function bandChartSpec(bands: Readonly<Record<string, Band>>, options: BandChartOptions): TopLevelSpec {
  const names = Object.keys(bands).filter((n) => bands[n]!.step.length > 0);
  const rows = names.flatMap((n) => bands[n]!.step.map((s, i) => ({ optimizer: n, step: s, mean: bands[n]!.mean[i]!, lo: bands[n]!.mean[i]! - bands[n]!.std[i]!, hi: bands[n]!.mean[i]! + bands[n]!.std[i]! })));
  const color = { field: 'optimizer', type: 'nominal', title: null, scale: { domain: names, range: colorsFor(names) }, legend: { orient: 'right', labelFontSize: 11, symbolType: 'stroke', symbolStrokeWidth: 3 } };
  const x = { field: 'step', type: 'quantitative', title: options.xTitle };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: options.width ?? 520,
    height: options.height ?? 300,
    background: 'white',
    data: { values: rows },
    config: { axis: { labelFontSize: 11, titleFontSize: 12, gridColor: '#eee' }, view: { stroke: '#ccc' } },
    layer: [
      { mark: { type: 'area', opacity: 0.15 }, encoding: { x, y: { field: 'lo', type: 'quantitative', title: options.yTitle, scale: { zero: false } }, y2: { field: 'hi' }, color } },
      { mark: { type: 'line', strokeWidth: 1.6 }, encoding: { x, y: { field: 'mean', type: 'quantitative', title: options.yTitle, scale: { zero: false } }, color } },
    ],
  } as unknown as TopLevelSpec;
}

/** Render {@link bandChartSpec} to SVG text.
 * @example
 * ```ts
 * const svg = await bandChart(findings.curves, { xTitle: 'step', yTitle: 'validation accuracy' });
 * ```
 */
export function bandChart(bands: Readonly<Record<string, Band>>, options: BandChartOptions): Promise<string> {
  return renderSvg(bandChartSpec(bands, options));
}
