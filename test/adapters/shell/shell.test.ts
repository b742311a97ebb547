import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { npmStartPiped } from '../../helpers/npm-start.js';
import { built } from '../../helpers/built.js';

const dir = mkdtempSync(join(tmpdir(), 'chatops-shell-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `printf '…' | npm start`, exactly as a person would script it. */
const npmStart = (input: string, storeFile: string) => npmStartPiped(input, { STORE_URL: `sqlite://${storeFile}` });

describe('the shell adapter through a pipe', () => {
  it('creates a key for the first-start admin', async () => {
    const { code, out } = await npmStart('/apikey create\n', join(dir, 'a.sqlite'));
    expect(code).toBe(0);
    expect(out).toContain('You are local:admin, a tenant admin.');
    expect(out).toMatch(/New API key `k-[0-9a-f]{6}` created\. Copy the secret now/);
    expect(out).toMatch(/`twcc_[A-Za-z0-9_-]{32}`/);
  });

  it('runs the whole story: link, create, list, extend, delete after the click, quota set approved by a second admin', async () => {
    const script = [
      '/tenant link @alice alice',
      '/tenant link @bob bob admin',
      '/as alice',
      '/apikey create',
      '/apikey list',
      '/apikey extend KEY 30',
      '/apikey delete KEY',
      '1',
      '/apikey list',
      '/as admin',
      '/quota set @alice vcs gpu=2 memory=64G',
      '1',
      '/as bob',
      '1',
      '/quota show vcs @alice',
    ];
    // Key ids are random: run the first half, read the id, then run the rest on the same store.
    const store = join(dir, 'story.sqlite');
    const first = await npmStart(script.slice(0, 5).join('\n') + '\n', store);
    const keyId = /New API key `(k-[0-9a-f]{6})`/.exec(first.out)![1]!;
    expect(first.out).toContain('Linked @alice to member `alice` as user.');
    expect(first.out).toContain(`${keyId}  twcc_`);
    const second = await npmStart(['/as alice', ...script.slice(5)].join('\n').replaceAll('KEY', keyId) + '\n', store);
    expect(second.code).toBe(0);
    const out = second.out;
    expect(out).toContain('twcc-chatops shell: you are local:admin.');
    expect(out).toMatch(new RegExp(`Key \`${keyId}\` now expires .*\\(in 120 days\\)`));
    expect(out).toContain(`Delete 1 API key: \`${keyId}\``);
    expect(out).toContain('[1] Delete  [2] Cancel');
    expect(out).toContain(`Deleted \`${keyId}\`.`);
    expect(out).toContain('You have no API keys.');
    expect(out).toContain('#approvals:\n  @admin asks to set @alice’s VCS quota: gpu 1 → 2, memory 32G → 64G.');
    expect(out).toContain('You asked for this change: another tenant admin has to approve or reject it.');
    expect(out).toContain('Approved by @bob and applied.');
    expect(out).toMatch(/alice\s+0 \/ 8\s+0 \/ 2\s+0M \/ 64G/);
    // Slack's *bold* marks are dropped in a terminal.
    expect(out).toContain('\nVCS project: cpu 0 / 256');
  });
});

describe('the shell takes lines as people type them', () => {
  it('command names in any case, names in any script, and a pasted 200 KB line not echoed back', async () => {
    const huge = `/apikey list ${'x'.repeat(200_000)}`;
    const script = ['/APIKEY list', '/Apikey LIST', '/as 陳大文', '/tenant whoami', '/as @José', '/tenant whoami', huge, `/${'y'.repeat(300)}`];
    const { code, out } = await npmStart(script.join('\n') + '\n', join(dir, 'typed.sqlite'));
    expect(code).toBe(0);
    expect(out.match(/You have no API keys\. `\/apikey create` makes one\./g)).toHaveLength(2);
    expect(out).toContain('You are now local:陳大文.');
    expect(out).toContain('You (local:陳大文) are not linked to a tenant member.');
    expect(out).toContain('You are now local:José.');
    expect(out).toContain('That line is 200013 characters long; a command is at most 4000. Nothing was run.');
    expect(out).toContain(`\`/${'y'.repeat(39)}…\` is not a command.`);
    expect(out).not.toContain('x'.repeat(100));
    expect(out.length).toBeLessThan(5_000);
  });
});

describe('process', () => {
  it('SIGTERM ends the whole process promptly', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, STORE_URL: `sqlite://${join(dir, 'term.sqlite')}` };
    for (const k of ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'DISCORD_TOKEN', 'DISCORD_APPLICATION_ID']) delete env[k];
    const child = spawn(process.execPath, [built('src/main.js')], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    // Wait until the shell greets, with stdin still open: it is idle at its prompt.
    await new Promise<void>((resolve) => child.stdout.on('data', () => out.includes('/help') && resolve()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    child.kill('SIGTERM');
    // Exit code 0 means our handler ran (a default SIGTERM death has code null and a signal).
    expect(await exited).toEqual({ code: 0, signal: null });
  });
});
