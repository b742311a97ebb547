import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * A compiled entry point under dist/ (`npm test` builds first, in `pretest`), for tests that run the
 * bot as a process: `node dist/…` starts in a fraction of tsx's time on a loaded machine, and a
 * signal reaches the bot itself rather than a wrapper that exits 143.
 */
export function built(path: string): string {
  const file = resolve('dist', path);
  if (!existsSync(file)) throw new Error(`${file} is missing: run npm run build (npm test does it first)`);
  return file;
}
