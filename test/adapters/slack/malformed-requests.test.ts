import { afterEach, describe, expect, it } from 'vitest';
import { SIGNING_SECRET, World } from './harness.js';
import { postSignedToSlackEvents } from '../../helpers/slack-client.js';

let world: World | undefined;

afterEach(async () => {
  await world?.close();
  world = undefined;
});

/** POSTs `body` to /slack/events with `contentType`, signed as Slack signs it; gives up after Slack's 3 s. */
async function postSigned(url: string, body: string, contentType: string): Promise<{ status: number; body: string }> {
  const res = await postSignedToSlackEvents(url, body, SIGNING_SECRET, { contentType, signal: AbortSignal.timeout(3_000) });
  return { status: res.status, body: await res.text() };
}

const FORM = 'application/x-www-form-urlencoded';

describe('signed Slack requests the bot cannot take', () => {
  it('refuses payloads that are not objects with 400, and keeps answering commands', async () => {
    world = await World.start();

    expect(await postSigned(world.url, 'payload=null', FORM)).toEqual({ status: 400, body: 'payload is null\n' });
    expect(await postSigned(world.url, 'payload=7', FORM)).toEqual({ status: 400, body: 'payload is number\n' });
    expect(await postSigned(world.url, `payload=${encodeURIComponent('"text"')}`, FORM)).toEqual({ status: 400, body: 'payload is string\n' });
    expect(await postSigned(world.url, `payload=${encodeURIComponent('[]')}`, FORM)).toEqual({ status: 400, body: 'payload is an array\n' });
    expect(await postSigned(world.url, 'null', 'application/json')).toEqual({ status: 400, body: 'payload is null\n' });
    expect(await postSigned(world.url, 'payload={', FORM)).toEqual({ status: 400, body: 'body is not JSON\n' });
    // The field name spelled with escapes, after another field, is the same field.
    expect(await postSigned(world.url, 'team_id=T0001&pay%6Coad=null', FORM)).toEqual({ status: 400, body: 'payload is null\n' });

    const answer = await (await world.person('UANNA', 'anna').types('/tenant whoami')).answer();
    expect(answer.readable).toContain('slack:UANNA');
  });

  it('does not read an unsigned payload at all: Bolt refuses it with 401 before anything parses it', async () => {
    world = await World.start();
    for (const body of ['payload=null', `payload=${encodeURIComponent('{"type":"block_actions"')}`]) {
      expect((await postSignedToSlackEvents(world.url, body, 'not-the-signing-secret')).status).toBe(401);
    }
  });

  it('acknowledges a payload no listener takes within Slack’s 3 s, with an empty 200', async () => {
    world = await World.start();

    const unknown = await postSigned(world.url, `payload=${encodeURIComponent(JSON.stringify({ type: 'something_new', team: { id: 'T0001' } }))}`, FORM);
    expect(unknown).toEqual({ status: 200, body: '' });
    expect(await world.logged('no listener takes')).toContain('acknowledged empty');
  });
});
