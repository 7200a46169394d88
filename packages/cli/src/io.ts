/**
 * Where commands write: text lines to `out` and `err`, so tests can capture them.
 * @module
 */

/** The output channels and working directory of a command.
 * @example
 * ```ts
 * const lines: string[] = [];
 * const io: CliIo = { out: (l) => lines.push(l), err: (l) => lines.push(l), cwd: process.cwd(), interactive: false };
 * ```
 */
export interface CliIo {
  /** Results (tables, charts, paths). */
  out(line: string): void;
  /** Errors and warnings. */
  err(line: string): void;
  /** Relative paths (config files, plugins, `--out`) are resolved against it. */
  readonly cwd: string;
  /** Whether progress bars may be drawn (a terminal, not a test). */
  readonly interactive: boolean;
}

/** The process's own channels: stdout, stderr, the current directory, and a TTY check.
 * @example
 * ```ts
 * await runCli(process.argv.slice(2), processIo());
 * ```
 */
export function processIo(): CliIo {
  return {
    out: (line) => void process.stdout.write(`${line}\n`),
    err: (line) => void process.stderr.write(`${line}\n`),
    cwd: process.cwd(),
    interactive: process.stderr.isTTY === true,
  };
}

/**
 * End the process quietly with exit code 0 when the reader of stdout or stderr goes away
 * (`descent compare | head`): the output was not wanted any more, which is not a failure, and
 * without this handler Node dies with an unhandled EPIPE 'error' event and its stack trace.
 * Other stream errors are rethrown.
 * @example
 * ```ts
 * exitQuietlyOnClosedPipe();
 * process.exitCode = await runCli(process.argv.slice(2));
 * ```
 */
export function exitQuietlyOnClosedPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EPIPE') throw e;
      // end at once rather than after the command's remaining work (whose output nobody reads), with exit code 0
      process.exitCode = 0;
      setImmediate(process.exit);
    });
  }
}
