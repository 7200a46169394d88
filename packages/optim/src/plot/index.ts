/**
 * Charts as SVG text, shared by the scheduler docs, the LR range test and the report.
 * @module
 */
export { lineChart, lineChartSpec, type LineChartOptions, type LineSeries } from './line_chart.js';
