import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { afterEach, expect, it } from 'vitest';
import { COLLECTIONS } from '../../src/store/port.js';
import { TestBot } from '../helpers/test-bot.js';
import { redisUrl } from '../helpers/services.js';
import { compiledScript } from '../helpers/built.js';

/** Two bot processes on one Redis, each told to click at the same moment (issue 10, finding 1). */
const REDIS = redisUrl();
const ROUNDS = 20;

interface Replica {
  child: ChildProcess;
  /** Sends one request; resolves with the bot's answer. */
  ask(request: { user: string; click?: string; say?: string }): Promise<string>;
}

function startReplica(prefix: string): Promise<Replica> {
  const child = spawn(process.execPath, [compiledScript('test/helpers/replica-process.ts')], {
    env: { PATH: process.env.PATH ?? '', STORE_URL: REDIS, STORE_PREFIX: prefix },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const answers: ((line: string) => void)[] = [];
  let ready: () => void;
  const started = new Promise<void>((done, failed) => {
    ready = done;
    child.once('exit', (code) => failed(new Error(`replica exited with ${code} before it was ready`)));
  });
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const message = JSON.parse(line) as { ready?: true; text?: string };
    if (message.ready) ready();
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

it(`two bot processes on Redis approving a cpu and a gpu request of one member at once both apply (${ROUNDS} rounds)`, async () => {
  const prefix = `race-proc-${randomBytes(4).toString('hex')}:`;
  // Alice asks through a third replica (this test's); boss decides through the two processes.
  bot = await TestBot.start({ storeUrl: REDIS, prefix, admins: ['local:admin', 'local:boss'] });
  const [east, west] = await Promise.all([startReplica(prefix), startReplica(prefix)]);
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
