import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { SweepReport } from '../../../src/features/reminders/sweep.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, expect, it } from 'vitest';
import { createShellAdapter, type ShellAdapter } from '../../../adapters/shell/index.js';
import { LocalRegistry } from '../../../src/backends/local/registry.js';
import { Core } from '../../../src/core/core.js';
import type { Sweeper } from '../../../src/core/sweeper.js';
import { openStore, type Store } from '../../../src/store/index.js';
import { allFeatures } from '../../../src/features/index.js';

let dir: string;
let store: Store;
let shell: ShellAdapter;
let sweeper: Sweeper<SweepReport>;
let input: PassThrough;
let output = '';

afterEach(async () => {
  input.end();
  await shell.closed;
  await sweeper.stop();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Types a line at the prompt and waits until the terminal shows `expected`. */
async function types(line: string, expected: string): Promise<void> {
  const before = output.length;
  input.write(`${line}\n`);
  // However long a busy machine takes (the test's timeout is the limit).
  while (!output.slice(before).includes(expected)) await sleep(10);
  expect(output.slice(before)).toContain(expected);
}

it('shows a reminder in the shell as a private notice whose buttons are clicked by number', async () => {
  dir = mkdtempSync(join(tmpdir(), 'chatops-shell-rem-'));
  store = await openStore(`sqlite://${join(dir, 'bot.sqlite')}`);
  // A new key expires in 90 days: with a 90-day threshold the first sweep reminds of it.
  const core = new Core({ features: allFeatures({ reminderDays: [90] }), store, backend: new LocalRegistry(store), admins: ['local:admin'] });
  input = new PassThrough();
  const sink = new PassThrough();
  sink.on('data', (d: Buffer) => (output += d.toString('utf8')));
  shell = createShellAdapter({ core, firstStart: false, input, output: sink as unknown as NodeJS.WriteStream, interactive: false, backend: { name: 'local', project: 'LOCAL' } });
  core.registerAdapter(shell);
  await shell.start();
  sweeper = core.sweeper<SweepReport>('reminder', { intervalMs: 60_000 });

  await types('/tenant link @alice alice', 'Linked @alice');
  await types('/as alice', 'You are now local:alice.');
  await types('/apikey create', 'New API key');
  const id = /`(k-[0-9a-f]{6})`/.exec(output)![1]!;

  expect((await sweeper.runOnce())?.sent).toBe(1);
  expect(output).toMatch(new RegExp(`\\(private to alice\\)\\n  Your API key \`${id}\` expires \\d{4}-\\d\\d-\\d\\d \\(in 90 days\\)\\.`));
  expect(output).toContain('[1] Extend 90 days  [2] Not now');
  await types('1', `Key \`${id}\` now expires`);
  expect(output).toContain('(in 180 days)');
  await types('/apikey reminders off', 'Key-expiry reminders turned off');

  // The README's Reminders section shows this conversation: the same lines, ids, dates and day counts aside.
  const readme = readFileSync('README.md', 'utf8');
  const start = readme.indexOf('```text\n', readme.indexOf('## Reminders')) + '```text\n'.length;
  const shown = readme.slice(start, readme.indexOf('```', start));
  const normalize = (t: string) =>
    t
      .replace(/k-[0-9a-f]{6}/g, 'k-<id>')
      .replace(/\d{4}-\d\d-\d\d/g, '<date>')
      .replace(/\(in \d+ days\)/g, '(in N days)')
      // What alice typed: the piped shell does not echo it.
      .replace(/^alice> .*\n/gm, '');
  const seen = output.slice(output.indexOf('(private to alice)'));
  expect(normalize(seen).trim()).toBe(normalize(shown).trim());
});
