import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, expect, it } from 'vitest';
import { StreamHarness, SECRET, START } from './harness.js';

const readme = readFileSync('README.md', 'utf8');
const section = readme.slice(readme.indexOf('\n## Streaming the audit trail to a SIEM\n'), readme.indexOf('\n## Backing up'));

let h: StreamHarness;
afterEach(() => h.stop());

it('the README’s verification snippet, run as a receiver would, accepts the bot’s batches and refuses altered ones', async () => {
  const code = /```js\n([^]*?)```/.exec(section)?.[1];
  expect(code).toBeDefined();
  const dir = mkdtempSync(join(tmpdir(), 'chatops-readme-verify-'));
  writeFileSync(join(dir, 'verify.mjs'), code!);
  const { verifyChatopsBatch } = (await import(pathToFileURL(join(dir, 'verify.mjs')).href)) as {
    verifyChatopsBatch: (secret: string, headers: Record<string, unknown>, body: string, nowSeconds?: number) => boolean;
  };
  rmSync(dir, { recursive: true, force: true });

  h = await StreamHarness.start();
  await h.bot.say('admin', '/tenant link @alice alice');
  await h.run();
  const [batch] = h.receiver.received;
  const now = Math.floor(START / 1000);
  expect(verifyChatopsBatch(SECRET, batch!.headers, batch!.body, now)).toBe(true);
  expect(verifyChatopsBatch(SECRET, batch!.headers, batch!.body.replace('"applied"', '"refused"'), now)).toBe(false);
  expect(verifyChatopsBatch('not-the-webhook-secret-at-all', batch!.headers, batch!.body, now)).toBe(false);
  // A batch replayed ten minutes later.
  expect(verifyChatopsBatch(SECRET, batch!.headers, batch!.body, now + 600)).toBe(false);
  // What the README says a request looks like is what the receiver got.
  expect(section).toContain(`Content-Type: ${String(batch!.headers['content-type'])}`);
});
