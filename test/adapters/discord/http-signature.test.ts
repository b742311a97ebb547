import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signInteraction } from '../../fakes/discord.js';
import { APP_ID, appKeys, Harness } from './harness.js';

/** Only Discord, signing with the application's key within the last five minutes, gets past the endpoint. */
let h: Harness;
beforeAll(async () => {
  h = await Harness.start({ overHttp: true });
});
afterAll(() => h.close());

const ping = JSON.stringify({ id: '1', application_id: APP_ID, type: 1, token: 'ping-token', version: 1 });
const post = (body: string, headers: Record<string, string>) =>
  fetch(h.endpoint!.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
const now = () => Math.floor(Date.now() / 1000);

describe('POST /discord/interactions', () => {
  it('answers a signed PING with PONG', async () => {
    const res = await post(ping, signInteraction(h.endpoint!.keys.privateKey, ping));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toEqual({ type: 1 });
  });

  it.each([
    ['signed with another key', () => signInteraction(appKeys().privateKey, ping)],
    ['signed over another body', () => signInteraction(h.endpoint!.keys.privateKey, ping.replace('ping-token', 'other'))],
    ['signed six minutes ago', () => signInteraction(h.endpoint!.keys.privateKey, ping, String(now() - 6 * 60))],
    ['dated six minutes ahead', () => signInteraction(h.endpoint!.keys.privateKey, ping, String(now() + 6 * 60))],
    ['without a timestamp', () => ({ 'x-signature-ed25519': signInteraction(h.endpoint!.keys.privateKey, ping)['x-signature-ed25519']! })],
    ['without a signature', () => ({ 'x-signature-timestamp': String(now()) })],
    ['with a signature that is not hex', () => ({ 'x-signature-ed25519': 'zz'.repeat(64), 'x-signature-timestamp': String(now()) })],
  ])('refuses a request %s with 401 and does nothing', async (_why, headers) => {
    const calls = h.fake.calls.length;
    const res = await post(ping, headers());
    expect(res.status).toBe(401);
    expect(await res.text()).toBe('invalid request signature\n');
    expect(h.fake.calls.length).toBe(calls);
  });

  it('says why a refusal happened in the log, never the signature', async () => {
    const headers = signInteraction(appKeys().privateKey, ping);
    await post(ping, headers);
    const refusals = h.logs.filter((l) => l.includes('signature')).join('');
    expect(refusals).toContain('"reason":"bad-signature"');
    expect(refusals).not.toContain(headers['x-signature-ed25519']);
  });
});
