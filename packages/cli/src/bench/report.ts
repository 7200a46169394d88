/**
 * The benchmark's HTML report: the protocol first, then the claims with their intervals, the
 * performance profile, and per workload its table (mean ± std over seeds), its validation curves
 * with ± std bands, its learning-rate sensitivity and (2-D functions) the trajectories.
 * One self-contained page; every chart inline SVG (vega-lite → vega).
 * @module
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { optimizerLineChart, trajectoryChart } from '../charts.js';
import { REPORT_CSS, escapeHtml as esc, figure } from '../report.js';
import { fmtNumber } from '../summary.js';
import { getWorkload } from '../workloads/registry.js';
import { bandChart } from './charts.js';
import type { BenchResult, WorkloadFindings } from './findings.js';
import { SELECTION_RULE } from './protocol.js';
import { intervalText, workloadTable } from './tables.js';
import { formatDuration } from './progress.js';

const verdictClass = { holds: 'yes', 'does not hold': 'no', inconclusive: 'na' } as const;

function tableHtml(columns: ReadonlyArray<{ header: string; align?: 'left' | 'right' }>, rows: readonly string[][]): string {
  const head = columns.map((c) => `<th class="${c.align ?? 'left'}">${esc(c.header)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c, i) => `<td class="${columns[i]!.align ?? 'left'}">${esc(c)}</td>`).join('')}</tr>`).join('\n');
  return `<table class="summary"><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

/** One workload's section: description, table, curves, lr sensitivity, trajectories. */
async function workloadSection(f: WorkloadFindings, result: BenchResult): Promise<string> {
  const w = getWorkload(f.name);
  const config = result.plan.configs[f.name]!;
  const classification = w.task === 'classification';
  const { columns, rows } = workloadTable(f.name, f.cells);
  const figures: string[] = [];
  figures.push(figure(classification ? 'Validation accuracy (mean ± std over seeds)' : 'log10(f − f*) (mean ± std over seeds)',
    await bandChart(f.curves, { xTitle: 'step', yTitle: classification ? 'validation accuracy' : 'log10(f − f*)' }),
    `Each optimizer at its chosen learning rate; the line is the mean over ${result.plan.seeds} seeds, the band ± one standard deviation.`));
  const sensitivity = Object.fromEntries(Object.entries(f.tuning).map(([o, runs]) => {
    const ok = runs.filter((r) => !r.outcome.diverged && Number.isFinite(r.outcome.final.valLoss) && r.outcome.final.valLoss > 0);
    return [o, { x: ok.map((r) => r.spec.lr), y: ok.map((r) => Math.max(r.outcome.final.valLoss, 1e-16)) }];
  }).filter(([, s]) => (s as { x: number[] }).x.length > 0));
  figures.push(figure('Learning-rate sensitivity (seed 0)', await optimizerLineChart(sensitivity, { xTitle: 'learning rate', yTitle: classification ? 'final validation loss' : 'final f − f*', logX: true, logY: true, points: true, width: 460, height: 300 }),
    `Final validation ${classification ? 'loss' : 'f − f*'} of every grid point; diverged runs are left out. The chosen rate is each curve's lowest point.`));
  if (w.surface) {
    const trajectories = Object.entries(f.seedRuns).map(([o, runs]) => {
      const r = runs.find((x) => x.spec.seed === 0)!;
      return { optimizer: o, lr: r.spec.lr, points: r.outcome.path ?? [], values: [] };
    }).filter((t) => t.points.length > 0);
    if (trajectories.length) {
      figures.push(figure('Trajectories (seed 0, chosen learning rates)', await trajectoryChart(w.surface, trajectories, { size: 420, gridSize: 121 }),
        'Each optimizer from seed 0\'s start at its chosen rate; minima marked ×; the black dot is the unjittered start.', true));
    }
  }
  return `<section class="workload"><h2>${esc(f.name)}: ${esc(w.title)}</h2>
<p>${esc(w.describe(config))}</p>
${tableHtml(columns, rows)}
<p class="note">Mean ± sample standard deviation over ${result.plan.seeds} seeds at the chosen learning rate. Steps / seconds to target: median over seeds (reached / seeds); “–” when the median seed did not reach it. Test metrics are reported only; nothing was chosen by them.</p>
<div class="grid">
${figures.join('\n')}
</div></section>`;
}

/**
 * Render the benchmark report as one HTML string.
 * @example
 * ```ts
 * const html = await renderBenchReport(result, 'npm start');
 * ```
 */
