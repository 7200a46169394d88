// Interrupt and resume across processes: a training run (fixtures/run.ts) is SIGKILLed between
// checkpoints or in the middle of writing one, and resumed in a fresh process from its last
// checkpoint; the final parameters, optimizer state and losses must equal those of an uninterrupted
// run bit for bit. Two processes with the same seed must agree bit for bit too.
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StateError } from '@descent/tensor';
import type { Sequential } from '@descent/layers';
import { readCheckpoint, type Callback } from '@descent/optim';
import { makeTrainer, runData } from './fixtures/run.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CHILD = join(ROOT, 'test/reliability/fixtures/train_child.ts');

interface ChildResult { code: number | null; signal: NodeJS.Signals | null; lines: string[]; stderr: string }
interface RunResult { params: Record<string, string>; buffers: Record<string, string>; generators: Array<[string, number[]]>; optimizer: unknown; losses: number[] }

/** Run train_child.ts with `options`; SIGKILL it as soon as a stdout line matches `killOn`. */
function child(options: Record<string, unknown>, killOn?: RegExp): Promise<ChildResult> {
  return new Promise((resolvePromise, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', '--conditions=source', CHILD, JSON.stringify(options)], {
      cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: string[] = [];
    let stderr = '';
    let pending = '';
    p.stdout.on('data', (chunk: Buffer) => {
      pending += chunk.toString('utf8');
      const parts = pending.split('\n');
      pending = parts.pop()!;
      for (const line of parts) {
        lines.push(line);
        if (killOn?.test(line)) p.kill('SIGKILL');
      }
    });
    p.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString('utf8'); });
    p.on('error', reject);
    p.on('close', (code, signal) => resolvePromise({ code, signal, lines, stderr }));
  });
}

const read = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as RunResult;

