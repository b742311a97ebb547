import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeTwcc, type FakeTwcc } from '../../fakes/twcc.js';
import { npmStartPiped } from '../../helpers/npm-start.js';

let fake: FakeTwcc;
const dir = mkdtempSync(join(tmpdir(), 'chatops-shell-twcc-'));
beforeAll(async () => {
  fake = await startFakeTwcc();
});
afterAll(async () => {
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

/** `printf '…' | npm start` with BACKEND=twcc against the fake TWCC gateway. */
const npmStart = (input: string, extraEnv: NodeJS.ProcessEnv = {}) =>
  npmStartPiped(input, {
    STORE_URL: `sqlite://${join(dir, 'store.sqlite')}`,
    BACKEND: 'twcc',
    TWCC_API_URL: fake.url,
    TWCC_PROJECT: fake.project.name,
    ...extraEnv,
  });

describe('the shell on BACKEND=twcc', () => {
  it('greets truthfully, logs in, and keeps the TWCC client’s warnings in the log file, out of the conversation', async () => {
    // The first TWCC call answers 503: the client retries and logs a warning.
    fake.failNext(503, 1);
    const alice = fake.users.alice!;
    const { code, out, err } = await npmStart(['/tenant whoami', '/tenant login', alice.apiKey, '/tenant whoami'].join('\n') + '\n');

    expect(code).toBe(0);
    expect(out).toContain('twcc-chatops shell, on the TWCC API (project GOV108009). You are local:admin, not linked to a TWCC member yet.');
    expect(out).toContain('Run `/tenant login`, then paste your own TWCC API key');
    expect(out).not.toContain('embedded registry');
    expect(out).not.toContain('tenant admin');
    expect(out).toContain(`You are linked to TWCC user \`${alice.username}\` as a tenant user.`);
    expect(out).toMatch(/Member: u_alice\w*\nRole: user\nBackend: TWCC/);
    // Nothing but the conversation on the terminal.
    expect(out).not.toContain('{"level"');
    expect(err).toBe('');
    // The warning is in the data folder's log file, as JSON, without the key that was pasted.
    const log = readFileSync(join(dir, 'twcc-chatops.log'), 'utf8');
    const warning = log.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { level: number; msg: string }).find((l) => l.msg === 'twcc call failed, retrying');
    expect(warning?.level).toBe(40);
    expect(log).not.toContain(alice.apiKey);
  });

  it('LOG_FILE and LOG_FORMAT=pretty: readable lines in the file the user chose', async () => {
    fake.failNext(503, 1);
    const file = join(dir, 'logs', 'pretty.log');
    const { code, out, err } = await npmStart('/apikey list\n', { LOG_FILE: file, LOG_FORMAT: 'pretty' });
    expect(code).toBe(0);
    expect(out).toContain('twcc-chatops shell: you are local:admin.');
    expect(err).toBe('');
    const log = readFileSync(file, 'utf8');
    expect(log).toMatch(/WARN.*twcc call failed, retrying/);
    expect(log).not.toContain('{"level"');
    expect(existsSync(join(dir, 'twcc-chatops.log'))).toBe(true);
  });
});
