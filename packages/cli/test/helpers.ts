// Shared by the CLI tests: a captured CliIo, a temporary directory, a sandbox that runs the CLI in one, smoke-size run specs and an executor that counts its runs.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../src/cli.js';
import type { CliIo } from '../src/io.js';
import { SPEC_VERSION, type Executor, type RunSpec } from '../src/sweep/index.js';
import { getWorkload } from '../src/workloads/index.js';

export interface CapturedIo extends CliIo {
  readonly lines: string[];
  readonly errors: string[];
  text(): string;
  errorText(): string;
}

export function captureIo(cwd = process.cwd()): CapturedIo {
  const lines: string[] = [], errors: string[] = [];
  return {
    lines, errors, cwd, interactive: false,
    out: (l) => void lines.push(l),
    err: (l) => void errors.push(l),
    text: () => lines.join('\n'),
    errorText: () => errors.join('\n'),
  };
}

export function tempDir(): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), 'descent-cli-'));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** What {@link cliSandbox}'s `run` returns: the exit code and the captured output. */
export interface CliRun { readonly code: number; readonly out: string; readonly err: string }

/** Inside a describe(): a temporary directory (removed after the block) and `run(argv)`, which runs the CLI there and captures its output. */
export function cliSandbox(): { readonly path: string; run(argv: readonly string[]): Promise<CliRun> } {
  const tmp = tempDir();
  after(() => tmp.remove());
  return {
    path: tmp.path,
    async run(argv) {
      const io = captureIo(tmp.path);
      const code = await runCli([...argv], io);
      return { code, out: io.text(), err: io.errorText() };
    },
  };
}

/** A run of `workload` at its 'smoke' preset (call loadWorkloads() first). */
export function smokeSpec(workload: string, optimizer: string, lr: number, seed: number, options: Record<string, unknown> = {}): RunSpec {
  const c = getWorkload(workload).configure('smoke');
  return { version: SPEC_VERSION, workload, settings: c.settings, optimizer: { name: optimizer, options, implementation: 'builtin' }, lr, seed, schedule: c.schedule, budget: c.budget, target: c.target };
}

/** An executor that records `optimizer seed` (and the spec) for every run it is asked to execute. */
export function counting(inner: Executor): Executor & { readonly calls: string[]; readonly specs: RunSpec[] } {
  const calls: string[] = [], specs: RunSpec[] = [];
  return {
    name: 'counting', concurrency: inner.concurrency, calls, specs,
    execute: (s) => (calls.push(`${s.optimizer.name} ${s.seed}`), specs.push(s), inner.execute(s)),
    close: () => inner.close(),
  };
}
