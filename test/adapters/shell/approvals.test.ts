import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, expect, it } from 'vitest';
import { createShellAdapter, type ShellAdapter } from '../../../adapters/shell/index.js';
import { LocalRegistry } from '../../../src/backends/local/registry.js';
import { loadConfig } from '../../../src/config.js';
import { Core } from '../../../src/core/core.js';
import type { Sweeper } from '../../../src/core/sweeper.js';
import { allFeatures } from '../../../src/features/index.js';
import type { ApprovalSweepReport } from '../../../src/features/approvals/sweep.js';
import { openStore, type Store } from '../../../src/store/index.js';

let dir: string;
let store: Store;
let shell: ShellAdapter;
let input: PassThrough;
let output = '';
let sweeper: Sweeper<ApprovalSweepReport>;

afterEach(async () => {
  await sweeper.stop();
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

/** Types a line at the prompt, waits until the terminal shows `expected` and the next prompt, and answers all it showed. */
async function types(line: string, expected: string): Promise<string> {
  const before = output.length;
  input.write(`${line}\n`);
  await shows(expected, before);
  await shows('> ', output.indexOf(expected, before));
  return output.slice(before);
}

it('in the shell: two approvers, each shown on the card as it comes; a reminder under the card; the expired card edited, the requester told', async () => {
  let clock = Date.parse('2026-12-03T06:00:00Z');
  dir = mkdtempSync(join(tmpdir(), 'chatops-shell-approvals-'));
  store = await openStore(`sqlite://${join(dir, 'bot.sqlite')}`);
  const approvals = loadConfig({ APPROVAL_POLICY: 'quota.increase gpu>4 approvals=2; quota approvals=1', APPROVAL_TTL: '20s', APPROVAL_REMIND_AFTER: '10s' }).parsed.approvals;
  const core = new Core({
    features: allFeatures({ approvals }),
    store,
    backend: new LocalRegistry(store, 'LOCAL', () => clock),
    admins: ['local:admin', 'local:carol', 'local:dave'],
    now: () => clock,
    // TZ's default, as the README's run had it.
    timeZone: 'Asia/Taipei',
  });
  input = new PassThrough();
  const sink = new PassThrough();
  sink.on('data', (d: Buffer) => (output += d.toString('utf8')));
  shell = createShellAdapter({ core, firstStart: false, input, output: sink as unknown as NodeJS.WriteStream, interactive: true, backend: { name: 'local', project: 'LOCAL' } });
  core.registerAdapter(shell);
  await shell.start();
  sweeper = core.sweeper<ApprovalSweepReport>('approval', { takeoverMs: 5_000 });

  await types('/tenant link @alice alice', 'Linked @alice');
  await types('/as alice', 'You are now local:alice.');
  expect(await types('/quota request vcs gpu=8 a bigger model', 'It needs 2 approvals.')).toContain('Needs 2 approvals: 0 of 2 so far.');
  await types('/as carol', 'You are now local:carol.');
  expect(await types('1', 'Needs 2 approvals: 1 of 2 so far, by @carol.')).toContain('[1] Approve  [2] Reject');
  await types('/as dave', 'You are now local:dave.');
  const decided = await types('1', 'Approved by @carol, @dave and applied.');
  // The card clicked is edited by the click's answer: shown once, not again as an edit.
  expect(decided).not.toContain('its card edited');

  await types('/as alice', 'You are now local:alice.');
  await types('/quota request vcs cpu=16 a longer run', 'It needs 1 approval.');
  await types('/quota pending', 'withdraws one.');
  clock += 10_000;
  let from = output.length;
  expect(await sweeper.runOnce()).toMatchObject({ reminded: 1 });
  await shows('#approvals, a reply under its card:\n  Still waiting for a decision after less than a minute: VCS quota request', from);
  await shows('@admin, @carol, @dave may approve or reject it', from);

  clock += 10_000;
  from = output.length;
  expect(await sweeper.runOnce()).toMatchObject({ expired: 1 });
  const expired = await shows('(private to alice)', from);
  expect(expired).toMatch(/#approvals, its card edited:\n {2}@alice asks for more VCS quota: cpu 8 → 16\.\n(?: {2}.*\n)+ {2}Expired before anyone decided; nothing was changed\./);
  await shows('(cpu 8 → 16): Expired before anyone decided; nothing was changed.', from);

  // The README's approvals section shows this conversation: each line the bot printed there, in order,
  // the ids the README shows replaced by the ones printed here (in order of appearance), times aside.
  const readme = readFileSync('README.md', 'utf8');
  const start = readme.indexOf('```text\n', readme.indexOf('### Approvals: two approvers')) + '```text\n'.length;
  const block = readme.slice(start, readme.indexOf('```', start));
  const idsIn = (text: string) => [...new Set(text.match(/(?<=`)[\w-]{12}(?=`)/g) ?? [])];
  const ours = idsIn(output);
  const withoutTimes = (line: string) => line.replace(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}/g, '<when>');
  const printed = block
    .split('\n')
    .filter((l) => l && !/^\w+>( |$)/.test(l))
    .map((l) => withoutTimes(idsIn(block).reduce((line, id, i) => line.replaceAll(id, ours[i] ?? id), l)));
  const shown = withoutTimes(output);
  let at = 0;
  for (const line of printed) {
    const found = shown.indexOf(`${line}\n`, at);
    expect(found, line).toBeGreaterThanOrEqual(0);
    at = found + line.length;
  }
});
