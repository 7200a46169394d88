// kind "plateau": report metrics[i] after epoch i, read the lr right after; compare to lrs[i] (1e-12).
import { createScheduler, scheduleSeries } from '@descent/optim';
import { firstMismatch } from '../compare.js';
import { registerTraceKind, type Trace } from '../runner.js';
import { SCHEDULER_TOLERANCE } from './scheduler.js';

interface PlateauTrace extends Trace {
  scheduler: { name: string; options?: Record<string, unknown> };
  baseLr: number;
  metrics: number[];
  lrs: number[];
}

export function checkPlateauTrace(trace: Trace): string | null {
  const t = trace as PlateauTrace;
  const scheduler = createScheduler(t.scheduler.name, t.scheduler.options ?? {}, t.baseLr);
  if (typeof scheduler.observe !== 'function') return `scheduler '${t.scheduler.name}' does not observe metrics`;
  const lrs = scheduleSeries(scheduler, t.metrics.length, { metrics: t.metrics });
  return firstMismatch(`lrs (${t.scheduler.name})`, lrs, t.lrs, SCHEDULER_TOLERANCE);
}

registerTraceKind('plateau', checkPlateauTrace);
