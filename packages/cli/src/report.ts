/**
 * The optimizer report: one self-contained HTML page (inline CSS, inline SVG charts rendered with
 * vega-lite + vega) with the summary table, the lecture's claim checked, and the plots.
 * @module
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OPTIMIZER_COLORS, gapChartSpec, optimizerLineChart, renderSvg, trajectoryChart, trajectoryGridSpec } from './charts.js';
import type { TestFunction, Trajectory } from './landscape.js';
import type { RunResult } from './runner.js';
import { SUMMARY_COLUMNS, fmtNumber, lectureClaim, pct, summaryCells, summaryRows, type SummaryRow } from './summary.js';

/** The LR range test's result as the report shows it.
 * @example
 * ```ts
 * const r: LrFindReport = { optimizer: 'sgdm', lrs: [1e-4, 1e-3], losses: [2.3, 2.1], suggestion: 0.05 };
 * ```
 */
export interface LrFindReport {
  /** The optimizer the test ran with. */
  readonly optimizer: string;
  /** Learning rates tried, in order. */
  readonly lrs: readonly number[];
  /** Smoothed loss at each. */
  readonly losses: readonly number[];
  /** The suggested learning rate (steepest descent of the smoothed loss). */
  readonly suggestion: number;
  /** Other marked rates (e.g. the minimum / 10), by label. */
  readonly marks?: Readonly<Record<string, number>>;
  /** One line on how the suggestion was found. */
  readonly method?: string;
}

/** A 2-D test function with the trajectories drawn on it.
 * @example
 * ```ts
 * const l: LandscapeReport = { fn: ROSENBROCK, trajectories: names.map((n) => trajectory(ROSENBROCK, n)) };
 * ```
 */
export interface LandscapeReport {
  /** The test function (window, start, levels). */
  readonly fn: TestFunction;
  /** One path per optimizer. */
  readonly trajectories: readonly Trajectory[];
}

/** Everything the report shows.
 * @example
 * ```ts
 * const html = await renderReport({ title: 'descent', dataset: data.description, model: 'MLP', settings: {}, runs });
 * ```
 */
export interface ReportInput {
  /** Page title and heading. */
  readonly title: string;
  /** One sentence on the data. */
  readonly dataset: string;
  /** One line on the model. */
  readonly model: string;
  /** Settings shown as a definition list (epochs, batch size, schedule, seed…). */
  readonly settings: Readonly<Record<string, string | number>>;
  /** The comparison's runs, in order. */
  readonly runs: readonly RunResult[];
  /** The LR range test to plot. */
  readonly lrFind?: LrFindReport;
  /** Test functions with trajectories to plot. */
  readonly landscapes?: readonly LandscapeReport[];
  /** Wall time of the whole job, seconds. */
  readonly totalSeconds?: number;
  /** The command that reproduces the report. */
  readonly command?: string;
}

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
/** Text made safe to place in HTML (`&`, `<`, `>`, `"` escaped).
 * @example
 * ```ts
 * escapeHtml('a < b'); // 'a &lt; b'
 * ```
 */
export const escapeHtml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const esc = escapeHtml;

/** The reports' style sheet (inline in each page).
 * @example
 * ```ts
 * const head = `<style>${REPORT_CSS}</style>`;
 * ```
 */
export const REPORT_CSS = `body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #222; max-width: 1180px; margin: 2rem auto; padding: 0 1.2rem; background: #fafafa; }
h1 { font-size: 1.7rem; margin-bottom: .2rem; } h2 { font-size: 1.25rem; margin-top: 2.2rem; border-bottom: 1px solid #ddd; padding-bottom: .2rem; }
h3 { font-size: 1rem; margin: 0 0 .4rem; } .lead { color: #555; margin-top: 0; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; font-size: .92rem; } dt { color: #666; } dd { margin: 0; }
table.summary { border-collapse: collapse; font-size: .9rem; font-variant-numeric: tabular-nums; background: white; box-shadow: 0 1px 3px #0001; }
table.summary th, table.summary td { padding: .3rem .7rem; border-bottom: 1px solid #eee; } table.summary th { background: #f0f0f0; font-weight: 600; }
.right { text-align: right; } .left { text-align: left; } .swatch { display: inline-block; width: .8em; height: .8em; border-radius: 2px; margin-right: .45em; vertical-align: -1px; }
.grid { display: flex; flex-wrap: wrap; gap: 1.2rem; } figure { margin: 0; background: white; padding: .9rem 1rem; box-shadow: 0 1px 3px #0001; border-radius: 4px; flex: 1 1 460px; }
figure.wide { flex-basis: 100%; } figure svg { max-width: 100%; height: auto; } figcaption { font-size: .85rem; color: #555; margin-top: .4rem; }
.pair { display: flex; flex-wrap: wrap; gap: 1rem; align-items: flex-start; }
ul.claims { padding-left: 1.2rem; } .yes, .no, .na { display: inline-block; min-width: 6.5em; font-size: .8rem; font-weight: 600; padding: 0 .4em; border-radius: 3px; margin-right: .3em; text-align: center; }
.yes { background: #dff0d8; color: #2b662b; } .no { background: #f8dcdc; color: #8a2424; } .na { background: #eee; color: #666; }
code { background: #eee; padding: 0 .25em; border-radius: 3px; font-size: .9em; } footer { margin: 3rem 0 1rem; font-size: .85rem; color: #777; }
`;

