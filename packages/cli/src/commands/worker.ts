/**
 * `descent worker`: take runs from a BullMQ queue on Redis and execute them on this machine's
 * cores, until stopped (SIGINT/SIGTERM finish the runs in progress first).
 * @module
 */
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { intOption, parseCommandArgs, UsageError, type CommandSpec } from '../args.js';
import type { CliIo } from '../io.js';
import { loadPlugins, pluginPaths } from '../plugins.js';
import { queueOption } from './sweep.js';
import { InlineExecutor, LocalPool, specHash, startQueueWorker, type QueueWorkerHandle, type RunSpec } from '../sweep/index.js';

/** The options of `descent worker`.
 * @example
 * ```ts
 * console.log(helpText(workerCommand));
 * ```
 */
export const workerCommand: CommandSpec = {
  name: 'worker',
  summary: 'Execute sweep runs from a Redis queue (start one per machine; see docs/sweeps.md).',
  usage: 'descent worker --queue redis://HOST:PORT/NAME [--workers N] [--plugin FILE]…',
  description: 'Takes runs that `descent sweep --queue` or `descent bench --queue` put into the queue, runs them on N worker threads and posts the results. '
    + 'A run held by a worker that dies goes back to the queue once its lock expires and another worker takes it.',
  options: {
    queue: { type: 'string', value: 'URL', help: 'the queue: redis://[:PASSWORD@]HOST[:PORT][/DB][/NAME]' },
    workers: { type: 'string', value: 'N', help: 'worker threads (0: run in this thread)', default: `${availableParallelism()} (one per core)` },
    plugin: { type: 'string', value: 'FILE', help: 'load a module that registers plugins (the same files as the submitting side)', multiple: true },
    'lock-ms': { type: 'string', value: 'MS', help: 'how long a run stays locked to this worker without renewal', default: '30000' },
    'stalled-ms': { type: 'string', value: 'MS', help: 'how often to look for runs of dead workers', default: '30000' },
    quiet: { type: 'boolean', short: 'q', help: 'no line per run taken and finished' },
  },
  examples: ['descent worker --queue redis://10.0.0.5:6379/sweeps', 'descent worker --queue redis://10.0.0.5:6379/sweeps --workers 8 --plugin ./my-optimizer.js'],
};

/**
 * Run `descent worker` with the arguments after the command name; resolves with a handle once the
 * worker listens (the process then stays up until a signal or `handle.close()`).
 * @throws UsageError for bad arguments.
 * @example
 * ```ts
 * const worker = await workerMain(['--queue', 'redis://127.0.0.1:6379/sweeps'], processIo());
 * ```
 */
export async function workerMain(argv: readonly string[], io: CliIo): Promise<QueueWorkerHandle> {
  const args = parseCommandArgs(workerCommand, argv);
  const address = queueOption(args);
  if (!address) throw new UsageError('descent worker: --queue redis://HOST:PORT/NAME is required');
  const workers = intOption(args, 'workers', availableParallelism(), { min: 0, max: 256 });
  const plugins = pluginPaths(args).map((p) => resolve(io.cwd, p));
  await loadPlugins(plugins);
  const executor = workers === 0 ? new InlineExecutor() : new LocalPool({ workers, plugins });
  const quiet = args.values.quiet === true;
  const handle = await startQueueWorker(address, {
    executor,
    concurrency: Math.max(1, workers),
    lockDuration: intOption(args, 'lock-ms', 30_000, { min: 100 }),
    stalledInterval: intOption(args, 'stalled-ms', 30_000, { min: 100 }),
    onStart: (spec) => {
      if (!quiet) io.out(`start ${describeRun(spec)} [${specHash(spec)}]`);
    },
    onRun: (spec, outcome, error) => {
      if (quiet) return;
      io.out(error ? `failed ${describeRun(spec)} [${specHash(spec)}]: ${error.message}` : `done ${describeRun(spec)} [${specHash(spec)}] (${outcome!.seconds.toFixed(2)} s)`);
    },
  });
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    // NOTE: end now, whatever handles remain; exit status 0 (a stop asked for by a signal is no failure).
    void handle.close().then(() => { process.exitCode = 0; setImmediate(process.exit); });
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  // NOTE: announced after the handlers are installed: a supervisor may signal as soon as it reads this line
  io.out(`descent worker: taking runs from ${executor.name} ← queue '${address.name}' on ${address.host}:${address.port}/${address.db}`);
  return handle;
}

/** `workload / optimizer / lr … / seed …`: a run as the log lines name it. */
function describeRun(spec: RunSpec): string {
  return `${spec.workload} / ${spec.optimizer.name} / lr ${spec.lr} / seed ${spec.seed}`;
}
