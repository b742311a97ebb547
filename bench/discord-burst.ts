/**
 * Issue 12, target 5: 200 people run `/apikey list` at once on Discord, through real discord.js
 * against the fake gateway and REST on loopback (which enforces Discord's global and per-route
 * limits). Once with the core answering at once (each answered in its interaction callback), once
 * with the backend taking 1.5 s per call (each deferred, then its answer edited in through the
 * interaction's webhook). Target: every answer within 1.5 s beyond the backend's own time (before:
 * 4.7 s, every webhook call waiting on discord.js's 50/s global limiter). A benchmark: it prints
 * numbers and asserts nothing (it stops if an answer is missing or a 429 was ignored).
 *   npx tsx bench/discord-burst.ts      (BENCH_DISCORD_PEOPLE=200)
 */
import { LocalRegistry } from '../src/backends/local/registry.js';
import type { Actor } from '../src/backends/port.js';
import { Harness } from '../test/adapters/discord/harness.js';
import type { SentInteraction } from '../test/fakes/discord.js';
import { report } from './lib/results.js';
import { percentile, printTable } from './lib/stats.js';

const PEOPLE = Number(process.env.BENCH_DISCORD_PEOPLE ?? 200);

async function burst(delayMs: number): Promise<(string | number)[]> {
  class SlowRegistry extends LocalRegistry {
    override async listKeys(actor: Actor, memberId: string) {
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
      return super.listKeys(actor, memberId);
    }
  }
  const users = Array.from({ length: PEOPLE }, (_, i) => ({ id: String(2000 + i), username: `adm${i}` }));
  const h = await Harness.start({ admins: users.map((u) => `discord:${u.id}`), backend: (store) => new SlowRegistry(store) });
  try {
    // ADMINS are linked on first sight: before the clock runs.
    await Promise.all(users.map((u) => h.run(u, 'tenant', 'whoami')));
    const sent: SentInteraction[] = users.map((u) => h.fake.command(u, 'apikey', 'list'));
    await Promise.all(sent.map((s) => h.fake.answered(s, 120_000)));
    for (const s of sent) {
      const text = h.shown(s);
      if (!/API keys?|no API keys/i.test(text)) throw new Error(`an answer to /apikey list reads: ${text.slice(0, 200)}`);
    }
    if (h.fake.rateLimits.violations.length > 0) throw new Error(`${h.fake.rateLimits.violations.length} requests ignored a 429`);
    const answerAt = (s: SentInteraction) => {
      const edit = h.fake.calls.find((c) => c.method === 'PATCH' && c.path.includes(`/${s.token}/messages/`));
      return (edit?.at ?? s.callback!.at) - s.dispatchedAt;
    };
    const acks = sent.map((s) => s.callback!.at - s.dispatchedAt).sort((a, b) => a - b);
    const answers = sent.map(answerAt).sort((a, b) => a - b);
    const deferred = sent.filter((s) => s.callback!.type === 5).length;
    const beyond = answers.at(-1)! - delayMs;
    report(`discord.burst.${delayMs}.beyond ms`, beyond);
    report(`discord.burst.${delayMs}.429s`, h.fake.rateLimits.limited.length);
    return [
      `${delayMs} ms`,
      String(deferred),
      percentile(acks, 50),
      acks.at(-1)!,
      percentile(answers, 50),
      percentile(answers, 95),
      answers.at(-1)!,
      beyond,
      `${(beyond / 1_500).toFixed(2)}×`,
      String(h.fake.rateLimits.limited.length),
    ];
  } finally {
    await h.close();
  }
}

const rows = [await burst(0), await burst(1_500)];
printTable(
  `Discord: ${PEOPLE} × /apikey list at once (ms from dispatch; target: last answer ≤ 1.5 s beyond the backend's time)`,
  ['backend per call', 'deferred', 'ack p50', 'ack max', 'answer p50', 'answer p95', 'answer max', 'max − backend', '/ 1.5 s', '429s'],
  rows,
);
