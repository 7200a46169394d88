// `npm run test:golden -- --plugin FILE` with GOLDEN_DIR: a plugin's own traces run against it,
// and a mismatch names the step, the parameter and the coordinate in it.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

const root = fileURLToPath(new URL('../', import.meta.url));
const trace = join(root, 'examples/plugin-package/golden/opt-adabelief-quadratic.json');

describe('golden runner: --plugin and GOLDEN_DIR', () => {
  let dir = '';
  after(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

  it('runs a plugin\'s traces and reports a mismatch by step, parameter and coordinate', function () {
    this.timeout(60_000);
    dir = mkdtempSync(join(tmpdir(), 'descent-golden-'));
    copyFileSync(trace, join(dir, 'opt-adabelief-quadratic.json'));
    const tampered = JSON.parse(readFileSync(trace, 'utf8')) as { trajectory: number[][] };
    tampered.trajectory[3]![5] = tampered.trajectory[3]![5]! + 1e-6; // parameter 1 (shape [3]), element 1
    writeFileSync(join(dir, 'opt-adabelief-tampered.json'), JSON.stringify(tampered));
    let out = '';
    let status = 0;
    try {
      out = execFileSync(process.execPath, ['--import', 'tsx', '--conditions=source', 'test/golden_runner/cli.ts', '--plugin', 'examples/plugin-package/src/index.ts'], {
        cwd: root, encoding: 'utf8', env: { ...process.env, GOLDEN_DIR: dir }, stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (e) {
      const err = e as { status: number; stdout: string; stderr: string };
      status = err.status; out = err.stdout + err.stderr;
    }
    expect(status, out).to.equal(1);
    expect(out).to.contain('1 passed, 1 failed, 0 skipped');
    expect(out).to.match(/FAIL opt-adabelief-tampered\.json \(optimizer\): trajectory \(adabelief\/quadratic float64\): step 3, parameter 1 \(shape \[3\]\) at \[1\]: expected /);
  });

  it('says which plugin failed to load', function () {
    this.timeout(30_000);
    let out = '';
    try {
      execFileSync(process.execPath, ['--import', 'tsx', '--conditions=source', 'test/golden_runner/cli.ts', '--plugin', 'no/such/plugin.js'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      out = (e as { stderr: string }).stderr;
    }
    expect(out).to.match(/test:golden: --plugin no\/such\/plugin.js: file not found/);
  });

  it('says which directory it cannot read, and exits 2', function () {
    this.timeout(30_000);
    let out = '';
    let status = 0;
    try {
      execFileSync(process.execPath, ['--import', 'tsx', '--conditions=source', 'test/golden_runner/cli.ts', '--dir', 'no/such/dir'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      const err = e as { status: number; stderr: string };
      status = err.status; out = err.stderr;
    }
    expect(status).to.equal(2);
    expect(out).to.match(/test:golden: cannot list the traces of 'no\/such\/dir' \(from --dir\): ENOENT/);
  });
});
