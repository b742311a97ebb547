/**
 * How fast the core answers on the embedded registry and a real SQLite file, and how fast the
 * store's atomic claim is. A benchmark, not a test: it prints numbers and asserts nothing.
 *   npm run bench
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { LocalRegistry } from '../src/backends/local/registry.js';
import { Core } from '../src/core/core.js';
import type { ChatUser } from '../src/core/invocation.js';
import { openStore } from '../src/store/index.js';

const dir = mkdtempSync(join(tmpdir(), 'chatops-bench-'));
const store = await openStore(`sqlite://${join(dir, 'bench.sqlite')}`);
const core = new Core({ store, backend: new LocalRegistry(store), admins: ['local:admin'] });
const where = { workspace: 'local', channelId: 'bench' };
const user = (name: string): ChatUser => ({ platform: 'local', workspace: 'local', userId: name, name });
const say = (who: string, command: 'apikey' | 'quota' | 'tenant', text: string) => core.handle({ kind: 'command', user: user(who), where, command, text });

async function measure(label: string, n: number, op: (i: number) => Promise<unknown>): Promise<void> {
  const times: number[] = [];
  const start = performance.now();
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await op(i);
    times.push(performance.now() - t);
  }
  const total = performance.now() - start;
  times.sort((a, b) => a - b);
  const pct = (p: number) => times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))]!.toFixed(2);
  console.log(`${label.padEnd(34)} n=${String(n).padEnd(5)} ${(n / (total / 1000)).toFixed(0).padStart(6)} ops/s  p50 ${pct(50)} ms  p99 ${pct(99)} ms`);
}

for (let i = 0; i < 20; i++) await say('admin', 'tenant', `link @m${i} m${i}`);
await measure('/apikey create', 300, (i) => say(`m${i % 20}`, 'apikey', 'create'));
await measure('/apikey list (15 keys each)', 300, (i) => say(`m${i % 20}`, 'apikey', 'list'));
await measure('/quota show (admin, 21 members)', 100, () => say('admin', 'quota', 'show vcs'));
await measure('/tenant audit 50', 100, () => say('admin', 'tenant', 'audit 50'));
await measure('store.claim (sequential)', 1000, (i) => store.claim(`bench:${i}`, 60_000));
const t = performance.now();
await Promise.all(Array.from({ length: 1000 }, (_, i) => store.claim(`race:${i % 10}`, 60_000)));
console.log(`${'store.claim (1000 racing on 10 keys)'.padEnd(34)} ${(performance.now() - t).toFixed(0)} ms total`);

await store.close();
rmSync(dir, { recursive: true, force: true });
