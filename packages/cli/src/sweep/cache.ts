/**
 * The on-disk run cache: one JSON file per finished run, named by its spec hash, written
 * atomically (temporary file, then rename). An interrupted sweep finds every run that finished
 * before the interruption; a sweep with one more optimizer finds all the others.
 * @module
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromResultJson, toResultJson } from './json.js';
import type { RunRecord } from './result.js';
import { specHash } from './spec.js';

/**
 * A folder of finished runs, keyed by {@link specHash}.
 * @example
 * ```ts
 * const cache = new RunCache('report/runs');
 * cache.get(specHash(spec)) ?? cache.put({ hash: specHash(spec), spec, outcome: await executeRun(spec) });
 * ```
 */
export class RunCache {
  /** The folder (created on the first write). */
  readonly dir: string;

  constructor(dir: string) {
    this.dir = dir;
  }

  /** Where the run with this hash is stored. */
  private path(hash: string): string {
    return join(this.dir, hash.slice(0, 2), `${hash}.json`);
  }

  /** The stored run with this hash, or undefined (also for an unreadable or mismatching file, which is then recomputed).
   * @example
   * ```ts
   * cache.get(specHash(spec))?.outcome.final.valAcc;
   * ```
   */
  get(hash: string): RunRecord | undefined {
    let text: string;
    try {
      text = readFileSync(this.path(hash), 'utf8');
    } catch {
      return undefined;
    }
    try {
      const record = fromResultJson<RunRecord>(text);
      return record.hash === hash && specHash(record.spec) === hash ? record : undefined;
    } catch {
      return undefined;
    }
  }

  /** Store a finished run (atomically: a reader sees the old state or the whole new file).
   * @example
   * ```ts
   * cache.put({ hash: specHash(spec), spec, outcome });
   * ```
   */
  put(record: RunRecord): RunRecord {
    const path = this.path(record.hash);
    mkdirSync(join(this.dir, record.hash.slice(0, 2)), { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, toResultJson(record));
    renameSync(tmp, path);
    return record;
  }
}
