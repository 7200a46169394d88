/**
 * {@link writeFileAtomic}: the one atomic, durable file write that model state files and
 * checkpoints use. Either the new content is complete on disk under `path`, or `path` is byte for
 * byte what it was before and a {@link FileWriteError} says why.
 *
 * @example
 * ```ts
 * import { writeFileAtomic } from '@descent/layers';
 * writeFileAtomic('run/last.json', JSON.stringify(checkpoint));
 * ```
 * @module
 */
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { FileWriteError, StateError, describe } from '@descent/tensor';

let tempCounter = 0;

const REASONS: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is exceeded',
  EIO: 'an I/O error',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOENT: 'the directory does not exist',
  ENOTDIR: 'a component of the path is not a directory',
  EISDIR: 'the path is a directory',
  ESHORTWRITE: 'a write stored fewer bytes than given and made no progress',
};

/** The error code of a Node system error, if any. */
const codeOf = (e: unknown): string | undefined => {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' ? code : undefined;
};

/** Write all of `bytes` to `fd`, checking the byte count of every write. */
function writeAll(fd: number, bytes: Uint8Array): void {
  let offset = 0;
  while (offset < bytes.length) {
    const written = writeSync(fd, bytes, offset, bytes.length - offset);
    if (!Number.isInteger(written) || written <= 0 || written > bytes.length - offset) {
      const e = new Error(`write returned ${String(written)} after ${offset} of ${bytes.length} bytes`) as NodeJS.ErrnoException;
      e.code = 'ESHORTWRITE';
      throw e;
    }
    offset += written;
  }
}

/** Flush a directory entry (the rename) to disk; file systems that cannot sync a directory are skipped. */
function fsyncDirectory(dir: string): void {
  let fd: number;
  try {
    fd = openSync(dir, 'r');
  } catch {
    return; // NOTE: a directory that cannot be opened for reading (some platforms) cannot be synced either.
  }
  try {
    fsyncSync(fd);
  } catch (e) {
    if (!['EINVAL', 'ENOTSUP', 'EISDIR', 'EBADF'].includes(codeOf(e) ?? '')) throw e;
  } finally {
    closeSync(fd);
  }
}

/**
 * Write `contents` to `path` atomically and durably: write a temporary file in the same directory
 * (checking the byte count of every write), fsync it, close it, rename it over `path`, fsync the
 * directory. A full disk (ENOSPC), an I/O error (EIO), a short write or a failed fsync, close or
 * rename throws a {@link FileWriteError} naming the step and the system error, and leaves the
 * previous file at `path` byte for byte as it was (a crash or kill mid-write does too). The
 * temporary file is removed; a failure to remove it never hides the first error.
 *
 * @throws StateError for a path that is not a non-empty string; FileWriteError when the file cannot be written.
 * @example
 * ```ts
 * writeFileAtomic('checkpoint.json', JSON.stringify(checkpoint));
 * ```
 */
export function writeFileAtomic(path: string, contents: string | Uint8Array): void {
  if (typeof path !== 'string' || path === '') throw new StateError(`writeFileAtomic: path must be a non-empty string, but got ${describe(path)}`);
  if (typeof contents !== 'string' && !(contents instanceof Uint8Array)) {
    throw new StateError(`writeFileAtomic: contents must be a string or a Uint8Array, but got ${describe(contents)}`);
  }
  const bytes = typeof contents === 'string' ? Buffer.from(contents, 'utf8') : contents;
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.${tempCounter++}.tmp`);
  let fd: number | null = null;
  let stage = 'create the temporary file';
  try {
    fd = openSync(tmp, 'wx');
    stage = `write ${bytes.length} bytes to the temporary file`;
    writeAll(fd, bytes);
    stage = 'flush the temporary file to disk (fsync)';
    fsyncSync(fd);
    stage = 'close the temporary file';
    const open = fd;
    fd = null;
    closeSync(open);
    stage = `rename the temporary file over '${path}'`;
    renameSync(tmp, path);
  } catch (e) {
    if (fd !== null) {
      try { closeSync(fd); } catch { /* NOTE: the first error is the one reported */ }
    }
    try { rmSync(tmp, { force: true }); } catch { /* NOTE: the first error is the one reported */ }
    const code = codeOf(e);
    const reason = code && REASONS[code] ? `${REASONS[code]} (${code})` : code ?? 'error';
    throw new FileWriteError(
      `writeFileAtomic: cannot write '${path}': could not ${stage}: ${reason}: ${(e as Error)?.message ?? String(e)}; '${path}' was left as it was`,
      path, code, e,
    );
  }
  try {
    fsyncDirectory(dirname(path));
  } catch (e) {
    const code = codeOf(e);
    throw new FileWriteError(`writeFileAtomic: '${path}' was written, but flushing its directory to disk (fsync) failed: ${code ?? 'error'}: ${(e as Error).message}`, path, code, e);
  }
}
