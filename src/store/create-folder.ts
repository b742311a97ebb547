import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** Why a folder could not be created: a file stands where a folder must be, or the system refused. */
export class FolderNotCreatedError extends Error {
  override readonly name = 'FolderNotCreatedError';
  constructor(
    readonly folder: string,
    /** The first path on the way that exists and is not a folder, when that is the reason. */
    readonly blockedBy: string | undefined,
    readonly code: string | undefined,
    message: string,
  ) {
    super(message);
  }
}

/** What is at `path`: a folder, something else, or nothing (ENOTDIR: a file sits higher up the path). */
function kindAt(path: string): 'folder' | 'other' | 'none' {
  try {
    return statSync(path).isDirectory() ? 'folder' : 'other';
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return 'none';
    throw err;
  }
}

/**
 * Creates `folder` and its missing parents, one level at a time. Not `mkdirSync(…, { recursive: true })`:
 * on Node 20 that loops for ever, synchronously, under a folder of /proc (nothing else then runs, not
 * even a start-up deadline), and under a regular file it answers a bare ENOTDIR or EEXIST.
 */
export function createFolder(folder: string): void {
  const target = resolve(folder);
  const missing: string[] = [];
  let at = target;
  for (;;) {
    const kind = kindAt(at);
    if (kind === 'folder') break;
    if (kind === 'other') {
      const message = at === target ? `${at} is a file, not a folder` : `${at} is a file, not a folder, so ${target} cannot be created under it`;
      throw new FolderNotCreatedError(target, at, undefined, message);
    }
    missing.unshift(at);
    const parent = dirname(at);
    if (parent === at) break;
    at = parent;
  }
  for (const path of missing) {
    try {
      mkdirSync(path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // Another process made it between the look and the mkdir: as good as made here.
      if (code === 'EEXIST' && kindAt(path) === 'folder') continue;
      throw new FolderNotCreatedError(target, undefined, code, `${target} cannot be created (${code ?? 'error'} at ${path})`);
    }
  }
}
