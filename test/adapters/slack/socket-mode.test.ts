import { afterEach, describe, expect, it } from 'vitest';
import { buttonsOf, World } from './harness.js';

let world: World | undefined;

afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe('Slack in Socket Mode (SLACK_APP_TOKEN set)', () => {
  it('connects with the app token, acknowledges each envelope, and answers through response_url', async () => {
    world = await World.start({ socketMode: true });
    expect(world.fake.callsTo('apps.connections.open').map((c) => c.token)).toEqual(['xapp-test-token']);
    const alice = world.person('UALICE', 'alice');
    const admin = world.person('UADMIN1', 'admin1');
    await (await admin.types(`/tenant link ${alice.mention} alice`)).answer();

    const created = await (await alice.types('/apikey create')).answer();
    expect(created.ephemeral).toBe(true);
    const id = /`(k-[0-9a-f]+)`/.exec(created.readable)![1]!;

    const card = await (await alice.types(`/apikey delete ${id}`)).answer();
    const done = await (await alice.clicks(card, 'Delete')).answer();
    expect(done).toMatchObject({ replacedOriginal: true, readable: `Deleted \`${id}\`.` });
    expect(buttonsOf(done)).toEqual([]);
    // Each envelope was acknowledged with an empty payload: the answers all went to response_url.
    expect(world.fake.socketAcks.map((a) => a.payload)).toEqual([{}, {}, {}, {}]);
  });

  it('still serves /healthz and /metrics on PORT', async () => {
    world = await World.start({ socketMode: true });
    expect(world.slack.port).toBeGreaterThan(0);
    expect((await fetch(`${world.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${world.url}/metrics`)).status).toBe(200);
    expect((await fetch(`${world.url}/slack/events`, { method: 'POST' })).status).toBe(404);
  });
});
