import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createShellAdapter, type ShellAdapter } from '../../../adapters/shell/index.js';
import { LocalRegistry } from '../../../src/backends/local/registry.js';
import { Core } from '../../../src/core/core.js';
import type { Sweeper } from '../../../src/core/sweeper.js';
import { allFeatures } from '../../../src/features/index.js';
import type { SweepReport } from '../../../src/features/reminders/sweep.js';
import { openStore, type Store } from '../../../src/store/index.js';

let dir: string;
let store: Store;
let core: Core;
let shell: ShellAdapter;
let input: PassThrough;
let output: string;

/** A shell at a terminal (`interactive`, so it shows prompts) on a fresh store, with alice a member and bob a second admin. */
async function startShell(): Promise<void> {
  dir = mkdtempSync(join(tmpdir(), 'chatops-shell-buttons-'));
  store = await openStore(`sqlite://${join(dir, 'bot.sqlite')}`);
  core = new Core({ features: allFeatures({ reminderDays: [90] }), store, backend: new LocalRegistry(store), admins: ['local:admin'] });
  input = new PassThrough();
  output = '';
  const sink = new PassThrough();
  sink.on('data', (d: Buffer) => (output += d.toString('utf8')));
  shell = createShellAdapter({ core, firstStart: false, input, output: sink as unknown as NodeJS.WriteStream, interactive: true, backend: { name: 'local', project: 'LOCAL' } });
  core.registerAdapter(shell);
  await shell.start();
  await types('/tenant link @alice alice', 'Linked @alice');
  await types('/tenant link @bob bob admin', 'Linked @bob');
}

afterEach(async () => {
  input.end();
  await shell.closed;
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Waits, a condition at a time, until the terminal shows `expected` after `from`. */
async function shows(expected: string, from: number): Promise<string> {
  for (let i = 0; i < 1000 && !output.slice(from).includes(expected); i++) await sleep(10);
  expect(output.slice(from)).toContain(expected);
  return output.slice(from);
}

/** Types a line at the prompt and waits until the terminal shows `expected` and the next prompt. */
async function types(line: string, expected: string): Promise<string> {
  const before = output.length;
  input.write(`${line}\n`);
  await shows(expected, before);
  return shows('> ', output.indexOf(expected, before));
}

describe('a typed number clicks only the buttons of the card just shown', () => {
  beforeEach(startShell);

  it('after another command (a refused delete), `1` clicks nothing: not the earlier approval card', async () => {
    await types('/as alice', 'You are now local:alice.');
    await types('/quota request vcs gpu=2 for training', '[1] Approve  [2] Reject');
    await types('/apikey delete k-000000', 'k-000000');
    const answer = await types('1', 'There is no button to click.');
    expect(answer).not.toMatch(/approve|Approved|Rejected/);
    await types('/as admin', 'You are now local:admin.');
    // The request still waits: nothing was clicked.
    await types('/quota pending', 'gpu 1 → 2');
  });

  it('a card edited in place by its click has no buttons left: another user’s `1` does not press it again', async () => {
    await types('/as alice', 'You are now local:alice.');
    await types('/apikey create', 'New API key');
    const id = /New API key `(k-[0-9a-f]{6})`/.exec(output)![1]!;
    await types(`/apikey delete ${id}`, '[1] Delete  [2] Cancel');
    await types('1', `Deleted \`${id}\`.`);
    await types('/as admin', 'You are now local:admin.');
    await types('1', 'There is no button to click.');
  });

  it('only `/as` may come between a card and its click: the tour’s `/as bob`, `1` still approves', async () => {
    await types('/quota set @alice vcs gpu=2', '[1] Approve  [2] Reject');
    // The requester's own click is refused, and the card keeps its buttons for another admin.
    await types('1', 'another tenant admin has to approve or reject it');
    await types('/as bob', 'You are now local:bob.');
    await types('1', 'Approved by @bob and applied.');
  });

  it('`/as` with a name that cannot be one says why', async () => {
    await types('/as 😀', '`😀` cannot be a chat name: a name starts with a letter or digit');
  });
});

describe('a notice that arrives while the prompt waits', () => {
  let sweeper: Sweeper<SweepReport>;
  beforeEach(async () => {
    await startShell();
    sweeper = core.sweeper<SweepReport>('reminder', { intervalMs: 60_000 });
  });
  afterEach(() => sweeper.stop());

  it('is printed on a line of its own and followed by a fresh prompt', async () => {
    await types('/as alice', 'You are now local:alice.');
    await types('/apikey create', 'New API key');
    expect(output.endsWith('alice> ')).toBe(true);
    const before = output.length;
    expect((await sweeper.runOnce())?.sent).toBe(1);
    const notice = output.slice(before);
    expect(notice).toMatch(/^\n\(private to alice\)\n {2}Your API key `k-[0-9a-f]{6}` expires/);
    expect(notice.endsWith('[1] Extend 90 days  [2] Not now\nalice> ')).toBe(true);
  });

  it('gets no prompt after it once the shell has closed', async () => {
    await types('/as alice', 'You are now local:alice.');
    await types('/apikey create', 'New API key');
    input.end();
    await shell.closed;
    expect((await sweeper.runOnce())?.sent).toBe(1);
    expect(output).toMatch(/\[1\] Extend 90 days {2}\[2\] Not now\n$/);
  });

  it('in Traditional Chinese, the notice says who alone sees it: （僅 alice 看得到）', async () => {
    await types('/as alice', 'You are now local:alice.');
    await types('/tenant lang zh-TW', '繁體中文');
    await types('/apikey create', '`k-');
    const before = output.length;
    expect((await sweeper.runOnce())?.sent).toBe(1);
    expect(output.slice(before)).toMatch(/^\n（僅 alice 看得到）\n {2}你的 API 金鑰/);
  });
});
