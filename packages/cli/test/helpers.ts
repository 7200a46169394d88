// Shared by the CLI tests: a captured CliIo and a temporary directory.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliIo } from '../src/io.js';

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
