import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, expect, it } from 'vitest';
import { createShellAdapter, type ShellAdapter } from '../../../adapters/shell/index.js';
import { LocalRegistry } from '../../../src/backends/local/registry.js';
import { Core } from '../../../src/core/core.js';
import type { Sweeper } from '../../../src/core/sweeper.js';
import { allFeatures } from '../../../src/features/index.js';
import type { GrantSweepReport } from '../../../src/features/grants/sweep.js';
import { openStore, type Store } from '../../../src/store/index.js';

const START = Date.parse('2026-12-01T09:00:00Z');
let clock = START;
let dir: string;
let store: Store;
let shell: ShellAdapter;
let sweeper: Sweeper<GrantSweepReport>;
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
  while (!output.slice(before).includes(expected)) await sleep(10);
  expect(output.slice(before)).toContain(expected);
}

it('a time-bound grant in the shell: asked `for 2h`, approved by number, the DM before the end, Return now by number', async () => {
  dir = mkdtempSync(join(tmpdir(), 'chatops-shell-grant-'));
  store = await openStore(`sqlite://${join(dir, 'bot.sqlite')}`);
  const core = new Core({ features: allFeatures(), store, backend: new LocalRegistry(store, 'LOCAL', () => clock), admins: ['local:admin'], now: () => clock });
  input = new PassThrough();
  const sink = new PassThrough();
  sink.on('data', (d: Buffer) => (output += d.toString('utf8')));
  shell = createShellAdapter({ core, firstStart: false, input, output: sink as unknown as NodeJS.WriteStream, interactive: false, backend: { name: 'local', project: 'LOCAL' } });
  core.registerAdapter(shell);
  await shell.start();
  sweeper = core.sweeper<GrantSweepReport>('grant', { intervalMs: 60_000 });

  await types('/tenant link @alice alice', 'Linked @alice');
  await types('/tenant link @bob bob admin', 'Linked @bob');
  await types('/as alice', 'You are now local:alice.');
  await types('/quota request vcs gpu=8 for 2h fine-tuning', 'For 2h: the previous values come back when it ends.');
  await types('/as bob', 'You are now local:bob.');
  await types('1', 'Approved by @bob and applied.');

  clock = START + 2 * 3_600_000 - 12 * 60_000;
  expect((await sweeper.runOnce())?.warned).toBe(1);
  expect(output).toContain('(private to alice)\n  Your VCS grant (gpu 8) ends 2026-12-01 11:00 UTC; then the previous values come back.');
  expect(output).toContain('[1] Ask to extend  [2] Return now');
  await types('/as alice', 'You are now local:alice.');
  await types('2', 'ended (given back): restored gpu 1.');
  await types('/quota show vcs', 'alice');
  expect(output.slice(output.lastIndexOf('VCS'))).toMatch(/alice\s+0 \/ 8\s+0 \/ 1\s/);

  // The README's grant section shows this conversation: each line the bot printed there, in order, ids aside.
  const readme = readFileSync('README.md', 'utf8');
  const start = readme.indexOf('```text\n', readme.indexOf('## Time-bound grants')) + '```text\n'.length;
  const id = /request `([\w-]{12})`/.exec(output)![1]!;
  const printed = readme
    .slice(start, readme.indexOf('```', start))
    .split('\n')
    .filter((l) => l && !/^\w+> /.test(l))
    .map((l) => l.replace(/`[\w-]{12}`/g, `\`${id}\``));
  let at = 0;
  for (const line of printed) {
    const found = output.indexOf(`${line}\n`, at);
    expect(found, line).toBeGreaterThanOrEqual(0);
    at = found + line.length;
  }
});
