import { dirname, resolve } from 'node:path';
import { createFolder, FolderNotCreatedError } from '../store/create-folder.js';
import { sqlitePath } from '../store/index.js';
import { startupError } from './problem.js';

/**
 * Creates the folder of a `sqlite://` STORE_URL before anything writes there (the shell's log file
 * goes beside the SQLite file), so that a path under a regular file, or where no folder can be made
 * (`/proc/…`), stops the start naming STORE_URL instead of a bare ENOTDIR or a silent hang.
 * Other stores have no folder: nothing to do.
 */
export function prepareSqliteFolder(storeUrl: string): void {
  const path = sqlitePath(storeUrl);
  if (path === undefined || path === '' || path === ':memory:') return;
  const folder = dirname(resolve(path));
  try {
    createFolder(folder);
  } catch (err) {
    if (!(err instanceof FolderNotCreatedError)) throw err;
    const fix = 'point STORE_URL at a file in a folder the bot may create and write, e.g. sqlite://./data/twcc-chatops.sqlite';
    throw startupError('STORE_URL', `the SQLite file's folder cannot be made: ${err.message}; ${fix}`);
  }
}
