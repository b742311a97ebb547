/**
 * One replica in the lease test: `node <compiledScript of this file> <store url> <prefix> <key> <ttl ms>`.
 * Ticks the lease every ttl/4 and prints one JSON line per tick on stdout: whether it holds the
 * lease, and the clock just before and just after the tick.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ExclusiveLease } from '../../src/store/lease.js';
import { openStore } from '../../src/store/index.js';

const [url = '', prefix = '', key = '', ttl = '2000'] = process.argv.slice(2);
const ttlMs = Number(ttl);
const store = await openStore(url, { prefix });
const lease = new ExclusiveLease(store, key, { ttlMs });
for (;;) {
  const before = Date.now();
  const held = await lease.tick();
  process.stdout.write(`${JSON.stringify({ pid: process.pid, held, before, after: Date.now() })}\n`);
  await sleep(ttlMs / 4);
}
