import { createRequire } from 'node:module';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { postSignedToSlackEvents } from '../../helpers/slack-client.js';
import { SIGNING_SECRET, TEAM, World } from './harness.js';

// Bolt reads node:crypto through require(): a spy on that module object sees every HMAC it makes.
const cjsCrypto = createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto');

let world: World | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await world?.close();
  world = undefined;
});

const FORM = 'application/x-www-form-urlencoded';

describe('one verification per Slack request', () => {
  it('a signed click is verified once and its payload parsed once on its way to the core, and still answered', async () => {
    world = await World.start();
    const admin = world.person('UADMIN1', 'admin1');
    const keyId = await admin.createsAKey();
    const card = await (await admin.types(`/apikey delete ${keyId}`)).answer();
    const hmacs = vi.spyOn(cjsCrypto, 'createHmac');
    const parses = vi.spyOn(JSON, 'parse');

    const cancelled = await (await admin.clicks(card, 'Cancel')).answer();

    expect(cancelled.readable).toBe('Cancelled; nothing was deleted.');
    expect(hmacs.mock.calls.filter(([, key]) => key === SIGNING_SECRET)).toHaveLength(1);
    expect(parses.mock.calls.filter(([text]) => String(text).startsWith('{"type":"block_actions"'))).toHaveLength(1);
  });

  it('still refuses an unsigned request with 401 and one signed more than 5 minutes ago', async () => {
    world = await World.start();
    const handle = vi.spyOn(world.core, 'handle');
    const admin = world.person('UADMIN1', 'admin1');

    expect((await admin.types('/tenant whoami', { secret: 'not-the-signing-secret' })).status).toBe(401);
    expect((await admin.types('/tenant whoami', { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 })).status).toBe(401);
    expect((await fetch(`${world.url}/slack/events`, { method: 'POST', headers: { 'content-type': FORM }, body: 'command=%2Ftenant&text=whoami' })).status).toBe(401);
    expect(handle).not.toHaveBeenCalled();
  });

  it('answers Slack’s ssl_check and url_verification as Bolt does', async () => {
    world = await World.start();

    const ssl = await fetch(`${world.url}/slack/events`, { method: 'POST', headers: { 'content-type': FORM }, body: 'ssl_check=1&token=x' });
    expect([ssl.status, await ssl.text()]).toEqual([200, '']);
    const challenge = await postSignedToSlackEvents(world.url, JSON.stringify({ type: 'url_verification', challenge: 'c-123' }), SIGNING_SECRET, { contentType: 'application/json' });
    expect([challenge.status, await challenge.json()]).toEqual([200, { challenge: 'c-123' }]);
  });
});

describe('a signed block_actions whose actions are not a list of actions', () => {
  it.each([['1'], ['null'], ['{"action_id":"x"}'], ['"x"'], ['[1]'], ['[null]'], ['[]']])('is refused with 400 before Bolt (actions: %s)', async (actions) => {
    world = await World.start();
    const payload = `{"type":"block_actions","team":{"id":"${TEAM}"},"user":{"id":"UBOB"},"trigger_id":"t1","actions":${actions}}`;

    const res = await postSignedToSlackEvents(world.url, `payload=${encodeURIComponent(payload)}`, SIGNING_SECRET, { contentType: FORM });

    expect([res.status, await res.text()]).toEqual([400, 'actions is not a list of actions\n']);
  });
});
