import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, test } from 'vitest';
import { buildCommands } from '../adapters/discord/commands.js';
import { commandSpecs } from '../src/features/index.js';

/**
 * The set-up tools an operator runs (issue 25): compiled JavaScript run by `node` from the `dist/`
 * that `npm ci` builds, so that they work with the dev dependencies pruned; and the commands the
 * README shows give what it says they give.
 */
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const buildConfig = JSON.parse(readFileSync('tsconfig.build.json', 'utf8')) as { include: string[] };
const readme = readFileSync('README.md', 'utf8');

const temps: string[] = [];
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Every .ts file under `dir`. */
const sourcesUnder = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourcesUnder(path) : path.endsWith('.ts') ? [path] : [];
  });

describe('the set-up scripts run compiled JavaScript, not a TypeScript loader', () => {
  test.each(['discord:register', 'slack:manifest'])('npm run %s runs node on a file tsconfig.build.json compiles', (script) => {
    const command = pkg.scripts[script]!;
    const target = /(?:^|&& )node (dist\/(\S+)\.js)/.exec(command);
    expect(target, command).not.toBeNull();
    expect(command).not.toMatch(/\btsx\b/);
    const source = `${target![2]}.ts`;
    expect(statSync(source).isFile()).toBe(true);
    expect(buildConfig.include.some((folder) => source.startsWith(`${folder}/`))).toBe(true);
  });

  test('tsx is a dev tool only: not a dependency, and nothing that runs in production imports it', () => {
    expect(pkg.dependencies).not.toHaveProperty('tsx');
    expect(pkg.devDependencies).toHaveProperty('tsx');
    for (const folder of buildConfig.include) {
      for (const file of sourcesUnder(folder)) expect(readFileSync(file, 'utf8'), file).not.toMatch(/from 'tsx|import\('tsx|--import tsx/);
    }
    // npm start, and every script an operator is told to run, work without it.
    for (const script of ['start', 'discord:register']) expect(pkg.scripts[script]).not.toMatch(/\btsx\b/);
  });
});

describe('installing without the dev dependencies', () => {
  test('`npm ci --omit=dev` stops at the build with the command that works, not a bare `tsc: not found`', async () => {
    // What `npm ci --omit=dev` leaves when `prepare` runs: the project's package.json, no TypeScript.
    const dir = mkdtempSync(join(tmpdir(), 'chatops-omit-dev-'));
    temps.push(dir);
    copyFileSync('package.json', join(dir, 'package.json'));

    const failed = await promisify(execFile)('npm', ['run', 'prepare'], { cwd: dir, env: { PATH: process.env.PATH ?? '' } }).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => e,
    );

    expect(failed.code).not.toBe(0);
    expect(failed.stderr).toContain('Install with: npm ci && npm prune --omit=dev (not npm ci --omit=dev).');
  });
});

describe('the Discord command JSON, written as the README shows', () => {
  test('the README writes it with --out, and that command leaves valid JSON in the file (no npm banner)', async () => {
    const shown = /npm run discord:register -- --print --out (\S+)/.exec(readme);
    expect(shown, 'the README shows `npm run discord:register -- --print --out <file>`').not.toBeNull();
    const dir = mkdtempSync(join(tmpdir(), 'chatops-register-out-'));
    temps.push(dir);
    const file = join(dir, shown![1]!.replace(/`$/, ''));

    // Exactly as typed, without -s: npm's `> twcc-chatops@… discord:register` banner goes to stdout.
    const { stdout } = await promisify(execFile)('npm', ['run', 'discord:register', '--', '--print', '--out', file], { env: { PATH: process.env.PATH ?? '' } });

    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(JSON.parse(JSON.stringify(buildCommands(commandSpecs()))));
    expect(stdout).toContain(`Wrote /apikey, /quota, /tenant to ${file}.`);
  });
});
