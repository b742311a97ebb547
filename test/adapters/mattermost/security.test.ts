import { afterEach, describe, expect, it } from 'vitest';
import { BOT_TOKEN } from '../../fakes/mattermost.js';
import { hmacSealer } from '../../../src/crypto/hmac-seal.js';
import { actionsOf, GENERAL, TEAM, World, type Seen } from './harness.js';

let world: World | undefined;

afterEach(async () => {
  await world?.close();
  world = undefined;
});

const keyExists = async (w: World, id: string) => (await w.store.collection('keys').get(id)) !== undefined;

/** POSTs a click on the card's first button as Mattermost would, with `context` instead of the button's own. */
async function clickWith(w: World, card: Seen, userId: string, context: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${w.url}/mattermost/actions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user_id: userId, channel_id: card.post.channel_id, team_id: TEAM, post_id: card.post.id, trigger_id: 'forged-1', type: 'button', context }),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

const sealedOf = (card: Seen, i = 0) => (actionsOf(card)[i]!.integration as { context: { sealed: string } }).context.sealed;

describe('what Mattermost does not sign', () => {
  it('refuses a slash command whose token is not one of MATTERMOST_COMMAND_TOKENS, or that has none; nothing runs', async () => {
    world = await World.start();
    const alice = world.person('ualice', 'alice');
    const forged = await alice.types('/apikey create', { token: 'tok-guessed' });
    expect(forged).toMatchObject({ status: 401, body: '{"text":"invalid command token"}' });
    const none = await fetch(`${world.url}/mattermost/commands`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ command: '/apikey', text: 'create', user_id: 'ualice', team_id: TEAM, channel_id: GENERAL, response_url: `${world.fake.url}/hooks/commands/x`, trigger_id: 't' }).toString(),
    });
    expect(none.status).toBe(401);
    expect(await world.logged('Mattermost slash command refused')).not.toContain('tok-guessed');
    expect(await world.store.collection('audit').values()).toEqual([]);
    // Any of the three tokens is a token of ours, in the header or in the form alone.
    const viaField = await fetch(`${world.url}/mattermost/commands`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: 'tok-quota', command: '/tenant', text: 'whoami', user_id: 'ualice', team_id: TEAM, channel_id: GENERAL, response_url: world.fake.newResponseUrl(GENERAL, 'ualice'), trigger_id: 't2' }).toString(),
    });
    expect(viaField.status).toBe(200);
  });

  it('refuses a click whose context was not sealed by the bot, or was altered: nothing is deleted', async () => {
    world = await World.start();
    const w = world;
    const admin = w.person('uadmin1', 'admin1');
    const alice = w.person('ualice', 'alice');
    await (await admin.types(`/tenant link ${alice.mention} alice`)).answer();
    const id = await alice.createsAKey();
    const card = await (await alice.types(`/apikey delete ${id}`)).answer();
    const [body, mac] = sealedOf(card).split('.') as [string, string];

    // The bot's own context with its `u` changed to Mallory's: the seal no longer holds.
    const altered = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body, 'base64url').toString()), u: 'umallory' })).toString('base64url');
    // A context sealed with another key (a guessed one).
    const otherKey = hmacSealer('not-the-bot-token', 'mattermost button context v1').seal({ a: `c:x:ok`, p: true, x: Date.now() + 60_000 });
    for (const context of [{ sealed: `${altered}.${mac}` }, { sealed: otherKey }, { sealed: 'c:anything:ok' }, { action: 'c:x:ok' }]) {
      const refused = await clickWith(w, card, 'umallory', context);
      expect(refused.status, JSON.stringify(context)).toBeLessThan(500);
      expect(refused.json.update).toBeUndefined();
    }
    expect((await clickWith(w, card, 'umallory', { sealed: `${altered}.${mac}` })).json).toEqual({ ephemeral_text: 'That button no longer does anything; nothing was changed.' });
    expect(await w.logged('bad seal')).toContain('Mattermost action refused');
    expect(await keyExists(w, id)).toBe(true);
  });

  it('refuses the requester’s card clicked by someone else, before the core: the context names its one user', async () => {
    world = await World.start();
    const w = world;
    const admin = w.person('uadmin1', 'admin1');
    const alice = w.person('ualice', 'alice');
    await (await admin.types(`/tenant link ${alice.mention} alice`)).answer();
    const id = await alice.createsAKey();
    const card = await (await alice.types(`/apikey delete ${id}`)).answer();
    // The admin could run the deletion himself, but not through Alice's private card.
    const stolen = await clickWith(w, card, 'uadmin1', { sealed: sealedOf(card) });
    expect(stolen.json).toEqual({ ephemeral_text: 'Only the person, who asked for this, can confirm or cancel it.' });
    expect(await w.logged('another user')).toContain('Mattermost action refused');
    expect(await keyExists(w, id)).toBe(true);
  });

  it('refuses a context past its expiry (the injected clock): nothing runs', async () => {
    let now = Date.now();
    world = await World.start({ now: () => now });
    const w = world;
    const admin = w.person('uadmin1', 'admin1');
    const alice = w.person('ualice', 'alice');
    await (await admin.types(`/tenant link ${alice.mention} alice`)).answer();
    const id = await alice.createsAKey();
    const card = await (await alice.types(`/apikey delete ${id}`)).answer();
    now += 25 * 60 * 60 * 1000;
    const late = await alice.clicks(card, 'Delete');
    expect(late).toMatchObject({ status: 200, replaced: false });
    expect(late.seen!.readable).toBe('This request has expired; nothing was changed. Run the command again.');
    expect(await w.logged('"reason":"expired"')).toContain('Mattermost action refused');
    expect(await keyExists(w, id)).toBe(true);
  });

  it('seals with a key derived from the bot token, so every replica opens what another sealed', () => {
    const a = hmacSealer(BOT_TOKEN, 'mattermost button context v1');
    const b = hmacSealer(BOT_TOKEN, 'mattermost button context v1');
    expect(b.open(a.seal({ a: 'x' }))).toEqual({ ok: true, value: { a: 'x' } });
    // Another purpose (the login dialog's state) does not open a button's context.
    expect(hmacSealer(BOT_TOKEN, 'mattermost login dialog state v1').open(a.seal({ a: 'x' }))).toEqual({ ok: false, reason: 'bad seal' });
  });
});
