// Use from outside the monorepo, exactly as a plugin author would: build the packages to dist/,
// `npm pack` @descent/tensor, layers and optim, install the tarballs into an empty scratch project
// (offline: the packages' own dependencies — ndarray, vega, … — are linked from this repository's
// node_modules, so nothing is fetched), copy examples/plugin-package there, compile it with tsc
// against the installed types and run its tests (the conformance kit and a training run) with
// plain `node`, without `--conditions=source`.
import { execFileSync, type ExecFileSyncOptions } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

const root = fileURLToPath(new URL('../../', import.meta.url));
const PACKAGES = ['tensor', 'layers', 'optim'] as const;
const tsc = join(root, 'node_modules/typescript/bin/tsc');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function run(cmd: string, args: string[], cwd: string, options: ExecFileSyncOptions = {}): string {
  try {
    return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' }, ...options }) as string;
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')} (in ${cwd}) failed: ${err.message}\n${err.stdout ?? ''}\n${err.stderr ?? ''}`);
  }
}

describe('examples/plugin-package: installed from npm pack tarballs outside the repository', () => {
  let scratch = '';
  after(() => { if (scratch) rmSync(scratch, { recursive: true, force: true }); });

  it('builds, packs, installs offline, compiles the plugin package against the dist types and passes its tests', function () {
    this.timeout(240_000);
    scratch = mkdtempSync(join(tmpdir(), 'descent-plugin-package-'));
    const tarballs = join(scratch, 'tarballs'), app = join(scratch, 'app');
    mkdirSync(tarballs);
    // 1. dist/ with types, as `npm run build` makes it (incremental: fast when up to date).
    run(process.execPath, [tsc, '-b', ...PACKAGES.map((p) => `packages/${p}`)], root);
    // 2. npm pack each package.
    const deps: Record<string, string> = {};
    const external = new Set<string>();
    for (const p of PACKAGES) {
      const dir = join(root, 'packages', p);
      const out = run(npm, ['pack', '--json', '--ignore-scripts', '--pack-destination', tarballs], dir, { env: { ...process.env, NODE_OPTIONS: '', npm_config_cache: join(scratch, 'npm-cache') } });
      const [info] = JSON.parse(out) as [{ filename: string; files: { path: string }[] }];
      expect(info.files.some((f) => f.path === 'dist/index.d.ts'), `${p}: the tarball has dist/index.d.ts`).to.equal(true);
      expect(info.files.some((f) => f.path.startsWith('src/')), `${p}: the tarball holds no TypeScript sources`).to.equal(false);
      deps[`@descent/${p}`] = `file:${join(tarballs, info.filename)}`;
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
      for (const d of Object.keys(pkg.dependencies ?? {})) if (!d.startsWith('@descent/')) external.add(d);
    }
    // 3. An empty project; third-party dependencies (and @types/node for tsc) linked from this repository.
    for (const d of [...external, '@types/node']) deps[d] = `file:${realpathSync(join(root, 'node_modules', d))}`;
    cpSync(join(root, 'examples/plugin-package'), app, { recursive: true, filter: (src) => !/[\\/](dist|node_modules)$/.test(src) });
    const example = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(app, 'package.json'), JSON.stringify({ ...example, devDependencies: {}, peerDependencies: {}, dependencies: deps }, null, 2));
    run(npm, ['install', '--offline', '--no-package-lock', '--no-audit', '--no-fund', '--ignore-scripts', '--cache', join(scratch, 'npm-cache')], app);
    // 4. Compile with tsc against the installed .d.ts, then run the tests with plain node.
    run(process.execPath, [tsc, '-p', 'tsconfig.json'], app);
    const output = run(process.execPath, ['--test', '--test-reporter=spec', 'dist/test/'], app);
    expect(output).to.match(/adabelief passes the conformance kit/);
    expect(output).to.match(/trained: loss [\d.]+ → [\d.]+/);
    expect(output, output).to.match(/ℹ pass 3\b/);
    expect(output, output).to.match(/ℹ fail 0\b/);
  });
});
