import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RunFailedError } from '@descent/tensor';
import {
  DEFAULT_QUEUE_NAME, InlineExecutor, LocalPool, QueueExecutor, deterministicPart, parseQueueUrl, runSweep, specHash, startQueueWorker, toResultJson,
  type QueueAddress, type RunRecord, type RunSpec,
} from '../src/sweep/index.js';
import { loadWorkloads } from '../src/workloads/index.js';
import { startRedis, type RedisServer } from '../../../test/helpers/redis.js';
import { benchMain } from '../src/commands/bench.js';
import { captureIo, counting, smokeSpec, tempDir } from './helpers.js';

const ENTRY = fileURLToPath(new URL('../src/descent.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

function expectSameResults(got: readonly RunRecord[], want: readonly RunRecord[]): void {
  expect(got.map((r) => r.hash)).to.deep.equal(want.map((r) => r.hash));
  for (let i = 0; i < want.length; i++) {
    expect(toResultJson(deterministicPart(got[i]!.outcome)), `${want[i]!.spec.workload} seed ${want[i]!.spec.seed}`).to.equal(toResultJson(deterministicPart(want[i]!.outcome)));
  }
}

describe('cli/sweep queue URLs', () => {
  it('parses redis://[:password@]host[:port][/db][/name] and names what is wrong with anything else', () => {
    expect(parseQueueUrl('redis://10.0.0.5:6380/2/sweep-a')).to.deep.equal({ host: '10.0.0.5', port: 6380, db: 2, name: 'sweep-a' });
    expect(parseQueueUrl('redis://localhost')).to.deep.equal({ host: 'localhost', port: 6379, db: 0, name: DEFAULT_QUEUE_NAME });
    expect(parseQueueUrl('redis://127.0.0.1:7000/runs_1.b')).to.deep.equal({ host: '127.0.0.1', port: 7000, db: 0, name: 'runs_1.b' });
    expect(parseQueueUrl('redis://:s%40cret@[::1]:6379/3')).to.deep.equal({ host: '::1', port: 6379, db: 3, name: DEFAULT_QUEUE_NAME, password: 's@cret' });
    expect(() => parseQueueUrl('localhost:6379')).to.throw(/--queue: expected a queue URL such as 'redis:\/\/HOST:PORT\/NAME'.*but got "localhost:6379"/);
    expect(() => parseQueueUrl('http://10.0.0.5:6379/q')).to.throw(/--queue: expected .*but got "http:\/\/10\.0\.0\.5:6379\/q"/);
    expect(() => parseQueueUrl('redis://h:6379/1/a/b')).to.throw(/at most a database number and a queue name .*"\/1\/a\/b"/);
    expect(() => parseQueueUrl('redis://h:6379/a%20b')).to.throw(/queue name may hold letters.*"a b"/);
    expect(() => parseQueueUrl('')).to.throw(/--queue: expected/);
  });
});

describe('cli/sweep on a BullMQ queue (a real redis-server)', function () {
  this.timeout(120_000);
  let redis: RedisServer | undefined;
  const children: ChildProcess[] = [];
  const killChildren = (): void => { for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL'); };
  // A mocha that dies leaves no workers behind either.
  process.once('exit', killChildren);

  before(async function () {
    await loadWorkloads();
    const started = await startRedis();
    if ('skip' in started) {
      console.log(`    skipped: ${started.skip}`);
      this.skip();
    }
    redis = started as RedisServer;
  });
  after(async () => {
    killChildren();
    await redis?.stop();
  });
  const address = (name: string): QueueAddress => parseQueueUrl(`${redis!.url}/${name}`);

  it('a descent worker stopped by SIGTERM closes its queue connection and exits 0', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=source', ENTRY, 'worker', '--queue', `${redis!.url}/stop`, '--workers', '1'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let out = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (d: Buffer) => { out += d.toString(); if (out.includes('descent worker: taking runs')) resolve(); });
      child.once('exit', (code) => reject(new Error(`descent worker exited (${code}) before it was ready: ${out}`)));
    });
    const exited = new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.once('exit', (code, signal) => resolve([code, signal])));
    child.kill('SIGTERM');
    expect(await exited).to.deep.equal([0, null]);
  });

  it('gives results bit-identical to a local sweep; a resubmitted sweep executes only the runs it has not done', async () => {
    const specs = [
      smokeSpec('fn-saddle', 'adam', 0.05, 0), smokeSpec('fn-beale', 'sgdm', 1e-3, 1, { momentum: 0.9 }),
      smokeSpec('mlp-mnist', 'adam', 3e-3, 0), smokeSpec('fn-rosenbrock', 'nadam', 1e-3, 2), smokeSpec('fn-saddle', 'rmsprop', 0.01, 3),
    ];
    const local = await runSweep(specs, { executor: new InlineExecutor() });
    const runs = counting(new LocalPool({ workers: 2 }));
    const worker = await startQueueWorker(address('equal'), { executor: runs, concurrency: 2 });
    const first = new QueueExecutor(address('equal'));
    try {
      expect(first.name).to.equal(`queue 'equal' on redis://127.0.0.1:${redis!.port}/0`);
      expectSameResults(await runSweep(specs, { executor: first }), local);
      expect(runs.calls).to.have.length(specs.length);
      // a second submission (a new client, as from another process), with one new run
      const again = new QueueExecutor(address('equal'));
      const more = [...specs, smokeSpec('fn-beale', 'adam', 0.01, 4)];
      try {
        const second = await runSweep(more, { executor: again });
        expectSameResults(second.slice(0, specs.length), local);
        expect(second[specs.length]!.outcome.history.step.length).to.be.greaterThan(1);
        expect(runs.calls).to.have.length(specs.length + 1);
        expect(runs.calls.at(-1)).to.equal('adam 4');
        expect(await again.counts()).to.deep.equal({ waiting: 0, active: 0, completed: specs.length + 1, failed: 0 });
      } finally {
        await again.close();
      }
    } finally {
      await first.close();
      await worker.close();
    }
  });

  it('fails a run with an unknown optimizer after its attempts, with the worker\'s message; a resubmission tries it afresh', async () => {
    const runs = counting(new InlineExecutor());
    const worker = await startQueueWorker(address('failing'), { executor: runs });
    const bad = smokeSpec('fn-saddle', 'nosuchopt', 0.01, 0);
    const submit = async (): Promise<Error> => {
      const executor = new QueueExecutor(address('failing'), { attempts: 2 });
      try {
        return await runSweep([bad], { executor }).then(() => { throw new Error('the sweep did not fail'); }, (e: Error) => e);
      } finally {
        await executor.close();
      }
    };
    try {
      const error = await submit();
      expect(error).to.be.instanceOf(RunFailedError);
      expect((error as RunFailedError).attempts).to.equal(2);
      expect((error as RunFailedError).hash).to.equal(specHash(bad));
      expect(error.message).to.match(new RegExp(`^run fn-saddle / nosuchopt / lr 0\\.01 / seed 0 failed: queue job ${specHash(bad)}: failed on the workers after 2 attempts: .*unknown optimizer 'nosuchopt'`));
      expect(runs.calls).to.deep.equal(['nosuchopt 0', 'nosuchopt 0']);
      const again = await submit();
      expect(again.message).to.match(/after 2 attempts: .*unknown optimizer 'nosuchopt'/);
      expect(runs.calls).to.have.length(4);
    } finally {
      await worker.close();
    }
    expect(() => new QueueExecutor(address('failing'), { attempts: 0 })).to.throw(/attempts must be an integer ≥ 1, but got 0/);
  });

  it('runs `descent bench --queue` on the queue\'s workers with the results of a local benchmark', async () => {
    const tmp = tempDir();
    const url = `${redis!.url}/bench`;
    const bench = async (where: string[], out: string) => {
      const io = captureIo(tmp.path);
      const result = await benchMain(['--preset', 'smoke', '--workloads', 'fn-saddle', '--optimizers', 'adam,sgdm', '--out', out, '--quiet', ...where], io);
      const doc = JSON.parse(readFileSync(join(tmp.path, out, 'results.json'), 'utf8')) as { runs: Array<{ history: Record<string, unknown> }> };
      return { result, runs: doc.runs.map((r) => ({ ...r, history: { ...r.history, seconds: null }, timeToTarget: null, seconds: null })) };
    };
    const runs = counting(new InlineExecutor());
    const worker = await startQueueWorker(parseQueueUrl(url), { executor: runs });
    try {
      const local = await bench(['--workers', '0'], 'local');
      const queued = await bench(['--queue', url], 'queued');
      expect(queued.result.executor).to.equal(`queue 'bench' on redis://127.0.0.1:${redis!.port}/0`);
      expect(runs.calls).to.have.length(queued.result.executed).and.to.have.length(local.result.executed);
      expect(queued.runs).to.deep.equal(local.runs);
      expect(queued.result.claims).to.deep.equal(local.result.claims);
      await benchMain(['--queue', 'redis:/nohost'], captureIo(tmp.path)).then(() => expect.fail('accepted a bad URL'), (e: Error) => expect(e.message).to.match(/--queue: expected a queue URL/));
    } finally {
      await worker.close();
      tmp.remove();
    }
  });

  it('finishes a sweep whose worker process was SIGKILLed mid-run: every run done exactly once, identical to a local sweep', async () => {
    const specs: RunSpec[] = [
      ...[0, 1, 2, 3, 4, 5].map((seed) => smokeSpec('mlp-mnist', 'adam', 3e-3, seed)),
      ...[0, 1, 2, 3].map((seed) => smokeSpec('fn-beale', 'sgdm', 1e-3, seed, { momentum: 0.9 })),
    ];
    const url = `${redis!.url}/fault`;
    const startWorker = (): { child: ChildProcess; lines: string[]; ready: Promise<void> } => {
      const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=source', ENTRY, 'worker', '--queue', url, '--workers', '1', '--lock-ms', '1500', '--stalled-ms', '500'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
      children.push(child);
      const lines: string[] = [];
      let stderr = '';
      child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
      let partial = '';
      child.stdout!.on('data', (d: Buffer) => {
        const parts = (partial + d.toString()).split('\n');
        partial = parts.pop()!;
        for (const l of parts) { lines.push(l); child.emit('line', l); }
      });
      const ready = new Promise<void>((resolve, reject) => {
        child.on('line', (l: string) => { if (l.startsWith('descent worker: taking runs')) resolve(); });
        child.once('exit', (code, signal) => reject(new Error(`descent worker exited (${code ?? signal}) before it was ready: ${stderr}`)));
      });
      return { child, lines, ready };
    };
    const doneHashes = (lines: readonly string[]): string[] => lines.filter((l) => l.startsWith('done ')).map((l) => /\[([0-9a-f]{64})\]/.exec(l)![1]!);

    const local = await runSweep(specs, { executor: new InlineExecutor() });
    const victim = startWorker(), survivor = startWorker();
    await Promise.all([victim.ready, survivor.ready]);
    // Kill the victim as soon as it takes its first run (a 'start' line): that run's lock lapses
    // after 1.5 s, the survivor's stalled check (every 0.5 s) puts it back and takes it.
    const killed = new Promise<string>((resolve) => {
      victim.child.on('line', (l: string) => {
        const m = /^start .*\[([0-9a-f]{64})\]$/.exec(l);
        if (m && victim.child.signalCode === null) { victim.child.kill('SIGKILL'); resolve(m[1]!); }
      });
    });
    const executor = new QueueExecutor(parseQueueUrl(url));
    try {
      const records = await runSweep(specs, { executor });
      const killedHash = await killed;
      expect(victim.child.signalCode).to.equal('SIGKILL');
      expectSameResults(records, local);
      // the killed run was not finished by the victim, and was finished by the survivor
      const byVictim = doneHashes(victim.lines), bySurvivor = doneHashes(survivor.lines);
      expect(byVictim).to.not.include(killedHash);
      expect(bySurvivor).to.include(killedHash);
      expect([...byVictim, ...bySurvivor].sort()).to.deep.equal(specs.map(specHash).sort());
      expect(await executor.counts()).to.deep.equal({ waiting: 0, active: 0, completed: specs.length, failed: 0 });
    } finally {
      await executor.close();
      killChildren();
    }
  });
});
