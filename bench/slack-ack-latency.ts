/**
 * Slack's 3-second deadline under load: N people type `/apikey list` at once while the backend takes
 * `delayMs` per call. Prints how long Slack waits for each HTTP ack and for each answer at
 * response_url, through the real Bolt app, signed requests and the fake Slack on loopback. A
 * benchmark, not a test: it prints numbers and asserts nothing.
 *   npx tsx bench/slack-ack-latency.ts [people=200] [delayMs=1000]
 */
import { performance } from 'node:perf_hooks';
import { LocalRegistry } from '../src/backends/local/registry.js';
import type { Actor } from '../src/backends/port.js';
import { World } from '../test/adapters/slack/harness.js';

const people = Number(process.argv[2] ?? 200);
const delayMs = Number(process.argv[3] ?? 1000);

class SlowRegistry extends LocalRegistry {
  override async listKeys(actor: Actor, memberId: string) {
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    return super.listKeys(actor, memberId);
  }
}

const admins = Array.from({ length: people }, (_, i) => `slack:UADM${i}`);
const world = await World.start({ admins, backend: (store) => new SlowRegistry(store) });
// Warm up: link everyone (ADMINS are linked on first sight) without the clock running.
await Promise.all(admins.map(async (_, i) => (await world.person(`UADM${i}`, `adm${i}`).types('/tenant whoami')).answer()));

const acks: number[] = [];
const answers: number[] = [];
const start = performance.now();
await Promise.all(
  admins.map(async (_, i) => {
    const t = performance.now();
    const sent = await world.person(`UADM${i}`, `adm${i}`).types('/apikey list');
    acks.push(performance.now() - t);
    if (sent.status !== 200) throw new Error(`ack ${sent.status}`);
    await sent.answer();
    answers.push(performance.now() - t);
  }),
);
const wall = performance.now() - start;
await world.close();

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!.toFixed(0);
const row = (label: string, xs: number[]) => `${label.padEnd(8)} p50 ${pct(xs, 50).padStart(6)} ms   p95 ${pct(xs, 95).padStart(6)} ms   max ${pct(xs, 100).padStart(6)} ms`;
console.log(`${people} concurrent /apikey list, backend ${delayMs} ms per call, ${wall.toFixed(0)} ms in all`);
console.log(row('ack', acks));
console.log(row('answer', answers));
