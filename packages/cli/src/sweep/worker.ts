/**
 * A worker thread of {@link LocalPool}: loads the user's plugin modules and the workloads, then
 * executes each run it is sent and posts the outcome (or the error) back.
 * @module
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadPlugins } from '../plugins.js';
import { executeRun } from './execute.js';
import type { WorkerInit, WorkerReply, WorkerRequest } from './local_pool.js';

const port = parentPort;
if (port) {
  const init = workerData as WorkerInit;
  const ready = loadPlugins(init.plugins);
  port.on('message', (request: WorkerRequest) => {
    ready
      .then(() => executeRun(request.spec))
      .then(
        (outcome) => port.postMessage({ id: request.id, outcome } satisfies WorkerReply),
        (e: unknown) => port.postMessage({ id: request.id, error: { name: (e as Error).name ?? 'Error', message: (e as Error).message ?? String(e) } } satisfies WorkerReply),
      );
  });
}
