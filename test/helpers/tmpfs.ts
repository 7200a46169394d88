// A tiny tmpfs for fault tests that need a real full disk. Mounting needs root (CI runs as root);
// elsewhere the test skips with the reason, but on CI (CI=true) a failed mount is a test failure.
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmdirSync, statfsSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A mounted tmpfs: its directory and how to unmount it. */
export interface Tmpfs { dir: string; unmount(): void }

/** Mount a tmpfs of `sizeKb` KiB, or return why it cannot be done here (a reason to skip with). */
export function mountTmpfs(sizeKb: number): Tmpfs | { skip: string } {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return { skip: 'mounting a tmpfs needs root (this process is not root)' };
  const dir = mkdtempSync(join(tmpdir(), 'descent-tmpfs-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeKb}k`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (e) {
    rmdirSync(dir);
    return { skip: `mount -t tmpfs is not permitted here: ${String((e as { stderr?: Buffer }).stderr ?? (e as Error).message).trim()}` };
  }
  return {
    dir,
    unmount() {
      execFileSync('umount', [dir], { stdio: 'pipe' });
      rmdirSync(dir);
    },
  };
}

/** Bytes still free for an unprivileged write. */
export const freeBytes = (dir: string) => { const s = statfsSync(dir); return s.bavail * s.bsize; };

/** Fill the file system of `dir` with a filler file until at most `keep` bytes are free. */
export function fillDisk(dir: string, keep = 0): void {
  const fd = openSync(join(dir, 'filler'), 'a');
  try {
    const chunk = Buffer.alloc(4096, 0x5a);
    for (;;) {
      const room = freeBytes(dir) - keep;
      if (room <= 0) return;
      try {
        writeSync(fd, chunk, 0, Math.min(chunk.length, room));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOSPC') return;
        throw e;
      }
    }
  } finally {
    closeSync(fd);
  }
}
