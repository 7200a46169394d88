// kind "scheduler": create the scheduler from its registry name and options with the trace's baseLr,
// and compare lrs[t] = scheduler.lr(t) for t = 0 … steps−1 to 1e-12 (absolute or relative).
import { createScheduler, scheduleSeries } from '@descent/optim';
import { firstMismatch, type Tolerance } from '../compare.js';
import { registerTraceKind, type Trace } from '../runner.js';

/** The schedules are closed forms or PyTorch's own recursion, so they agree far below float64's 1e-9. */
export const SCHEDULER_TOLERANCE: Tolerance = { rel: 1e-12, abs: 1e-12 };

interface SchedulerTrace extends Trace {
  scheduler: { name: string; options?: Record<string, unknown> };
  baseLr: number;
  steps: number;
  lrs: number[];
}

export function checkSchedulerTrace(trace: Trace): string | null {
  const t = trace as SchedulerTrace;
  const scheduler = createScheduler(t.scheduler.name, t.scheduler.options ?? {}, t.baseLr);
  return firstMismatch(`lrs (${t.scheduler.name})`, scheduleSeries(scheduler, t.steps), t.lrs, SCHEDULER_TOLERANCE);
}

registerTraceKind('scheduler', checkSchedulerTrace);
