// The report in a real browser: headless Chromium renders report/index.html of a small benchmark,
// and every chart must show drawn data (coloured pixels inside its box), not a blank or empty frame.
import { expect } from 'chai';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { runBench } from '../src/bench/run.js';
import { decodePng, type Image } from './png.js';
import { tempDir } from './helpers.js';

const CHROMIUM = [process.env.CHROMIUM_BIN, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p): p is string => !!p && existsSync(p));

interface Box { readonly title: string; readonly x: number; readonly y: number; readonly w: number; readonly h: number }

function chromium(profile: string, args: string[]): string {
  const r = spawnSync(CHROMIUM!, ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--hide-scrollbars', '--force-device-scale-factor=1', `--user-data-dir=${profile}`, ...args], { encoding: 'utf8', timeout: 150_000, maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`chromium ${args.join(' ')} failed (${r.status ?? r.signal}): ${r.stderr.slice(-2000)}`);
  return r.stdout;
}

/** Where each figure's chart lies on the page (and the page's height), measured by the browser itself. */
function layout(html: string, dir: string): { height: number; boxes: Box[] } {
  const probe = join(dir, 'probe.html');
  writeFileSync(probe, html.replace('</body>', `<script>
    const boxes = [...document.querySelectorAll('figure')].map((f) => {
      const r = f.querySelector('svg').getBoundingClientRect();
      return { title: f.querySelector('h3').textContent, x: r.left + scrollX, y: r.top + scrollY, w: r.width, h: r.height };
    });
    const pre = document.createElement('pre');
    pre.id = 'layout';
    pre.textContent = JSON.stringify({ height: document.documentElement.scrollHeight, boxes });
    document.body.appendChild(pre);
  </script></body>`));
  const dom = chromium(join(dir, 'profile'), ['--window-size=1280,1000', '--dump-dom', pathToFileURL(probe).href]);
  const m = /<pre id="layout">([^<]*)<\/pre>/.exec(dom);
  if (!m) throw new Error(`no layout in the dumped DOM: ${dom.slice(0, 300)}`);
  return JSON.parse(m[1]!.replace(/&quot;/g, '"').replace(/&amp;/g, '&')) as { height: number; boxes: Box[] };
}

function screenshot(file: string, dir: string, height: number, name: string): Image {
  const png = join(dir, name);
  chromium(join(dir, 'profile'), [`--window-size=1280,${height}`, `--screenshot=${png}`, pathToFileURL(file).href]);
  return decodePng(readFileSync(png));
}

/** Pixels in the box that are neither white-ish nor grey: drawn data (optimizer colours), not axes or text. */
function colouredPixels(img: Image, b: Box): number {
  let n = 0;
  for (let y = Math.max(0, Math.floor(b.y)); y < Math.min(img.height, Math.ceil(b.y + b.h)); y++) {
    for (let x = Math.max(0, Math.floor(b.x)); x < Math.min(img.width, Math.ceil(b.x + b.w)); x++) {
      const i = (y * img.width + x) * 4, r = img.rgba[i]!, g = img.rgba[i + 1]!, bl = img.rgba[i + 2]!;
      if (Math.max(r, g, bl) - Math.min(r, g, bl) >= 60) n++;
    }
  }
  return n;
}

const MIN_COLOURED = 300;

describe('cli/bench report in headless Chromium', function () {
  this.timeout(600_000);
  const tmp = tempDir();
  after(() => tmp.remove());

  before(function () {
    if (!CHROMIUM) {
      if (process.env.CI) throw new Error('chromium is not installed, and CI is set: .ci/run installs it (apt-get install chromium)');
      console.log('      (skipped: no chromium at /usr/bin/chromium or $CHROMIUM_BIN, and CI is not set)');
      this.skip();
    }
  });

  it('renders every chart of report/index.html with data drawn, and catches a blanked chart', async () => {
    const r = await runBench({ preset: 'smoke', workloads: ['mlp-mnist', 'fn-saddle'], optimizers: ['adam', 'sgdm'], seeds: 2, workers: 0, out: tmp.path, progress: 'none', log: () => {} });
    const html = readFileSync(r.reportPath!, 'utf8');
    const page = layout(html, tmp.path);
    // profile + (curves, lr sensitivity) for each workload + saddle trajectories
    expect(page.boxes.map((b) => b.title)).to.have.length(6);
    for (const b of page.boxes) expect(b.w * b.h, b.title).to.be.greaterThan(150 * 150);
    const height = Math.min(Math.ceil(page.height) + 20, 16000);
    const shot = screenshot(r.reportPath!, tmp.path, height, 'report.png');
    expect(shot.width).to.equal(1280);
    for (const b of page.boxes) expect(colouredPixels(shot, b), `chart '${b.title}' at y ${Math.round(b.y)}`).to.be.at.least(MIN_COLOURED);
    // the same check on a copy whose first chart lost its marks must fail there (and only there)
    const blanked = join(tmp.path, 'blanked.html');
    writeFileSync(blanked, html.replace(/(<figure[^>]*><h3>[^<]*<\/h3><svg[^>]*>)[\s\S]*?<\/svg>/, '$1</svg>'));
    const broken = screenshot(blanked, tmp.path, height, 'blanked.png');
    expect(colouredPixels(broken, page.boxes[0]!)).to.be.below(MIN_COLOURED);
    for (const b of page.boxes.slice(1)) expect(colouredPixels(broken, b), b.title).to.be.at.least(MIN_COLOURED);
  });
});