describe('reliability: interrupt, resume and determinism across processes', function () {
  this.timeout(120_000);
  let root: string;
  let reference: RunResult;

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'descent-resume-'));
    // Two uninterrupted runs with the same seed, in two processes at once.
    const dirs = ['ref-a', 'ref-b'].map((d) => join(root, d));
    for (const d of dirs) mkdirSync(d);
    const results = await Promise.all(dirs.map((dir) => child({ dir, out: join(dir, 'out.json') })));
    for (const r of results) expect(r.code, r.stderr).to.equal(0);
    reference = read(join(dirs[0]!, 'out.json'));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  const dir = (name: string) => {
    const d = join(root, name);
    rmSync(d, { recursive: true, force: true });
    mkdirSync(d);
    return d;
  };

  it('the same seed gives bit-identical parameters, optimizer state and losses in two processes', () => {
    const other = read(join(root, 'ref-b', 'out.json'));
    expect(reference.losses).to.have.length(24); // 4 epochs × 6 batches
    expect(reference.generators.map(([n]) => n)).to.deep.equal(['3.rng']);
    expect(other).to.deep.equal(reference);
  });

  it('SIGKILL between checkpoints, then resume from the last one: the final parameters equal an uninterrupted run bit for bit', async () => {
    const d = dir('kill-between');
    // Checkpoints after 4 steps, 6 (epoch end), 8 and 12 (…); the process stops for good after step 10.
    const killed = await child({ dir: d, pauseAtStep: 9 }, /^paused 9$/);
    expect(killed.signal).to.equal('SIGKILL');
    expect(killed.lines).to.not.include('done');
    const saved = readCheckpoint(join(d, 'last.json')).body;
    expect(saved.progress).to.include({ step: 8, epoch: 1, batch: 2 });
    expect(Object.keys(saved.generators!), 'the Dropout generator is in the checkpoint').to.deep.equal(['3.rng']);
    expect(Object.keys(saved.model)).to.include('1.runningMean');
    // A fresh process with other initial weights: only the checkpoint can make the runs agree.
    const resumed = await child({ dir: d, initSeed: 99, resume: true, out: join(d, 'out.json') });
    expect(resumed.code, resumed.stderr).to.equal(0);
    expect(resumed.lines.filter((l) => l.startsWith('step ')).length).to.equal(24 - 8);
    expect(read(join(d, 'out.json'))).to.deep.equal(reference);
  });

  it('SIGKILL in the middle of writing a checkpoint leaves the previous checkpoint valid (atomic write); resuming from it is exact', async () => {
    const d = dir('kill-in-write');
    const killed = await child({ dir: d, killInWriteOf: 3 }, undefined);
    expect(killed.signal).to.equal('SIGKILL');
    expect(killed.lines).to.include('killed in write 3');
    // The third checkpoint (after step 8) was being written: last.json still holds the second one.
    expect(readCheckpoint(join(d, 'last.json')).body.progress).to.include({ step: 6, epoch: 1, batch: 0 });
    const partial = readdirSync(d).filter((f) => f.endsWith('.tmp'));
    expect(partial, 'the half-written temporary file').to.have.length(1);
    expect(() => readCheckpoint(join(d, partial[0]!))).to.throw(StateError, /not valid JSON \(truncated or corrupted\?\)/);
    const resumed = await child({ dir: d, initSeed: 99, resume: true, out: join(d, 'out.json') });
    expect(resumed.code, resumed.stderr).to.equal(0);
    expect(read(join(d, 'out.json'))).to.deep.equal(reference);
  });

  it('a truncated checkpoint file is rejected with a clear error, changing nothing; the previous checkpoint still resumes exactly', () => {
    const d = dir('truncated');
    // An in-process run that crashes during step 13: its last checkpoint is after step 12.
    class Crash extends Error {}
    const crash: Callback = { name: 'crash', onBatchBegin: (step) => { if (step === 13) throw new Crash('crash'); } };
    expect(() => makeTrainer({ dir: d }, [crash]).fit(runData())).to.throw(Crash);
    const good = join(d, 'last.json');
    const goodBytes = readFileSync(good);
    expect(readCheckpoint(good).body.progress.step).to.equal(12);
    const bad = join(d, 'truncated.json');
    writeFileSync(bad, goodBytes.subarray(0, Math.floor(goodBytes.length * 0.6)));
    const badBytes = readFileSync(bad);

    const t = makeTrainer({ dir: d, initSeed: 99 });
    const params = t.parameters.map((p) => Buffer.from(p.tensor.data().buffer));
    const opt = JSON.stringify(t.optimizer.state());
    expect(() => t.fit(runData(), { resumeFrom: bad })).to.throw(StateError, /^checkpoint '.*truncated\.json': not valid JSON \(truncated or corrupted\?\)/);
    expect(t.parameters.map((p) => Buffer.from(p.tensor.data().buffer))).to.deep.equal(params);
    expect(JSON.stringify(t.optimizer.state())).to.equal(opt);
    expect(readFileSync(bad).equals(badBytes), 'the rejected file is left as it was').to.equal(true);
    expect(readFileSync(good).equals(goodBytes), 'the previous checkpoint is untouched').to.equal(true);
    expect(readdirSync(d).sort()).to.deep.equal(['last.json', 'truncated.json']);

    // The previous, complete checkpoint resumes (in this process) to the reference of the other processes.
    const resumed = makeTrainer({ dir: dir('truncated-resume'), initSeed: 99 });
    const history = resumed.fit(runData(), { resumeFrom: good });
    expect(history.steps.map((s) => s.loss)).to.deep.equal(reference.losses);
    const bytes = Object.fromEntries(resumed.parameters.map((p) => [p.name, Buffer.from(p.tensor.data().buffer).toString('base64')]));
    expect(bytes).to.deep.equal(reference.params);
    const buffers = Object.fromEntries((resumed.model as Sequential).namedBuffers().map(([n, b]) => [n, Buffer.from(b.data().buffer).toString('base64')]));
    expect(buffers).to.deep.equal(reference.buffers);
  });
});
