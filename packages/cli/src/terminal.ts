/**
 * Terminal output: charts drawn with `asciichart` and plain-text tables.
 * @module
 */
import * as asciichart from 'asciichart';

const ANSI = [asciichart.blue, asciichart.red, asciichart.green, asciichart.magenta, asciichart.cyan, asciichart.yellow, asciichart.lightblue, asciichart.lightred, asciichart.lightgreen, asciichart.lightmagenta, asciichart.lightcyan, asciichart.lightyellow];

/** Options of {@link asciiChart}.
 * @example
 * ```ts
 * const o: AsciiChartOptions = { height: 10, width: 60, color: false, title: 'loss' };
 * ```
 */
export interface AsciiChartOptions {
  /** Rows of the plot (default 12). */
  height?: number;
  /** At most this many columns: longer series are averaged down (default 64). */
  width?: number;
  /** ANSI colours, one per series (default: when stdout is a terminal). */
  color?: boolean;
  /** A line printed above the chart. */
  title?: string;
  /** Plot log10 of the values (all must be > 0), labelled with the values themselves. */
  logY?: boolean;
  /** Text under the chart, e.g. the x axis' meaning. */
  xLabel?: string;
}

/** Average a series down to at most `width` points (bucket means), keeping its shape.
 * @example
 * ```ts
 * downsample([1, 2, 3, 4], 2); // [1.5, 3.5]
 * ```
 */
export function downsample(values: readonly number[], width: number): number[] {
  if (values.length <= width) return values.slice();
  const out: number[] = [];
  for (let b = 0; b < width; b++) {
    const from = Math.floor((b * values.length) / width), to = Math.floor(((b + 1) * values.length) / width);
    let s = 0;
    for (let i = from; i < to; i++) s += values[i]!;
    out.push(s / Math.max(1, to - from));
  }
  return out;
}

/** Repeat each value so a short series fills about `width` columns (a 12-epoch series drawn 48 wide).
 * @example
 * ```ts
 * stretch([1, 2], 6); // [1, 1, 1, 2, 2, 2]
 * ```
 */
export function stretch(values: readonly number[], width: number): number[] {
  const k = Math.floor(width / Math.max(1, values.length));
  return k <= 1 ? values.slice() : values.flatMap((v) => new Array<number>(k).fill(v));
}

/**
 * One or more series as a terminal line chart (`asciichart`), with a legend when there are
 * several. Non-finite values are dropped.
 * @example
 * ```ts
 * console.log(asciiChart({ adam: [2.3, 1.2, 0.7], sgdm: [2.3, 1.6, 1.0] }, { title: 'loss per epoch' }));
 * ```
 */
export function asciiChart(series: Readonly<Record<string, readonly number[]>>, options: AsciiChartOptions = {}): string {
  const { height = 12, width = 64, title, logY = false, xLabel } = options;
  const color = options.color ?? Boolean(process.stdout.isTTY);
  const names = Object.keys(series).filter((n) => series[n]!.some((v) => Number.isFinite(v) && (!logY || v > 0)));
  if (names.length === 0) return `${title ? `${title}\n` : ''}(no data)`;
  const data = names.map((n) => stretch(downsample(series[n]!.filter((v) => Number.isFinite(v) && (!logY || v > 0)).map((v) => (logY ? Math.log10(v) : v)), width), width));
  const flat = data.flat();
  const lo = Math.min(...flat), hi = Math.max(...flat);
  const fmt = (v: number) => {
    const x = logY ? 10 ** v : v;
    const a = Math.abs(x);
    const s = a !== 0 && (a < 1e-3 || a >= 1e5) ? x.toExponential(1) : x.toFixed(a >= 100 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : 3);
    return s.padStart(9);
  };
  const plot = asciichart.plot(data, {
    height: Math.max(2, height),
    ...(hi - lo < 1e-12 ? { min: lo - 1, max: hi + 1 } : {}),
    format: fmt,
    ...(color ? { colors: names.map((_, i) => ANSI[i % ANSI.length]) } : {}),
  });
  const lines = [];
  if (title) lines.push(title);
  lines.push(plot);
  if (xLabel) lines.push(`${' '.repeat(11)}${xLabel}`);
  if (names.length > 1) {
    const legend = color ? names.map((n, i) => asciichart.colored(`── ${n}`, ANSI[i % ANSI.length])).join('  ') : `series: ${names.join(', ')}`;
    lines.push(`${' '.repeat(11)}${legend}`);
  }
  return lines.join('\n');
}

/** A column of {@link formatTable}: header text and alignment.
 * @example
 * ```ts
 * const c: Column = { header: 'test acc', align: 'right' };
 * ```
 */
export interface Column {
  /** Header text. */
  readonly header: string;
  /** Alignment of the cells (default left). */
  readonly align?: 'left' | 'right';
}

/**
 * Rows of text as an aligned plain-text table with a header rule.
 * @example
 * ```ts
 * formatTable([{ header: 'optimizer' }, { header: 'acc', align: 'right' }], [['adam', '97.1%']]);
 * ```
 */
export function formatTable(columns: readonly Column[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = columns.map((c, i) => Math.max(c.header.length, ...rows.map((r) => (r[i] ?? '').length)));
  const cell = (text: string, i: number) => (columns[i]!.align === 'right' ? text.padStart(widths[i]!) : text.padEnd(widths[i]!));
  const line = (cells: readonly string[]) => columns.map((_, i) => cell(cells[i] ?? '', i)).join('  ').trimEnd();
  return [line(columns.map((c) => c.header)), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
