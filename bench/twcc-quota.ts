/**
 * Issue 12, target 6: `/quota show` as a tenant admin on the twcc backend for a project of 1,000
 * members, against the fake TWCC on loopback answering every request after 50 ms. The worst case is
 * a listing of summary rows (no cpu, gpu or memory): every member is then read one by one with
 * bounded concurrency. The target: within 1.5× of latency × ceil(calls / concurrency). A benchmark:
 * it prints numbers and asserts nothing (it stops if a report is wrong).
 *   npx tsx bench/twcc-quota.ts      (BENCH_TWCC_MEMBERS=1000, BENCH_TWCC_LATENCY_MS=50, BENCH_TWCC_RUNS=3)
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Actor } from '../src/backends/port.js';
import { DEFAULT_FANOUT } from '../src/backends/twcc/backend.js';
import { openStore } from '../src/store/index.js';
import { startFakeTwcc } from '../test/fakes/twcc.js';
import { report } from './lib/results.js';
import { median, printTable } from './lib/stats.js';
import { twccBackendOn } from '../test/helpers/twcc-backend.js';

const MEMBERS = Number(process.env.BENCH_TWCC_MEMBERS ?? 1_000);
const LATENCY_MS = Number(process.env.BENCH_TWCC_LATENCY_MS ?? 50);
const RUNS = Number(process.env.BENCH_TWCC_RUNS ?? 3);

const dir = mkdtempSync(join(tmpdir(), 'twcc-bench-'));
const store = await openStore(`sqlite://${join(dir, 'bench.sqlite')}`);
const encryptionKey = randomBytes(32);

async function scenario(label: string, summaryListing: boolean): Promise<(string | number)[]> {
  // Generated members + admin, alice and bob.
  const fake = await startFakeTwcc({ extraMembers: MEMBERS - 3, summaryListing });
  const backend = twccBackendOn(fake, { encryptionKey })(store);
  try {
    const admin = fake.users.admin!;
    const login = await backend.login('bench:admin', admin.apiKey);
    if (!login.ok) throw new Error(`login failed: ${login.code}`);
    const actor: Actor = { chatKey: 'bench:admin', memberId: login.value.memberId, role: login.value.role };
    // The project id is looked up once and kept: one warm-up show, not counted.
    if (!(await backend.getQuotas(actor, 'vcs')).ok) throw new Error('warm-up quota show failed');
    fake.setDelay(LATENCY_MS);
    const times: number[] = [];
    let calls = 0;
    let inFlight = 0;
    for (let i = 0; i < RUNS; i++) {
      fake.resetStats();
      const t = performance.now();
      const report = await backend.getQuotas(actor, 'vcs');
      times.push(performance.now() - t);
      if (!report.ok) throw new Error(`quota show failed: ${report.code} ${report.detail ?? ''}`);
      if (report.value.members.length !== MEMBERS) throw new Error(`quota show listed ${report.value.members.length} of ${MEMBERS} members`);
      calls = fake.requests.length;
      inFlight = Math.max(inFlight, fake.maxInFlight);
    }
    const ideal = LATENCY_MS * Math.ceil(calls / DEFAULT_FANOUT);
    const ms = median(times);
    report(`twcc.quota.${summaryListing ? 'summary' : 'listing'}.vs ideal`, ms / ideal);
    return [label, String(calls), String(DEFAULT_FANOUT), String(inFlight), ideal, ms, `${(ms / ideal).toFixed(2)}×`];
  } finally {
    await backend.close();
    await fake.close();
  }
}

const rows = [await scenario('one listing with every row', false), await scenario('summary rows, each member read', true)];
printTable(
  `/quota show as admin, ${MEMBERS.toLocaleString('en')} members, TWCC answering after ${LATENCY_MS} ms (median of ${RUNS}; target ≤ 1.5×)`,
  ['listing', 'calls', 'concurrency', 'in flight ≤', 'latency × ⌈calls / concurrency⌉ ms', 'measured ms', 'measured / ideal'],
  rows,
);
await store.close();
rmSync(dir, { recursive: true, force: true });
