/**
 * One replica of the bot as its own process, for races between processes: a TestBot on STORE_URL
 * (with STORE_PREFIX) that reads one JSON request a line on stdin — `{"user":"boss","click":"a:…"}`
 * or `{"user":"alice","say":"/quota show"}` — and writes what the bot answered as one JSON line.
 * It writes `{"ready":true}` once its store is open.
 */
import { createInterface } from 'node:readline';
import { LocalRegistry } from '../../src/backends/local/registry.js';
import type { Store } from '../../src/store/port.js';
import { TestBot } from './test-bot.js';

const url = process.env.STORE_URL;
if (!url) throw new Error('STORE_URL is not set');
// HANG_SET_QUOTA=1: a quota write that never returns, as in a process that dies there (it writes `{"hanging":true}`).
const hang = process.env.HANG_SET_QUOTA === '1';
const bot = await TestBot.start({
  storeUrl: url,
  prefix: process.env.STORE_PREFIX ?? '',
  admins: ['local:admin', 'local:boss'],
  ...(process.env.DECISION_LEASE_MS ? { decisionLeaseMs: Number(process.env.DECISION_LEASE_MS) } : {}),
  ...(hang
    ? {
        backend: (store: Store) =>
          Object.assign(new LocalRegistry(store), {
            setQuota: () => {
              process.stdout.write(`${JSON.stringify({ hanging: true })}\n`);
              return new Promise<never>(() => undefined);
            },
          }),
      }
    : {}),
});
process.stdout.write(`${JSON.stringify({ ready: true })}\n`);

const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  const request = JSON.parse(line) as { user: string; click?: string; say?: string };
  const said = request.click ? await bot.clickId(request.click, request.user) : await bot.say(request.user, request.say ?? '');
  process.stdout.write(`${JSON.stringify({ text: said.text })}\n`);
}
await bot.stop();
