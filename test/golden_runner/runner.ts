import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One trace file as parsed JSON; `kind` selects its handler. */
export interface Trace { kind: string; name?: string; [key: string]: unknown }

/** A handler checks one trace and returns null on agreement or a one-line description of the first mismatch. */
export type TraceHandler = (trace: Trace) => string | null;

export interface TraceResult { file: string; kind: string; status: 'pass' | 'fail' | 'skip'; message?: string }

const handlers = new Map<string, TraceHandler>();

/** Register the handler of a trace kind (one file per kind under kinds/). */
export function registerTraceKind(kind: string, handler: TraceHandler): void {
  handlers.set(kind, handler);
}

export function supportedKinds(): string[] {
  return [...handlers.keys()].sort();
}

/** The directory of traces: GOLDEN_DIR when set, else the copy in test/golden. */
export function goldenDir(): string {
  return process.env.GOLDEN_DIR ?? new URL('../golden/', import.meta.url).pathname;
}

export function listTraceFiles(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => join(dir, f));
}

/** Run one trace file. Only a kind with no handler yet is skipped. */
export function runTraceFile(file: string): TraceResult {
  let trace: Trace;
  try {
    trace = JSON.parse(readFileSync(file, 'utf8')) as Trace;
  } catch (e) {
    return { file, kind: '?', status: 'fail', message: `cannot read: ${(e as Error).message}` };
  }
  const handler = handlers.get(trace.kind);
  if (!handler) return { file, kind: trace.kind, status: 'skip', message: `kind '${trace.kind}' is not implemented` };
  try {
    const mismatch = handler(trace);
    return mismatch === null ? { file, kind: trace.kind, status: 'pass' } : { file, kind: trace.kind, status: 'fail', message: mismatch };
  } catch (e) {
    return { file, kind: trace.kind, status: 'fail', message: `${(e as Error).name}: ${(e as Error).message}` };
  }
}
