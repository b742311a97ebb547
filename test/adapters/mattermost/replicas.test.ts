import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../../src/core/audit.js';
import { REDIS_URL, uniquePrefix } from '../../helpers/store-urls.js';
import { APPROVALS, World } from './harness.js';

let replicas: World[] = [];
let dir: string | undefined;

afterEach(async () => {
  // The second replica shares the first one's fake Mattermost, which the first one stops.
  for (const w of replicas.reverse()) await w.close();
  replicas = [];
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** Two replicas behind one Mattermost server (a load balancer sends each request to either): two Cores on one store. */
async function twoReplicas(store: 'sqlite' | 'redis'): Promise<[World, World]> {
  const shared =
    store === 'sqlite'
      ? { storeUrl: `sqlite://${join((dir = mkdtempSync(join(tmpdir(), 'chatops-mm-replicas-'))), 'store.sqlite')}` }
      : { storeUrl: REDIS_URL, storePrefix: uniquePrefix('mm') };
  const first = await World.start(shared);
  const second = await World.start({ ...shared, fake: first.fake });
  replicas = [first, second];
  return [first, second];
}

describe.each(['sqlite', 'redis'] as const)('two Mattermost replicas on one %s store', (store) => {
  it('a double click that reaches both replicas deletes the key once', async () => {
    const [a, b] = await twoReplicas(store);
    const admin = a.person('uadmin1', 'admin1');
    const alice = a.person('ualice', 'alice');
    await (await admin.types(`/tenant link ${alice.mention} alice`)).answer();
    const id = await alice.createsAKey();
    const card = await (await alice.types(`/apikey delete ${id}`, { to: b })).answer();

    const [one, two] = await Promise.all([alice.clicks(card, 'Delete', { to: a }), alice.clicks(card, 'Delete', { to: b })]);
    const said = [one, two].map((c) => c.seen!.readable).sort();
    expect(said).toEqual([`Deleted \`${id}\`.`, 'This has already been handled.'].sort());
    expect(await a.store.collection('keys').get(id)).toBeUndefined();
    const deletions = (await b.store.collection<AuditEntry>('audit').values()).filter((e) => e.action === 'key.deleted');
    expect(deletions).toHaveLength(1);
  });

  it('an approval card posted by one replica is decided on the other, once', async () => {
    const [a, b] = await twoReplicas(store);
    const alice = a.person('ualice', 'alice');
    const admin1 = a.person('uadmin1', 'admin1');
    const admin2 = a.person('uadmin2', 'admin2');
    await (await admin1.types(`/tenant link ${alice.mention} alice`)).answer();
    await (await admin2.types('/tenant whoami', { to: b })).answer();
    await (await alice.types('/quota request vcs gpu=2 a reason', { to: a })).answer();
    const card = await a.postedIn(APPROVALS);
    const [x, y] = await Promise.all([admin2.clicks(card, 'Approve', { to: a }), admin2.clicks(card, 'Approve', { to: b })]);
    const replaced = [x, y].filter((c) => c.replaced);
    expect(replaced).toHaveLength(1);
    expect(replaced[0]!.seen!.readable).toMatch(/\nApproved by @admin2 and applied\.$/);
    expect([x, y].find((c) => !c.replaced)!.seen!.readable).toBe('This has already been handled.');
  });
});
