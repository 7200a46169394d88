// Memory stays flat over training: the tensors and graph nodes of a finished step are released.
// fixtures/memory_child.ts trains a small MLP (4→32→3, Adam, batch 16) in a child process run with
// --expose-gc (the shared mocha config does not expose gc), counting live CPU-backend buffers with a
// FinalizationRegistry and sampling heap and RSS between chunks of steps.
//
// Full figure (10,000 steps): node --expose-gc --import tsx --conditions=source test/reliability/fixtures/memory_child.ts 10000
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CHILD = join(ROOT, 'test/reliability/fixtures/memory_child.ts');

interface Sample { step: number; liveBuffers: number; liveLosses: number; heapUsed: number; rss: number }

describe('reliability: memory over training steps', function () {
  this.timeout(120_000);

  it('live backend buffers, step graphs, heap and RSS stay flat over 1,500 steps of a small MLP', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', '--import', 'tsx', '--conditions=source', CHILD, '1500', '10'], { cwd: ROOT });
    const { steps, samples } = JSON.parse(stdout.trim().split('\n').at(-1)!) as { steps: number; samples: Sample[] };
    expect(steps).to.be.at.least(1500);
    const [start, warm, ...rest] = samples;
    const end = rest.at(-1)!;
    // The buffers alive between fits are the data and the parameters, whatever the step count.
    for (const s of samples) expect(s.liveBuffers, `live buffers after ${s.step} steps`).to.equal(start!.liveBuffers);
    expect(start!.liveBuffers).to.equal(5); // x and the four parameters
    // Every step's loss tensor (and with it the step's graph) has been collected.
    for (const s of samples) expect(s.liveLosses, `step losses alive after ${s.step} steps`).to.equal(0);
    // After the first chunk (compilation, caches) the heap and RSS do not grow with the step count.
    const MB = 1024 * 1024;
    expect((end.heapUsed - warm!.heapUsed) / MB, 'heap growth after warm-up (MB)').to.be.below(2);
    expect((end.rss - warm!.rss) / MB, 'RSS growth after warm-up (MB)').to.be.below(24);
  });
});
