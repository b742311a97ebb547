import { buildSync } from 'esbuild';
import { existsSync, mkdirSync, readdirSync, renameSync, statSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';

/**
 * A compiled entry point under dist/ (`npm test` builds first, in `pretest`), for tests that run the
 * bot as a process: `node dist/…` starts in a fraction of tsx's time on a loaded machine, and a
 * signal reaches the bot itself rather than a wrapper that exits 143.
 */
export function built(path: string): string {
  const file = resolve('dist', path);
  if (!existsSync(file)) throw new Error(`${file} is missing: run npm run build (npm test does it first)`);
  // `npx vitest run <file>` skips npm test's build: a source edited since would not be what runs.
  const newer = newestSource();
  if (newer && newer.mtimeMs > statSync(file).mtimeMs) throw new Error(`${newer.path} is newer than ${file}: run npm run build (npm test does it first)`);
  return file;
}

let newestSourceSeen: { path: string; mtimeMs: number } | undefined | null = null;

/** The most recently changed .ts file under src/ and adapters/ (what dist/ is compiled from), once per test process. */
function newestSource(): { path: string; mtimeMs: number } | undefined {
  if (newestSourceSeen !== null) return newestSourceSeen;
  let newest: { path: string; mtimeMs: number } | undefined;
  for (const root of ['src', 'adapters']) {
    for (const entry of readdirSync(resolve(root), { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
      const path = resolve(entry.parentPath, entry.name);
      const { mtimeMs } = statSync(path);
      if (!newest || mtimeMs > newest.mtimeMs) newest = { path, mtimeMs };
    }
  }
  return (newestSourceSeen = newest);
}

const compiledScripts = new Map<string, string>();

/**
 * A test's own child script (TypeScript under test/, e.g. a replica that drives a TestBot), compiled
 * once per test process into one plain JavaScript file for `node`: the same reasons as `built`, for
 * code that dist/ does not have. Packages stay imports (so the file lives under node_modules/.cache,
 * where node finds them); the project's own modules are compiled in.
 */
export function compiledScript(script: string): string {
  const source = resolve(script);
  let out = compiledScripts.get(source);
  if (out) return out;
  out = resolve('node_modules/.cache/twcc-chatops-test', relative(resolve('.'), source).replace(/\.ts$/, '.mjs'));
  mkdirSync(dirname(out), { recursive: true });
  // Written aside and renamed: two test processes compiling the same script never read half a file.
  const writing = `${out}.${process.pid}.tmp`;
  buildSync({ entryPoints: [source], outfile: writing, bundle: true, packages: 'external', platform: 'node', format: 'esm', target: 'node20', logLevel: 'error' });
  renameSync(writing, out);
  compiledScripts.set(source, out);
  return out;
}