/** Exponential moving average (bias-corrected, as fastai's smoothed loss).
 * @example
 * ```ts
 * smooth([1, 1, 1], 0.9); // [1, 1, 1]
 * ```
 */
export function smooth(values: readonly number[], beta = 0.9): number[] {
  let avg = 0;
  return values.map((v, i) => {
    avg = beta * avg + (1 - beta) * v;
    return avg / (1 - beta ** (i + 1));
  });
}

function tableHtml(rows: readonly SummaryRow[]): string {
  // best per column, compared as displayed (so equal-looking cells are all bold)
  const cells = rows.map(summaryCells);
  const bestOf = (col: number, pick: (r: SummaryRow) => number, better: (a: number, b: number) => boolean) => {
    let best = 0;
    rows.forEach((r, i) => { if (better(pick(r), pick(rows[best]!))) best = i; });
    return cells[best]?.[col];
  };
  const lower = (a: number, b: number) => a < b, higher = (a: number, b: number) => a > b;
  const best = {
    trainLoss: bestOf(2, (r) => r.trainLoss, lower), testLoss: bestOf(3, (r) => r.testLoss, lower),
    trainAcc: bestOf(4, (r) => r.trainAccuracy, higher), testAcc: bestOf(5, (r) => r.testAccuracy, higher),
  };
  const head = SUMMARY_COLUMNS.map((c) => `<th class="${c.align ?? 'left'}">${esc(c.header)}</th>`).join('');
  const body = rows.map((r, k) => {
    const c0 = cells[k]!;
    const strong = [false, false, c0[2] === best.trainLoss, c0[3] === best.testLoss, c0[4] === best.trainAcc, c0[5] === best.testAcc, false, false, false];
    return `<tr>${c0.map((c, i) => {
      const cls = SUMMARY_COLUMNS[i]!.align ?? 'left';
      const inner = i === 0 ? `<span class="swatch" style="background:${colorOf(r.optimizer)}"></span>${esc(c)}` : esc(c);
      return `<td class="${cls}">${strong[i] ? `<b>${inner}</b>` : inner}</td>`;
    }).join('')}</tr>`;
  }).join('\n');
  return `<table class="summary"><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

const colorOf = (name: string) => OPTIMIZER_COLORS[name] ?? '#888';

/** A chart with its heading and caption, as the reports lay them out (`wide`: the full page width).
 * @example
 * ```ts
 * figure('Loss', svg, 'Mean over seeds.', true);
 * ```
 */
export function figure(title: string, svg: string, caption: string, wide = false): string {
  return `<figure class="${wide ? 'wide' : ''}"><h3>${esc(title)}</h3>${svg}<figcaption>${caption}</figcaption></figure>`;
}

/**
 * Render the whole report as one HTML string (charts inline as SVG; no scripts, no external files).
 * @example
 * ```ts
 * writeFileSync('report/index.html', await renderReport(input));
 * ```
 */
export async function renderReport(input: ReportInput): Promise<string> {
  const { runs } = input;
  const rows = summaryRows(runs);
  const names = runs.map((r) => r.optimizer);
  const figures: string[] = [];

  const lossSeries = Object.fromEntries(runs.map((r) => [r.optimizer, smooth(r.stepLoss.filter((v) => Number.isFinite(v))).map((v) => Math.max(v, 1e-6))]));
  const allLoss = Object.values(lossSeries).flat();
  const lossDomain = [Math.min(...allLoss) * 0.9, Math.max(...allLoss) * 1.1] as const;
  figures.push(figure('Training loss per step', await optimizerLineChart(lossSeries, { xTitle: 'step', yTitle: 'mini-batch loss (smoothed)', logY: true, yDomain: lossDomain, width: 820, height: 320 }),
    'Cross-entropy of each mini-batch before its update, smoothed with a bias-corrected moving average (β = 0.9); log scale. Same initial weights, same batches, same schedule shape for every optimizer.', true));

  const accSeries = Object.fromEntries(runs.map((r) => [r.optimizer, { x: r.epochs.map((e) => e.epoch + 1), y: r.epochs.map((e) => e.testAccuracy * 100) }]));
  figures.push(figure('Test accuracy per epoch', await optimizerLineChart(accSeries, { xTitle: 'epoch', yTitle: 'test accuracy (%)', width: 380, height: 260, integerX: true, points: true }),
    'Accuracy on the held-out test set after each epoch (eval mode: running batch-norm statistics, no dropout).'));

  figures.push(figure('Generalization gap', await renderSvg(gapChartSpec(rows.map((r) => ({ optimizer: r.optimizer, train: r.trainAccuracy, test: r.testAccuracy })), { width: 320 })),
    'Final accuracy on the training set (filled dot) and on the test set (open dot); the bar between them is the generalization gap. Sorted by test accuracy.'));

  const first = runs[0];
  if (first && first.stepLr.length > 0) {
    const factor = first.stepLr.map((v) => v / first.lr);
    const bases = runs.map((r) => `${r.optimizer} ${fmtNumber(r.lr, 3)}`).join(', ');
    figures.push(figure('Learning-rate schedule', await optimizerLineChart({ schedule: factor }, { xTitle: 'step', yTitle: 'lr / base lr', width: 380, height: 260, color: '#444' }),
      `${esc(capitalize(String(input.settings.schedule ?? 'the schedule')))}: every optimizer's learning rate at a step is its base rate times this factor. Base rates: ${esc(bases)}.`));
  }

  if (input.lrFind) {
    const f = input.lrFind;
    const markers = [{ x: f.suggestion, label: `suggested ${fmtNumber(f.suggestion, 2)}` }, ...Object.entries(f.marks ?? {}).map(([label, x]) => ({ x, label: `${label} ${fmtNumber(x, 2)}` }))];
    const svg = await optimizerLineChart({ [f.optimizer]: { x: [...f.lrs], y: [...f.losses] } }, { xTitle: 'learning rate', yTitle: 'smoothed loss', logX: true, width: 380, height: 260, markers });
    figures.push(figure(`LR range test (${f.optimizer})`, svg,
      `${esc(f.method ?? 'The learning rate grows exponentially over mini-batches while the smoothed loss is recorded')}. Suggested learning rate: <b>${fmtNumber(f.suggestion, 3)}</b>.`));
  }

  for (const l of input.landscapes ?? []) {
    const big = await trajectoryChart(l.fn, l.trajectories, { size: 400 });
    const grid = await renderSvg(trajectoryGridSpec(l.fn, l.trajectories, { columns: 3, panel: 125 }));
    const name = l.fn.name === 'rosenbrock' ? 'Rosenbrock' : l.fn.name === 'saddle' ? 'Saddle' : l.fn.name;
    figures.push(figure(`${name}: ${l.fn.formula}`, `<div class="pair">${big}${grid}</div>`,
      `Each optimizer from the same start (black dot, at (${l.fn.start.join(', ')})) for up to ${l.fn.steps} steps, at its own learning rate (in each panel's title); minima marked ×. Computed with descent's optimizers on float64 tensors; contour lines by marching squares on a float64 grid.`, true));
  }

  const claims = lectureClaim(rows);
  const claimHtml = claims.map((c) => `<li><span class="${c.holds === null ? 'na' : c.holds ? 'yes' : 'no'}">${c.holds === null ? 'n/a' : c.holds ? 'holds' : 'does not hold'}</span> ${esc(c.claim)} — ${esc(c.evidence)}.</li>`).join('\n');
  const settings = Object.entries(input.settings).map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(String(v))}</dd>`).join('');
  const topAcc = Math.max(...rows.map((r) => r.testAccuracy));
  const leaders = rows.filter((r) => pct(r.testAccuracy) === pct(topAcc)).map((r) => r.optimizer);

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(input.title)}</title>
<style>
${REPORT_CSS}</style></head>
<body>
<h1>${esc(input.title)}</h1>
<p class="lead">${esc(input.dataset)} Model: ${esc(input.model)}.</p>
<dl>${settings}</dl>

<h2>Summary</h2>
${tableHtml(rows)}
<p style="font-size:.85rem;color:#555">Losses and accuracies are measured at the end on the whole training and test sets in eval mode. Gap (acc) = train − test accuracy in percentage points; gap (loss) = test − train loss. Time is training wall time. Bold: best in column.${leaders.length ? ` Best test accuracy: <b>${esc(leaders.join(', '))}</b> (${pct(topAcc)}).` : ''}</p>

<h2>The lecture's claim: “Adam: fast training, large generalization gap; SGDM: better convergence”</h2>
<ul class="claims">
${claimHtml}
</ul>

<h2>Training</h2>
<div class="grid">
${figures.join('\n')}
</div>

<footer>Generated by descent${input.totalSeconds !== undefined ? ` in ${input.totalSeconds.toFixed(0)} s` : ''}${input.command ? ` with <code>${esc(input.command)}</code>` : ''} · ${esc(names.length.toString())} optimizers · Node ${esc(process.version)}. Charts: vega-lite → vega → SVG.</footer>
</body></html>
`;
}

/**
 * Render the report and write it to `dir/index.html` (creating `dir`); returns the file's path.
 * @example
 * ```ts
 * const path = await writeReport('report', input);
 * ```
 */
export async function writeReport(dir: string, input: ReportInput): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'index.html');
  writeFileSync(path, await renderReport(input));
  return path;
}
