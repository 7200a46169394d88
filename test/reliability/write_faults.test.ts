// Faults of the atomic write other than a full disk: an fsync that fails (EIO), a write that makes no
// progress, a failing close, and a temporary-file cleanup that fails after the real error. Each must
// surface as a FileWriteError naming the step and the first error, with the previous file intact.
import { expect } from 'chai';
import fs, { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileWriteError, StateError } from '@descent/tensor';
import { writeFileAtomic } from '@descent/layers';

type FsKey = 'fsyncSync' | 'writeSync' | 'closeSync' | 'renameSync';

/** Replace one `fs` function for the duration of `body` (the ESM named exports too). */
function withFault<K extends FsKey>(key: K, replacement: (original: (typeof fs)[K]) => (typeof fs)[K], body: () => void): void {
  const original = fs[key];
  (fs as unknown as Record<string, unknown>)[key] = replacement(original);
  syncBuiltinESMExports();
  try {
    body();
  } finally {
    (fs as unknown as Record<string, unknown>)[key] = original;
    syncBuiltinESMExports();
  }
}

const errno = (code: string, syscall: string) => Object.assign(new Error(`${code}: simulated, ${syscall}`), { code, syscall });

describe('reliability: faults during an atomic write leave the previous file intact', () => {
  let dir: string;
  let path: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'descent-write-faults-'));
    path = join(dir, 'last.json');
    writeFileAtomic(path, '{"good":true}');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const unchanged = () => {
    expect(readFileSync(path, 'utf8')).to.equal('{"good":true}');
    expect(readdirSync(dir)).to.deep.equal(['last.json']);
  };

  it('a failed fsync (EIO) is a FileWriteError, not a renamed unsynced file', () => {
    withFault('fsyncSync', () => () => { throw errno('EIO', 'fsync'); }, () => {
      let e: unknown = null;
      try { writeFileAtomic(path, '{"good":false}'); } catch (x) { e = x; }
      expect(e).to.be.instanceOf(FileWriteError);
      expect((e as FileWriteError).code).to.equal('EIO');
      expect((e as FileWriteError).cause).to.have.property('code', 'EIO');
      expect((e as Error).message).to.match(/could not flush the temporary file to disk \(fsync\): an I\/O error \(EIO\)/);
    });
    unchanged();
  });

  it('a write that stores 0 bytes without an error is a short write, not an endless loop or a truncated file', () => {
    withFault('writeSync', (original) => ((fd: number, ...rest: unknown[]) => (fd > 2 ? 0 : (original as (...a: unknown[]) => number)(fd, ...rest))) as typeof fs.writeSync, () => {
      expect(() => writeFileAtomic(path, '{"good":false}')).to.throw(FileWriteError, /ESHORTWRITE/);
    });
    unchanged();
  });

  it('a write that stores part of the bytes is continued until all are written', () => {
    withFault('writeSync', (original) => ((fd: number, buf: Uint8Array, off: number, len: number) =>
      (original as (...a: unknown[]) => number)(fd, buf, off, Math.min(len, 3))) as typeof fs.writeSync, () => {
      writeFileAtomic(path, '{"good":"written three bytes at a time"}');
    });
    expect(readFileSync(path, 'utf8')).to.equal('{"good":"written three bytes at a time"}');
  });

  it('a failing close is a FileWriteError', () => {
    let calls = 0;
    withFault('closeSync', (original) => ((fd: number) => { original(fd); if (++calls === 1) throw errno('EIO', 'close'); }) as typeof fs.closeSync, () => {
      expect(() => writeFileAtomic(path, '{"good":false}')).to.throw(FileWriteError, /could not close the temporary file: an I\/O error \(EIO\)/);
    });
    unchanged();
  });

  it('the cleanup of the temporary file failing too never hides the first error (ENOTDIR)', () => {
    writeFileSync(join(dir, 'plain'), 'a file, not a directory');
    // Opening <file>/x fails with ENOTDIR, and so does removing the temporary file at <file>/.x.tmp.
    let e: unknown = null;
    try { writeFileAtomic(join(dir, 'plain', 'x.json'), 'x'); } catch (x) { e = x; }
    expect(e).to.be.instanceOf(FileWriteError);
    expect((e as FileWriteError).code).to.equal('ENOTDIR');
    expect((e as Error).message).to.match(/could not create the temporary file: a component of the path is not a directory \(ENOTDIR\)/);
  });

  it('a failing rename (EACCES), then a failing removal (EBUSY), reports the rename', () => {
    withFault('renameSync', () => () => { throw errno('EACCES', 'rename'); }, () => {
      withFault('rmSync' as FsKey, () => (() => { throw errno('EBUSY', 'rm'); }) as never, () => {
        let e: unknown = null;
        try { writeFileAtomic(path, '{"good":false}'); } catch (x) { e = x; }
        expect(e).to.be.instanceOf(FileWriteError);
        expect((e as FileWriteError).code).to.equal('EACCES');
        expect((e as Error).message).to.match(/could not rename the temporary file over '.*last\.json': permission denied \(EACCES\)/);
      });
    });
    expect(readFileSync(path, 'utf8')).to.equal('{"good":true}');
  });

  it('a path that is not a string is a StateError naming it', () => {
    expect(() => writeFileAtomic(42 as never, 'x')).to.throw(StateError, /path must be a non-empty string, but got 42/);
  });
});
