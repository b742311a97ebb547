import KeyvPostgres from '@keyv/postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/store/index.js';
import { POSTGRES_URL, uniquePrefix } from '../helpers/store-urls.js';
import { TestBot } from '../helpers/test-bot.js';

/**
 * The keyv table on PostgreSQL: a record whose TTL ran out goes without being read (the last session
 * found such rows staying until read), and a collection is listed through an index, not by reading the
 * whole table (issue 20 item 5), also with 150 commands at once through 3 replicas.
 */

const OTHER_ROWS = 200_000;
const MEMBERS = 30;

// A client of its own on a table nobody else uses, for looking at rows the way an operator would.
const look = new KeyvPostgres({ uri: POSTGRES_URL, table: `${uniquePrefix('look')}keyv` });
const sql = (text: string, values?: unknown[]) => look.query(text, values) as Promise<Record<string, unknown>[]>;
const stores: Store[] = [];
const bots: TestBot[] = [];
const tables: string[] = [];
afterAll(async () => {
  // Tables first: @keyv/postgres shares one pool module-wide, and the first store closed ends it for all.
  for (const table of [...tables, look.opts.table]) await sql(`DROP TABLE IF EXISTS ${table}`);
  for (const bot of bots) await bot.stop().catch(() => undefined);
  for (const store of stores) await store.close().catch(() => undefined);
  await look.disconnect().catch(() => undefined);
});

async function open(prefix: string, sweepEveryWrites?: number): Promise<Store> {
  const store = await openStore(POSTGRES_URL, { prefix, ...(sweepEveryWrites ? { sweepEveryWrites } : {}) });
  stores.push(store);
  tables.push(`${prefix}keyv`, `${prefix}leases`, `${prefix}counters`);
  return store;
}

/** Waits for `condition` to hold, checking again and again: how long that takes is the machine's business. */
async function until(condition: () => Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((r) => setTimeout(r, 10));
}

const rowExists = async (table: string, key: string) => (await sql(`SELECT 1 FROM ${table} WHERE key = $1`, [key])).length === 1;

describe('expired records on PostgreSQL', () => {
  it('are deleted as rows without anyone reading them', async () => {
    const prefix = uniquePrefix('sweep');
    const store = await open(prefix, 5);
    const pending = store.collection('pending');
    await pending.put('short', { id: 'short' }, 20);
    await pending.put('long', { id: 'long' }, 3_600_000);
    const table = `${prefix}keyv`;
    const [row] = await sql(`SELECT expires FROM ${table} WHERE key = $1`, [`${prefix}pending:short`]);
    const expires = Number(row?.expires);
    expect(expires).toBeGreaterThan(0);
    await until(async () => Date.now() > expires);
    // A few writes elsewhere; no read of `short`.
    for (let i = 0; i < 5; i++) await store.collection('meta').put(`w${i}`, i);
    await until(async () => !(await rowExists(table, `${prefix}pending:short`)));
    expect(await rowExists(table, `${prefix}pending:long`)).toBe(true);
  });

  it('written before the expires column existed get their expiry from the record, and go too', async () => {
    const prefix = uniquePrefix('old');
    const table = `${prefix}keyv`;
    tables.push(table);
    // The table as @keyv/postgres made it, with a record whose serialized expiry has passed and one for good.
    await sql(`CREATE TABLE ${table}(key VARCHAR(255) PRIMARY KEY, value TEXT)`);
    await sql(`INSERT INTO ${table}(key, value) VALUES($1, $2), ($3, $4)`, [
      `${prefix}pending:gone`,
      JSON.stringify({ value: { id: 'gone' }, expires: Date.now() - 1000 }),
      `${prefix}links:slack:U1`,
      JSON.stringify({ value: { memberId: 'alice' } }),
    ]);
    const store = await open(prefix, 1);
    await store.collection('meta').put('w', 1);
    await until(async () => !(await rowExists(table, `${prefix}pending:gone`)));
    expect(await store.collection('links').get('slack:U1')).toEqual({ memberId: 'alice' });
  });
});

describe(`listing a collection on PostgreSQL beside ${OTHER_ROWS} other rows`, () => {
  const prefix = uniquePrefix('list');
  const table = `${prefix}keyv`;
  beforeAll(async () => {
    const first = await TestBot.start({ storeUrl: POSTGRES_URL, prefix });
    bots.push(first);
    tables.push(table, `${prefix}leases`, `${prefix}counters`);
    for (let i = 0; i < MEMBERS; i++) await first.say('admin', `/tenant link @m${i} m${i}`);
    // A long audit log in the same table.
    await sql(`INSERT INTO ${table}(key, value) SELECT '${prefix}audit:bulk#' || g, '{"value":{}}' FROM generate_series(1, ${OTHER_ROWS}) g`);
    await sql(`ANALYZE ${table}`);
  }, 120_000);

  it('reads the collection’s rows through an index, not the whole table', async () => {
    // The statement @keyv/postgres lists a collection with (its iterator), as the planner sees it.
    const plan = JSON.stringify(
      await sql(`EXPLAIN (FORMAT JSON) SELECT * FROM "public"."${table}" WHERE key LIKE $1 ORDER BY key LIMIT $2`, [`${prefix.replace(/_/g, '\\_')}links:%`, 1000]),
    );
    expect(plan).not.toContain('Seq Scan');
    expect(plan).toContain(`${table}_key_prefix`);
  });

  it('answers 150 concurrent /tenant members and /quota show through 3 replicas, every one', async () => {
    const replicas = await Promise.all([0, 1, 2].map(() => TestBot.start({ storeUrl: POSTGRES_URL, prefix })));
    bots.push(...replicas);
    const answers = await Promise.all(
      Array.from({ length: 150 }, (_, i) => replicas[i % 3]!.say('admin', i % 2 === 0 ? '/tenant members' : '/quota show vcs')),
    );
    // Each different wrong answer once, so that a failure shows what was said instead.
    const wrong = new Set(answers.filter((a) => !a.text.includes(`m${MEMBERS - 1}`)).map((a) => a.text));
    expect([...wrong]).toEqual([]);
  });
});
