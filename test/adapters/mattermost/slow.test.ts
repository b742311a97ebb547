import { afterEach, describe, expect, it } from 'vitest';
import type { Middleware } from '../../../src/core/middleware.js';
import { APPROVALS, World } from './harness.js';

let world: World | undefined;

afterEach(async () => {
  gate.open();
  await world?.close();
  world = undefined;
});

/** Holds every invocation of `kind` in the core until opened: a slow backend, without a clock. */
function makeGate() {
  let opened = false;
  const waiting: (() => void)[] = [];
  const held = { count: 0 };
  const middleware =
    (kind: 'command' | 'click'): Middleware =>
    async (inv, next) => {
      if (inv.kind === kind && !opened) {
        held.count++;
        await new Promise<void>((resolve) => waiting.push(resolve));
      }
      return next();
    };
  return {
    middleware,
    held,
    open() {
      opened = true;
      for (const resolve of waiting.splice(0)) resolve();
    },
    close() {
      opened = false;
    },
  };
}

let gate = makeGate();

describe('a slow answer on Mattermost', () => {
  it('a command the core has not answered in time is acknowledged empty, then answered through its response_url', async () => {
    gate = makeGate();
    world = await World.start({ middleware: [gate.middleware('command')], answerWithinMs: 50 });
    const alice = world.person('ualice', 'alice');
    const sent = await alice.types('/tenant whoami');
    // Mattermost got its answer within its 30 s: an empty 200, which shows nothing.
    expect(sent).toMatchObject({ status: 200, body: '' });
    expect(gate.held.count).toBe(1);
    expect(sent.answers()).toEqual([]);

    gate.open();
    const answer = await sent.answer();
    expect(answer.ephemeral).toBe(true);
    expect(answer.readable).toMatch(/not linked/i);
    expect(world.fake.responsesTo(sent.responseUrl)).toMatchObject([{ body: { response_type: 'ephemeral' } }]);
  });

  it('a click the core has not answered in time is acknowledged empty, then the card is edited through PUT /posts/{id}/patch', async () => {
    gate = makeGate();
    world = await World.start({ middleware: [gate.middleware('click')], answerWithinMs: 50 });
    const w = world;
    const alice = w.person('ualice', 'alice');
    const admin1 = w.person('uadmin1', 'admin1');
    const admin2 = w.person('uadmin2', 'admin2');
    await (await admin1.types(`/tenant link ${alice.mention} alice`)).answer();
    await (await admin2.types('/tenant whoami')).answer();
    await (await alice.types('/quota request vcs gpu=2 a reason')).answer();
    const card = await w.postedIn(APPROVALS);

    const clicked = await admin2.clicks(card, 'Approve');
    expect(clicked).toMatchObject({ status: 200, response: {}, replaced: false });
    gate.open();
    const patch = await w.fake.waitFor('the card patched', () => w.fake.callsTo('PUT', `/posts/${card.post.id}/patch`)[0]);
    expect(patch.body).toMatchObject({ props: { attachments: [] } });
    expect((await w.postedIn(APPROVALS)).readable).toMatch(/\nApproved by @admin2 and applied\.$/);
  });


  it('at a stop, a command still unanswered when the grace ends is told, through its response_url, that the bot is restarting', async () => {
    gate = makeGate();
    world = await World.start({ middleware: [gate.middleware('command')], answerWithinMs: 50, stopGraceMs: 50 });
    const alice = world.person('ualice', 'alice');
    const sent = await alice.types('/tenant whoami');
    expect(sent).toMatchObject({ status: 200, body: '' });
    await world.adapter.stop();
    const told = await sent.answer();
    expect(told).toMatchObject({ ephemeral: true });
    expect(told.readable).toBe('The bot is restarting; this may or may not have been applied. Check in a minute (e.g. `/apikey list`) before trying again.');
    // New requests are refused meanwhile, so that a load balancer sends them elsewhere.
    expect((await alice.types('/tenant whoami')).status).toBe(503);
  });
});

describe('mentions on Mattermost', () => {
  it('a mention Mattermost did not name is looked up by username', async () => {
    gate = makeGate();
    world = await World.start();
    const admin = world.person('uadmin1', 'admin1');
    world.person('ubob', 'bob');
    // As if typed where Mattermost sends no user_mentions: the form is built by hand.
    const res = await fetch(`${world.url}/mattermost/commands`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: 'Token tok-tenant' },
      body: new URLSearchParams({ command: '/tenant', text: 'link @bob bob', user_id: admin.userId, user_name: 'admin1', team_id: 'team1', channel_id: 'town-square', response_url: world.fake.newResponseUrl('town-square', admin.userId), trigger_id: 't-1' }).toString(),
    });
    expect(res.status).toBe(200);
    // The bot's own post mentions nobody: a zero-width space follows the `@`.
    expect(((await res.json()) as { text: string }).text).toMatch(/^Linked @\u200Bbob to member `bob`/);
    expect(world.fake.callsTo('POST', '/users/usernames').map((c) => c.body)).toEqual([['bob']]);
    expect(await world.store.collection('links').get('mattermost:ubob')).toMatchObject({ memberId: 'bob' });
  });
});
