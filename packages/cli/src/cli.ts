/**
 * The `descent` command line: `compare`, `lr-find`, `train`, `list`, `bench`, with `--help` on each.
 * Usage errors print a message naming the argument or config field and exit with code 2.
 * @module
 */
import { readFileSync } from 'node:fs';
import { UsageError, helpText, type CommandSpec } from './args.js';
import { closest } from './suggest.js';
import { benchCommand, benchMain } from './commands/bench.js';
import { compareCommand, compareMain } from './commands/compare.js';
import { listCommand, listMain } from './commands/list.js';
import { lrFindCommand, lrFindMain } from './commands/lr_find.js';
import { trainCommand, trainMain } from './commands/train.js';
import { processIo, type CliIo } from './io.js';

/** A command: its options (for parsing and `--help`) and what runs it.
 * @example
 * ```ts
 * const c: Command = COMMANDS.list;
 * ```
 */
export interface Command {
  /** Name, summary, usage and options. */
  readonly spec: CommandSpec;
  /** Run with the arguments after the command name. */
  readonly run: (argv: readonly string[], io: CliIo) => Promise<unknown>;
}

/** The commands, by name.
 * @example
 * ```ts
 * Object.keys(COMMANDS); // ['compare', 'lr-find', 'train', 'list', 'bench']
 * ```
 */
export const COMMANDS: Readonly<Record<string, Command>> = {
  compare: { spec: compareCommand, run: compareMain },
  'lr-find': { spec: lrFindCommand, run: lrFindMain },
  train: { spec: trainCommand, run: trainMain },
  list: { spec: listCommand, run: listMain },
  bench: { spec: benchCommand, run: benchMain },
};

/** The top-level help text.
 * @example
 * ```ts
 * console.log(mainHelp());
 * ```
 */
export function mainHelp(): string {
  const w = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  return [
    'descent — optimizers for deep learning in TypeScript, compared on real data.',
    '',
    'Usage: descent <command> [options]',
    '',
    'Commands:',
    ...Object.entries(COMMANDS).map(([n, c]) => `  ${n.padEnd(w)}  ${c.spec.summary}`),
    '',
    'Run `descent <command> --help` for its options. `npm start` runs the main job (`descent bench --preset quick`: the optimizer benchmark).',
  ].join('\n');
}

function version(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/**
 * Run the CLI with `argv` (without `node` and the script) and return the exit code: 0 on success,
 * 2 for a usage error (bad argument or config, message naming it), 1 for a failure while running.
 * @example
 * ```ts
 * process.exitCode = await runCli(['list', 'optimizer']);
 * ```
 */
export async function runCli(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? rest[0] : undefined;
    io.out(topic && COMMANDS[topic] ? helpText(COMMANDS[topic].spec) : mainHelp());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    io.out(version());
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    const close = closest(name, Object.keys(COMMANDS));
    io.err(`descent: unknown command '${name}'${close ? ` (did you mean '${close}'?)` : ''}. Commands: ${Object.keys(COMMANDS).join(', ')}. See descent --help.`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(helpText(command.spec));
    return 0;
  }
  try {
    await command.run(rest, io);
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`error: ${e.message}`);
      if (e.exitCode === 2) io.err(`Run 'descent ${name} --help' for usage.`);
      return e.exitCode;
    }
    io.err(`descent ${name} failed: ${(e as Error).stack ?? String(e)}`);
    return 1;
  }
}