export async function renderBenchReport(result: BenchResult, command: string): Promise<string> {
  const { plan } = result;
  const workloadList = plan.workloads.map((n) => `<li><b>${esc(n)}</b>: ${esc(getWorkload(n).describe(plan.configs[n]!))}</li>`).join('\n');
  const claims = result.claims.map((c) => `<tr><td><span class="${verdictClass[c.verdict]}">${esc(c.verdict)}</span></td><td>${esc(c.workload)}</td><td>${esc(c.claim)}</td><td class="right">${esc(fmtNumber(c.difference, 3))}</td><td class="right">${esc(intervalText(c.interval))}</td><td>${esc(c.metric)}; n = ${c.n.join(' vs ')}</td></tr>`).join('\n');
  const profileSeries = Object.fromEntries(Object.entries(result.profile.rho).map(([o, rho]) => [o, { x: result.profile.tau, y: rho }]));
  const profile = result.profile.workloads.length
    ? figure('Performance profile (steps to target)', await optimizerLineChart(profileSeries, { xTitle: 'τ (steps / best optimizer\'s steps)', yTitle: 'fraction of workloads', logX: true, width: 520, height: 300 }),
      `ρ(τ): the fraction of workloads (${result.profile.workloads.map(esc).join(', ')}) on which an optimizer's median steps to target is within τ times the fastest optimizer's. Higher and further left is better. Score (area under ρ over log τ ∈ [1, 16], 1 = fastest everywhere): ${Object.entries(result.profile.score).sort((a, b) => b[1] - a[1]).map(([o, s]) => `${esc(o)} ${s.toFixed(2)}`).join(', ')}.`, true)
    : '<p>No optimizer reached a target on any workload: no performance profile.</p>';
  const sections: string[] = [];
  for (const f of result.workloads) sections.push(await workloadSection(f, result));
  const optimizers = plan.optimizers.map((o) => `${o.name}${Object.keys(o.options).length ? ` ${JSON.stringify(o.options)}` : ''}${o.implementation === 'builtin' ? '' : ' (plugin)'}`).join('; ');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>descent optimizer benchmark (${esc(plan.preset)})</title>
<style>
${REPORT_CSS}
.protocol li { margin-bottom: .3rem; } .note { font-size: .85rem; color: #555; } section.workload { margin-top: 2rem; }
table.claims td { padding: .3rem .6rem; border-bottom: 1px solid #eee; vertical-align: top; font-size: .88rem; }
</style></head>
<body>
<h1>descent optimizer benchmark — preset <code>${esc(plan.preset)}</code></h1>
<h2>Protocol</h2>
<ul class="protocol">
<li><b>Workloads</b> (each with a fixed budget and target, the same for every optimizer):<ul>${workloadList}</ul></li>
<li><b>Splits</b>: the validation set is carved from the training data; learning-rate choice and time-to-target use validation only; test metrics are reported once, at the end.</li>
<li><b>Tuning</b>: learning-rate grid ${plan.lrGrid.map((v) => fmtNumber(v, 2)).join(', ')}; ${esc(SELECTION_RULE)}</li>
<li><b>Seeds</b>: the chosen configuration is rerun with seeds 0–${plan.seeds - 1}; a seed sets the initialisation, the data order and dropout (2-D functions: the jitter of the start; the Transformer's modular addition: also which problems are for training, validation and test).</li>
<li><b>Statistics</b>: tables and curves show mean ± sample standard deviation over seeds. Each lecture claim is judged per workload by Welch's t 95% two-sided interval of the difference of means: <span class="yes">holds</span> when the whole interval lies on the claimed side of 0, <span class="no">does not hold</span> when it lies on the other side, <span class="na">inconclusive</span> when it contains 0.</li>
<li><b>Time to target</b>: steps and seconds of training (validation passes excluded) until the validation metric first meets the target; median over seeds.</li>
<li><b>Optimizers</b> (options besides the tuned lr): ${esc(optimizers)}.</li>
<li><b>Runs</b>: ${result.executed + result.cached} (${result.executed} executed now, ${result.cached} from the cache) on ${esc(result.executor)}; wall time ${esc(formatDuration(result.seconds))}; ${esc(process.platform)}, Node ${esc(process.version)}.</li>
</ul>

<h2>The lecture's claims: “Adam: fast training, large generalization gap; SGDM: better convergence”</h2>
${result.claims.length ? `<table class="claims"><thead><tr><th>verdict</th><th>workload</th><th>claim</th><th>difference</th><th>95% interval</th><th>metric</th></tr></thead><tbody>\n${claims}\n</tbody></table>` : '<p>The claims need both adam and sgdm among the optimizers.</p>'}

<h2>Time to target</h2>
<div class="grid">
${profile}
</div>
${sections.join('\n')}
<footer>Generated by descent with <code>${esc(command)}</code>. Every run is in results.json. Charts: vega-lite → vega → SVG.</footer>
</body></html>
`;
}

/**
 * Render the report and write `dir/index.html`; returns its path.
 * @example
 * ```ts
 * const path = await writeBenchReport('report', result, 'npm start');
 * ```
 */
export async function writeBenchReport(dir: string, result: BenchResult, command: string): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'index.html');
  writeFileSync(path, await renderBenchReport(result, command));
  return path;
}
