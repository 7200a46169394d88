// Loads TensorFlow.js with its pure-JS `cpu` backend and the `wasm` (SIMD) backend, offline.
import { createRequire } from 'node:module';
import path from 'node:path';
import { quietly } from './timing.js';

export type Tf = typeof import('@tensorflow/tfjs');
export type TfBackend = 'cpu' | 'wasm';

let loaded: Tf | null = null;

/** Import tfjs and the wasm backend once; the wasm binaries are read from node_modules, not fetched. */
export async function loadTf(): Promise<Tf> {
  if (loaded) return loaded;
  const tf = await quietly(() => import('@tensorflow/tfjs'));
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const require = createRequire(import.meta.url);
  const dir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
  wasm.setWasmPaths(path.join(dir, 'dist') + path.sep);
  loaded = tf;
  return tf;
}

/** Make `name` the active tfjs backend (initialising it on first use, silently). */
export async function useTfBackend(name: TfBackend): Promise<Tf> {
  const tf = await loadTf();
  await quietly(async () => {
    const ok = await tf.setBackend(name);
    if (!ok) throw new Error(`tfjs backend '${name}' failed to initialise`);
    await tf.ready();
    tf.tensor([0]).dispose(); // the cpu backend prints a tfjs-node advertisement on its first write
  });
  return tf;
}

/** Version strings for the report. */
export function tfVersions(): Record<string, string> {
  const require = createRequire(import.meta.url);
  return {
    '@tensorflow/tfjs': (require('@tensorflow/tfjs/package.json') as { version: string }).version,
    '@tensorflow/tfjs-backend-wasm': (require('@tensorflow/tfjs-backend-wasm/package.json') as { version: string }).version,
  };
}
