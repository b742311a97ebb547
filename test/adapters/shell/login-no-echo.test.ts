import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startFakeTwcc, type FakeTwcc } from '../../fakes/twcc.js';

/**
 * A real pseudo-terminal between the test and the bot: Python's `pty.fork` runs `node dist/src/main.js`
 * on the pty's slave side, and this relay copies the test's pipe to the master (what a person types)
 * and the master to the test (what the terminal shows, its own echo included).
 */
const RELAY = `
import os, pty, select, sys
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
watched = [0, fd]
while True:
    ready, _, _ = select.select(watched, [], [])
    if fd in ready:
        try:
            data = os.read(fd, 4096)
        except OSError:
            break
        if not data:
            break
        os.write(1, data)
    if 0 in ready:
        data = os.read(0, 4096)
        if data:
            os.write(fd, data)
        else:
            watched.remove(0)
            os.write(fd, b'\\x04')
_, status = os.waitpid(pid, 0)
sys.exit(os.waitstatus_to_exitcode(status))
`;

let fake: FakeTwcc;
const dir = mkdtempSync(join(tmpdir(), 'chatops-shell-pty-'));
beforeAll(async () => {
  if (spawnSync('python3', ['--version']).status !== 0) throw new Error('this test needs python3 (for its pty module): apt-get install python3');
  fake = await startFakeTwcc();
});
afterAll(async () => {
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

it('at a real terminal, the TWCC key typed after `/tenant login` is never echoed; what follows is echoed again', async () => {
  const env: NodeJS.ProcessEnv = { ...process.env, STORE_URL: `sqlite://${join(dir, 'store.sqlite')}`, BACKEND: 'twcc', TWCC_API_URL: fake.url, TWCC_PROJECT: fake.project.name, TERM: 'dumb' };
  for (const k of ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_APP_TOKEN', 'DISCORD_TOKEN', 'DISCORD_APPLICATION_ID', 'LOG_LEVEL', 'LOG_FILE', 'LOG_FORMAT', 'ENCRYPTION_KEY']) delete env[k];
  const child: ChildProcessWithoutNullStreams = spawn('python3', ['-c', RELAY, process.execPath, 'dist/src/main.js'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let screen = '';
  child.stdout.on('data', (d: Buffer) => (screen += d.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const showsAfter = async (from: number, expected: string | RegExp) => {
    const seen = () => (typeof expected === 'string' ? screen.slice(from).includes(expected) : expected.test(screen.slice(from)));
    for (let i = 0; i < 3000 && !seen(); i++) await sleep(10);
    expect(screen.slice(from)).toMatch(expected);
  };
  // Keys are pressed as a terminal sends them: Enter is a carriage return.
  const press = (keys: string) => {
    const from = screen.length;
    child.stdin.write(keys);
    return from;
  };

  const alice = fake.users.alice!;
  await showsAfter(0, 'admin> ');
  await showsAfter(press('/tenant login\r'), '(the next line you type is taken as the key):');
  const keyTypedAt = press(`${alice.apiKey}\r`);
  await showsAfter(keyTypedAt, `linked to TWCC user \`${alice.username}\``);
  await showsAfter(press('/tenant whoami\r'), /Role: user/);
  child.stdin.end();
  expect(await exited).toBe(0);

  // The terminal echoed the commands, so this test would see an echoed key too.
  expect(screen).toContain('/tenant whoami');
  expect(screen).not.toContain(alice.apiKey);
  expect(screen).not.toContain(alice.apiKey.slice(0, 8));
}, 60_000);
