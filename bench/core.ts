/**
 * Issue 12, target 2: the core alone (parse, authorize, execute, audit) on the embedded registry
 * and a real SQLite file, with 10 and with 10,000 stored keys (and 10, then 1,000 linked members),
 * and the store's atomic claim. Each operation runs in sequence for a fixed time. A benchmark: it
 * prints numbers and asserts nothing.
 *   npx tsx bench/core.ts      (BENCH_CORE_MS=700 per operation and level)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { LocalRegistry } from '../src/backends/local/registry.js';
import { Core } from '../src/core/core.js';
import type { ChatUser } from '../src/core/invocation.js';
import { openStore } from '../src/store/index.js';
import { report } from './lib/results.js';
import { fmt, percentile, printTable } from './lib/stats.js';
import { allFeatures } from '../src/features/index.js';

const RUN_MS = Number(process.env.BENCH_CORE_MS ?? 700);
const LEVELS = [
  { keys: 10, members: 10 },
  { keys: 10_000, members: 1_000 },
];
/** The user whose commands are measured holds this many keys at every level. */
const OWN_KEYS = 10;

interface Measured {
  ops: number;
  perSecond: number;
  p50: number;
  p99: number;
}

/** Runs `op` back to back for a warm-up of RUN_MS / 4 (not counted), then for RUN_MS (at least 20 times); every call must succeed. */
async function measure(op: (i: number) => Promise<unknown>): Promise<Measured> {
  let i = 0;
  for (const warm = performance.now(); performance.now() - warm < RUN_MS / 4; i++) await op(i);
  const times: number[] = [];
  const start = performance.now();
  for (; times.length < 20 || performance.now() - start < RUN_MS; i++) {
    const t = performance.now();
    await op(i);
    times.push(performance.now() - t);
  }
  const total = performance.now() - start;
  times.sort((a, b) => a - b);
  return { ops: times.length, perSecond: times.length / (total / 1000), p50: percentile(times, 50), p99: percentile(times, 99) };
}

const results = new Map<string, Measured[]>();
const record = (label: string, m: Measured) => results.set(label, [...(results.get(label) ?? []), m]);

for (const level of LEVELS) {
  const dir = mkdtempSync(join(tmpdir(), 'chatops-bench-core-'));
  const store = await openStore(`sqlite://${join(dir, 'bench.sqlite')}`);
  const backend = new LocalRegistry(store);
  const core = new Core({ features: allFeatures(), store, backend, admins: ['local:admin'] });
  const where = { workspace: 'local', channelId: 'bench' };
  const user = (userId: string): ChatUser => ({ platform: 'local', workspace: 'local', userId, name: userId });
  const say = async (who: string, command: 'apikey' | 'quota' | 'tenant', text: string, expect: string) => {
    const outcome = await core.handle({ kind: 'command', user: user(who), where, command, text });
    const shown = JSON.stringify(outcome);
    if (!shown.includes(expect)) throw new Error(`${who} /${command} ${text}: expected "${expect}" in ${shown.slice(0, 300)}`);
  };

  // Setup, not measured: members linked through the core, keys made through the backend port.
  const t = performance.now();
  for (let i = 0; i < level.members; i++) await say('admin', 'tenant', `link @m${i} m${i}`, `m${i}`);
  for (let i = 0; i < level.keys; i++) {
    const owner = i < OWN_KEYS ? 'm0' : `m${1 + (i % (level.members - 1))}`;
    const created = await backend.createKey({ chatKey: `local:${owner}`, memberId: owner, role: 'user' });
    if (!created.ok) throw new Error(`setup: ${created.code}`);
  }
  const setupS = (performance.now() - t) / 1000;

  record('/tenant whoami', await measure(() => say('m0', 'tenant', 'whoami', 'm0')));
  record(`/apikey list (${OWN_KEYS} own keys)`, await measure(() => say('m0', 'apikey', 'list', `${OWN_KEYS} API keys`)));
  // Made by the other members, so m0's list stays the same size.
  const create = await measure((i) => say(`m${1 + (i % (level.members - 1))}`, 'apikey', 'create', 'created'));
  record('/apikey create', create);
  report(`core.create.${level.keys}.ops/s`, create.perSecond);
  record('store.claim (distinct keys)', await measure((i) => store.claim(`bench:${level.keys}:${i}`, 60_000)));
  const racing = await measure(async (i) => {
    const won = await Promise.all(Array.from({ length: 10 }, () => store.claim(`race:${level.keys}:${i}`, 60_000)));
    if (won.filter(Boolean).length !== 1) throw new Error('a claim was won twice or not at all');
  });
  record('store.claim (10 racing for one key)', { ...racing, perSecond: racing.perSecond * 10 });
  console.log(`level ${level.keys.toLocaleString('en')} keys / ${level.members.toLocaleString('en')} members: set up in ${fmt(setupS)} s`);

  await store.close();
  rmSync(dir, { recursive: true, force: true });
}

const [low, high] = LEVELS as [(typeof LEVELS)[0], (typeof LEVELS)[0]];
const at = (l: (typeof LEVELS)[0]) => `${l.keys.toLocaleString('en')} keys`;
printTable(
  `Core alone on SQLite (sequential, ${RUN_MS} ms per operation and level)`,
  ['operation', `ops/s @${at(low)}`, 'p50 ms', 'p99 ms', `ops/s @${at(high)}`, 'p50 ms', 'p99 ms', 'high/low'],
  [...results].map(([label, [a, b]]) => [label, a!.perSecond, a!.p50, a!.p99, b!.perSecond, b!.p50, b!.p99, `${fmt(b!.perSecond / a!.perSecond)}×`]),
);
