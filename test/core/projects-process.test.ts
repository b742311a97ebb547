import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { npmStartPiped } from '../helpers/npm-start.js';

const dir = mkdtempSync(join(tmpdir(), 'chatops-projects-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm start with LOCAL_PROJECTS=LAB1,LAB2 (the shell)', () => {
  it('serves both projects from one process: the first-start admin names one, binds the terminal, and each keeps its own keys', async () => {
    const script = [
      '/apikey list',
      '/apikey create --project LAB2',
      '/apikey list --project LAB1',
      '/tenant project bind LAB2',
      '/tenant project',
      '/apikey list',
    ];
    const { code, out } = await npmStartPiped(`${script.join('\n')}\n`, { STORE_URL: `sqlite://${join(dir, 'bot.sqlite')}`, LOCAL_PROJECTS: 'LAB1,LAB2' });
    expect(code).toBe(0);
    // ADMINS (here the shell's local:admin) without a project: an admin of both, so the project must be named.
    expect(out).toContain('This bot serves several projects (LAB1, LAB2), and none applies here');
    const keyId = /New API key `(k-[0-9a-f]{6})`/.exec(out)![1]!;
    expect(out).toContain('You have no API keys. `/apikey create` makes one.\nProject: LAB1');
    expect(out).toContain('Bound this channel to project LAB2: commands here act on LAB2.');
    expect(out).toMatch(/Project LAB2 applies here: this channel is bound to it/);
    expect(out.slice(out.lastIndexOf('applies here'))).toContain(keyId);
  }, 60_000);
});
