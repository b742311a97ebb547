/**
 * `/quota show` on the twcc backend for a project of 200 members, against the fake TWCC on
 * loopback with a simulated network latency per request. Compares the one-call member listing with
 * the per-member fallback (summary rows) at several fan-out limits. A benchmark, not a test: it
 * prints numbers and asserts nothing.
 *   npx tsx bench/twcc-quota-fanout.ts [latencyMs=20]
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Actor } from '../src/backends/port.js';
import { openStore } from '../src/store/index.js';
import { startFakeTwcc } from '../test/fakes/twcc.js';
import { twccBackendOn } from '../test/helpers/twcc-backend.js';

const MEMBERS = 200;
const latencyMs = Number(process.argv[2] ?? 20);
const dir = mkdtempSync(join(tmpdir(), 'twcc-bench-'));
const store = await openStore(`sqlite://${join(dir, 'bench.sqlite')}`);
const encryptionKey = randomBytes(32);

async function scenario(label: string, opts: { summaryListing: boolean; fanout: number; as: 'admin' | 'alice'; runs: number }) {
  // 197 generated members + admin, alice and bob = 200 in the project.
  const fake = await startFakeTwcc({ extraMembers: MEMBERS - 3, summaryListing: opts.summaryListing });
  const backend = twccBackendOn(fake, { encryptionKey, fanout: opts.fanout })(store);
  const user = fake.users[opts.as]!;
  const login = await backend.login(`bench:${opts.as}`, user.apiKey);
  if (!login.ok) throw new Error(`login failed: ${login.code}`);
  const actor: Actor = { chatKey: `bench:${opts.as}`, memberId: login.value.memberId, role: login.value.role };
  fake.setDelay(latencyMs);

  const times: number[] = [];
  let rows = 0;
  let requests = 0;
  let maxInFlight = 0;
  for (let i = 0; i < opts.runs; i++) {
    fake.resetStats();
    const t = performance.now();
    const report = await backend.getQuotas(actor, 'vcs');
    times.push(performance.now() - t);
    if (!report.ok) throw new Error(`quota show failed: ${report.code} ${report.detail ?? ''}`);
    rows = report.value.members.length;
    requests = fake.requests.length;
    maxInFlight = Math.max(maxInFlight, fake.maxInFlight);
  }
  const first = times[0]!;
  const warm = times.slice(1).sort((a, b) => a - b);
  const pct = (p: number) => (warm.length ? warm[Math.min(warm.length - 1, Math.floor((p / 100) * warm.length))]!.toFixed(1) : '-');
  console.log(
    `${label.padEnd(40)} rows ${String(rows).padStart(3)}  calls/show ${String(requests).padStart(3)}  in flight ≤${String(maxInFlight).padStart(2)}  ` +
      `first ${first.toFixed(1).padStart(7)} ms  warm p50 ${pct(50).padStart(7)} ms  p99 ${pct(99).padStart(7)} ms`,
  );
  await backend.close();
  await fake.close();
}

console.log(`quota show, ${MEMBERS} members, ${latencyMs} ms per TWCC request (fake on loopback)`);
await scenario('admin, one listing call', { summaryListing: false, fanout: 8, as: 'admin', runs: 20 });
await scenario('user (own row only)', { summaryListing: false, fanout: 8, as: 'alice', runs: 20 });
for (const fanout of [1, 4, 8, 16, 32]) {
  await scenario(`admin, summary rows, fan-out ${fanout}`, { summaryListing: true, fanout, as: 'admin', runs: fanout === 1 ? 2 : 5 });
}

await store.close();
rmSync(dir, { recursive: true, force: true });
