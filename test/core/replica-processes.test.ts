import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { COLLECTIONS } from '../../src/store/port.js';
import { TestBot } from '../helpers/test-bot.js';
import { postgresUrl, redisUrl } from '../helpers/services.js';
import { compiledScript } from '../helpers/built.js';

/** Bot processes on one shared store, each told to click at the same moment (issue 10, finding 1; issue 20). */
const ROUNDS = 20;

interface Replica {
  child: ChildProcess;
  /** Sends one request; resolves with the bot's answer. */
  ask(request: { user: string; click?: string; say?: string }): Promise<string>;
}

function startReplica(url: string, prefix: string, env: Record<string, string> = {}, onHang?: () => void): Promise<Replica> {
  // Compiled and run on node itself (no tsx wrapper around a second process): a SIGKILL kills the replica itself.
  const child = spawn(process.execPath, [compiledScript('test/helpers/replica-process.ts')], {
    env: { PATH: process.env.PATH ?? '', STORE_URL: url, STORE_PREFIX: prefix, ...env },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const answers: ((line: string) => void)[] = [];
  let ready: () => void;
  const started = new Promise<void>((done, failed) => {
    ready = done;
    child.once('exit', (code) => failed(new Error(`replica exited with ${code} before it was ready`)));
  });
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const message = JSON.parse(line) as { ready?: true; hanging?: true; text?: string };
    if (message.ready) ready();
    else if (message.hanging) onHang?.();
    else answers.shift()?.(message.text ?? '');
  });
  const replica: Replica = {
    child,
    ask: (request) =>
      new Promise((answered) => {
        answers.push(answered);
        child.stdin!.write(`${JSON.stringify(request)}\n`);
      }),
  };
  return started.then(() => replica);
}

let children: ChildProcess[] = [];
let bot: TestBot | undefined;
afterEach(async () => {
  for (const c of children) c.kill();
  children = [];
  if (bot) for (const name of COLLECTIONS) await bot.store.collection(name).clear();
  await bot?.stop();
  bot = undefined;
});

describe.each([
  ['Redis', () => redisUrl()],
  ['PostgreSQL', () => postgresUrl()],
] as const)('replicas on %s', (name, url) => {
  it(`two bot processes on ${name} approving a cpu and a gpu request of one member at once both apply (${ROUNDS} rounds)`, async () => {
    const prefix = `race_${randomBytes(4).toString('hex')}_`;
    // Alice asks through a third replica (this test's); boss decides through the two processes.
    bot = await TestBot.start({ storeUrl: url(), prefix, admins: ['local:admin', 'local:boss'] });
    const [east, west] = await Promise.all([startReplica(url(), prefix), startReplica(url(), prefix)]);
    children = [east.child, west.child];
    await bot.say('admin', '/tenant link @alice alice');
    for (let round = 1; round <= ROUNDS; round++) {
      const cpu = 8 + round;
      const gpu = 1 + round;
      await bot.say('alice', `/quota request vcs cpu=${cpu} round ${round}`);
      await bot.say('alice', `/quota request vcs gpu=${gpu} round ${round}`);
      const [approveCpu, approveGpu] = bot.buttons('Approve').slice(-2);
      const answers = await Promise.all([east.ask({ user: 'boss', click: approveCpu!.id }), west.ask({ user: 'boss', click: approveGpu!.id })]);
      for (const a of answers) expect(a).toContain('Approved by @boss and applied.');
      expect((await bot.say('alice', '/quota show vcs')).text, `round ${round}`).toMatch(new RegExp(`alice\\s+0 / ${cpu}\\s+0 / ${gpu}\\s`));
    }
  }, 120_000);

  it(`an approval whose replica dies in the middle of applying it on ${name} is finished by a later click on another replica`, async () => {
    const prefix = `crash_${randomBytes(4).toString('hex')}_`;
    bot = await TestBot.start({ storeUrl: url(), prefix, admins: ['local:admin', 'local:boss'], decisionLeaseMs: 300 });
    let hung: () => void;
    const hanging = new Promise<void>((done) => (hung = done));
    // This replica's quota write never returns: it is killed there, holding the decision's claim.
    const dying = await startReplica(url(), prefix, { HANG_SET_QUOTA: '1', DECISION_LEASE_MS: '300' }, () => hung());
    children = [dying.child];
    await bot.say('admin', '/tenant link @alice alice');
    await bot.say('alice', '/quota request vcs gpu=4 crash in the middle');
    const approve = bot.button('Approve');
    void dying.ask({ user: 'boss', click: approve.id });
    await hanging;
    dying.child.kill('SIGKILL');

    // Its claim is no longer renewed: a click here finishes the decision once it has expired. (Before, the
    // claim lived as long as the record, 9 days, and every click said "already handled".)
    const giveUp = Date.now() + 30_000;
    let said = (await bot.clickId(approve.id, 'boss')).text;
    while (said === 'This has already been handled.' && Date.now() < giveUp) {
      await new Promise((r) => setTimeout(r, 100));
      said = (await bot.clickId(approve.id, 'boss')).text;
    }
    expect(said).toContain('Approved by @boss and applied.');
    expect((await bot.say('alice', '/quota show vcs')).text).toMatch(/alice\s+0 \/ \d+\s+0 \/ 4\s/);
    expect((await bot.clickId(approve.id, 'admin')).text).toBe('This has already been handled.');
  }, 60_000);
});
