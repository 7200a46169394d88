// `npm run test:golden`: runs every trace in GOLDEN_DIR (default test/golden), one line per failing
// trace, then `N passed, M failed, K skipped`; exits non-zero on any failure.
import { basename } from 'node:path';
import './all_kinds.js';
import { goldenDir, listTraceFiles, runTraceFile } from './runner.js';

const dir = goldenDir();
const results = listTraceFiles(dir).map(runTraceFile);
for (const r of results) {
  if (r.status === 'fail') console.log(`FAIL ${basename(r.file)} (${r.kind}): ${r.message}`);
  if (r.status === 'skip') console.log(`skip ${basename(r.file)}: ${r.message}`);
}
const count = (s: string) => results.filter((r) => r.status === s).length;
console.log(`${count('pass')} passed, ${count('fail')} failed, ${count('skip')} skipped`);
if (results.length === 0) { console.log(`no traces found in ${dir}`); process.exitCode = 1; }
if (count('fail') > 0) process.exitCode = 1;
