import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, expect, it } from 'vitest';
import { StreamHarness } from './harness.js';
import { linesOf, startReceiver } from './receiver.js';

const dir = mkdtempSync(join(tmpdir(), 'chatops-stream-restart-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Waits between attempts that end when the sweeper stops (a short real wait: the clock is the test's). */
const shortWait = (_ms: number, signal: AbortSignal) => delay(5, undefined, { signal }).catch(() => undefined);

it('a receiver down across a bot restart: the next start on the same SQLite file sends everything, in order, each event once', async () => {
  const file = join(dir, 'bot.sqlite');
  const receiver = await startReceiver();
  receiver.answer = () => ({ status: 503 });

  const first = await StreamHarness.start({ bot: { file }, receiver, stream: { sleep: shortWait } });
  for (const p of ['a1', 'a2', 'a3']) await first.bot.say('admin', `/tenant link @${p} ${p}`);
  const sweeper = first.stream.sweeper({ intervalMs: 60_000 });
  sweeper.start();
  await receiver.until(() => receiver.received.length >= 3);
  // The bot stops (SIGTERM): the sweeper ends its run and gives up the lease; then the store closes.
  await sweeper.stop();
  await first.bot.say('admin', '/tenant link @a4 a4');
  await first.stop({ keepFile: true, keepReceiver: true });
  const refused = receiver.received.length;
  expect(receiver.taken()).toEqual([]);

  receiver.answer = () => ({ status: 200 });
  const second = await StreamHarness.start({ bot: { file }, receiver });
  const next = second.stream.sweeper({ intervalMs: 60_000 });
  const report = await next.runOnce();
  await next.stop();
  expect(report).toEqual({ delivered: 4, failures: 0, skipped: 0, backlog: 0 });
  const events = receiver.takenEvents();
  expect(events.map((e) => e.target)).toEqual(['local:a1', 'local:a2', 'local:a3', 'local:a4']);
  expect(events.map((e) => e.event_id)).toEqual((await second.stored(4)).map((e) => e!.id));
  // Before the restart only the first batch was tried (refused each time); after it, each batch once.
  expect(receiver.received.slice(refused).map((r) => linesOf(r.body).length)).toEqual([2, 2]);
  await second.stop();
});
