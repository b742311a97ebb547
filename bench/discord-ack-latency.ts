/**
 * Discord's 3-second deadline under load: N people run `/apikey list` at once while the backend
 * takes `delayMs` per call. Prints how long each interaction waits for its acknowledgement (the
 * callback: a reply, or a defer when the core is slower than the ack budget) and for its answer,
 * through real discord.js and the fake gateway + REST on loopback. A benchmark, not a test: it prints
 * numbers and asserts nothing.
 *   npx tsx bench/discord-ack-latency.ts [people=200] [delayMs=1500]
 */
import { LocalRegistry } from '../src/backends/local/registry.js';
import type { Actor } from '../src/backends/port.js';
import { Harness } from '../test/adapters/discord/harness.js';
import type { SentInteraction } from '../test/fakes/discord.js';

const people = Number(process.argv[2] ?? 200);
const delayMs = Number(process.argv[3] ?? 1500);

class SlowRegistry extends LocalRegistry {
  override async listKeys(actor: Actor, memberId: string) {
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    return super.listKeys(actor, memberId);
  }
}

const users = Array.from({ length: people }, (_, i) => ({ id: String(2000 + i), username: `adm${i}` }));
const h = await Harness.start({ admins: users.map((u) => `discord:${u.id}`), backend: (store) => new SlowRegistry(store) });
// Warm up: ADMINS are linked on first sight; do it before the clock runs.
await Promise.all(users.map((u) => h.run(u, 'tenant', 'whoami')));

const sent: SentInteraction[] = users.map((u) => h.fake.command(u, 'apikey', 'list'));
await Promise.all(sent.map((s) => h.fake.answered(s, 120_000)));

const answerAt = (s: SentInteraction) => {
  const edit = h.fake.calls.find((c) => c.method === 'PATCH' && c.path.includes(`/${s.token}/messages/`));
  return (edit?.at ?? s.callback!.at) - s.dispatchedAt;
};
const stats = (label: string, xs: number[]) => {
  xs.sort((a, b) => a - b);
  const pct = (p: number) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
  console.log(`${label.padEnd(12)} p50 ${pct(50)} ms  p95 ${pct(95)} ms  max ${xs.at(-1)} ms`);
};
console.log(`${people} people at once, backend ${delayMs} ms per call`);
stats('ack', sent.map((s) => s.callback!.at - s.dispatchedAt));
stats('answer', sent.map(answerAt));
const late = sent.filter((s) => s.callback!.at - s.dispatchedAt >= 3_000).length;
console.log(`acknowledged after 3 s: ${late} of ${people}; deferred: ${sent.filter((s) => s.callback!.type === 5).length}`);

await h.close();
