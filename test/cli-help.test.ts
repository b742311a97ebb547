import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigSchema, loadConfig } from '../src/config.js';

const run = promisify(execFile);

describe('npm start -- --help', () => {
  it('prints the modes and every variable of src/config.ts with its default, and exits 0', async () => {
    // An invalid configuration must not stand in the way of reading the help.
    const { stdout, stderr } = await run('npm', ['start', '--silent', '--', '--help'], { env: { ...process.env, BACKEND: 'nonsense' } });
    expect(stderr).toBe('');
    expect(stdout).toMatch(/^Modes, chosen by the environment:$/m);
    for (const mode of ['shell', 'slack', 'discord']) expect(stdout).toMatch(new RegExp(`^  ${mode} +\\S`, 'm'));

    const listed = [...stdout.matchAll(/^ {2}([A-Z][A-Z0-9_]+) {2,}/gm)].map((m) => m[1]);
    expect(listed).toEqual(Object.keys(ConfigSchema.shape));
    for (const [name, value] of Object.entries(loadConfig({}))) {
      if (typeof value !== 'string' && typeof value !== 'number') continue;
      const line = stdout.split('\n').find((l) => l.startsWith(`  ${name} `));
      expect(line, name).toContain(`default ${value}`);
    }
    expect(stdout).toMatch(/^ {2}BACKEND +.*\(local \| twcc; default local\)$/m);
  });

  it('refuses an argument it does not know, pointing at --help', async () => {
    const failed = await run('npm', ['start', '--silent', '--', '--port', '80']).catch((e: { code: number; stdout: string; stderr: string }) => e);
    expect(failed).toMatchObject({ code: 1, stdout: '' });
    expect((failed as { stderr: string }).stderr).toContain('unknown argument --port: the bot is configured by environment variables (npm start -- --help)');
  });
});
