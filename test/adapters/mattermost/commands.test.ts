import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { buildCommands } from '../../../adapters/mattermost/commands.js';
import { commandSpecs } from '../../../src/features/index.js';
import { BOT_TOKEN, startFakeMattermost, type FakeMattermost } from '../../fakes/mattermost.js';
import { built } from '../../helpers/built.js';

const run = promisify(execFile);
let fake: FakeMattermost | undefined;
let dir: string | undefined;

afterEach(async () => {
  await fake?.stop();
  fake = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** The tool as an operator runs it, in an empty folder (no .env), with only these variables. */
const tool = (args: string[], env: Record<string, string>) =>
  run('node', [built('adapters/mattermost/commands.js'), ...args], { cwd: (dir ??= mkdtempSync(join(tmpdir(), 'mm-commands-'))), env: { PATH: process.env.PATH ?? '', ...env } });

describe('npm run mattermost:commands', () => {
  it('builds one POST slash command per spec, to the bot’s /mattermost/commands', () => {
    const commands = buildCommands(commandSpecs(), 'https://chatops.example.org', 'team1');
    expect(commands.map((c) => [c.trigger, c.method, c.url, c.team_id])).toEqual([
      ['apikey', 'P', 'https://chatops.example.org/mattermost/commands', 'team1'],
      ['quota', 'P', 'https://chatops.example.org/mattermost/commands', 'team1'],
      ['tenant', 'P', 'https://chatops.example.org/mattermost/commands', 'team1'],
    ]);
    for (const c of commands) expect(c).toMatchObject({ auto_complete: true, auto_complete_hint: expect.stringMatching(/\S/), description: expect.stringMatching(/\S/) });
  });

  it('--print shows what to enter in System Console → Integrations, with no token', async () => {
    const { stdout } = await tool(['--print'], { MATTERMOST_BOT_URL: 'https://chatops.example.org' });
    expect(stdout).toMatch(/^\/apikey\n {2}Title: +twcc-chatops apikey\n/);
    expect(stdout).toContain('  Request URL:              https://chatops.example.org/mattermost/commands');
    expect(stdout).toContain('/tenant\n');
    expect(stdout).toContain('MATTERMOST_COMMAND_TOKENS');
  });

  it('--create makes the three commands through POST /api/v4/commands and prints their tokens for MATTERMOST_COMMAND_TOKENS', async () => {
    fake = await startFakeMattermost();
    const { stdout } = await tool(['--create', '--team', 'team1'], { MATTERMOST_URL: fake.url, MATTERMOST_BOT_TOKEN: BOT_TOKEN, MATTERMOST_BOT_URL: 'https://chatops.example.org' });
    expect(fake.callsTo('POST', '/commands').map((c) => (c.body as { trigger: string }).trigger)).toEqual(['apikey', 'quota', 'tenant']);
    expect(fake.callsTo('POST', '/commands').every((c) => c.token === BOT_TOKEN)).toBe(true);
    expect(stdout).toBe('Created /apikey, /quota, /tenant.\nMATTERMOST_COMMAND_TOKENS=tok-apikey,tok-quota,tok-tenant\n');
  });

  it('--create without --team says what is missing', async () => {
    const failed = await tool(['--create'], { MATTERMOST_BOT_URL: 'https://chatops.example.org' }).catch((e: { code: number; stderr: string }) => e);
    expect(failed).toMatchObject({ code: 1, stderr: 'mattermost:commands failed: --create needs --team <team id>\n' });
  });
});
