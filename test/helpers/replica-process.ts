/**
 * One replica of the bot as its own process, for races between processes: a TestBot on STORE_URL
 * (with STORE_PREFIX) that reads one JSON request a line on stdin — `{"user":"boss","click":"a:…"}`
 * or `{"user":"alice","say":"/quota show"}` — and writes what the bot answered as one JSON line.
 * It writes `{"ready":true}` once its store is open.
 */
import { createInterface } from 'node:readline';
import { TestBot } from './test-bot.js';

const url = process.env.STORE_URL;
if (!url) throw new Error('STORE_URL is not set');
const bot = await TestBot.start({ storeUrl: url, prefix: process.env.STORE_PREFIX ?? '', admins: ['local:admin', 'local:boss'] });
process.stdout.write(`${JSON.stringify({ ready: true })}\n`);

const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  const request = JSON.parse(line) as { user: string; click?: string; say?: string };
  const said = request.click ? await bot.clickId(request.click, request.user) : await bot.say(request.user, request.say ?? '');
  process.stdout.write(`${JSON.stringify({ text: said.text })}\n`);
}
await bot.stop();
