import { afterEach, describe, expect, it } from 'vitest';
import { StreamHarness, SECRET, START } from './harness.js';
import { linesOf, verifySignature } from './receiver.js';

/** The audit stream against a receiver on loopback: what it receives, when it fails, is slow, or asks to wait. */
let h: StreamHarness;
afterEach(() => h.stop());

/** Three audit entries: a link, a key made, the key extended. */
async function threeEntries(): Promise<void> {
  await h.bot.say('admin', '/tenant link @alice alice');
  const keyId = /`(k-[0-9a-f]+)`/.exec((await h.bot.say('alice', '/apikey create')).text)![1]!;
  await h.bot.say('alice', `/apikey extend ${keyId} 5`);
}

const idsOf = (events: Record<string, unknown>[]) => events.map((e) => e.event_id);

describe('the audit stream', () => {
  it('posts every entry once, in order, as signed JSON Lines batches of the exported event shape', async () => {
    h = await StreamHarness.start();
    await threeEntries();
    const report = await h.run();
    expect(report).toEqual({ delivered: 3, failures: 0, skipped: 0, backlog: 0 });

    // Two batches (batchSize 2), each verified by the receiver's own check from the README.
    expect(h.receiver.received.map((r) => linesOf(r.body).length)).toEqual([2, 1]);
    for (const r of h.receiver.received) {
      expect(r.headers['content-type']).toBe('application/x-ndjson');
      expect(r.headers['x-chatops-timestamp']).toBe(String(Math.floor(START / 1000)));
      expect(verifySignature(SECRET, r.headers, r.body)).toBe(true);
      // A body changed on the way, or another secret, fails the check.
      expect(verifySignature(SECRET, r.headers, r.body.replace('alice', 'mallory'))).toBe(false);
      expect(verifySignature('another-secret-of-some-length', r.headers, r.body)).toBe(false);
    }
    const events = h.receiver.takenEvents();
    expect(events.map((e) => [e.action, e.result, e.target])).toEqual([
      ['member.link', 'applied', 'local:alice'],
      ['apikey.create', 'applied', expect.stringMatching(/^k-/)],
      ['apikey.extend', 'applied', expect.stringMatching(/^k-/)],
    ]);
    expect(events[0]).toMatchObject({ time: '2026-12-01T09:00:00.000Z', project: 'local', actor: { member: 'admin', chat: 'local:admin', platform: 'local' } });
    // The stored entries' ids are the event ids: a batch sent again carries the same ones.
    const stored = await h.stored(3);
    expect(idsOf(events)).toEqual(stored.map((e) => e!.id));

    // Later entries: only they go, in the next run.
    await h.bot.say('admin', '/tenant link @bob bob');
    expect(await h.run()).toEqual({ delivered: 1, failures: 0, skipped: 0, backlog: 0 });
    expect(h.receiver.takenEvents().map((e) => e.action)).toEqual(['member.link', 'apikey.create', 'apikey.extend', 'member.link']);
    expect(new Set(idsOf(h.receiver.takenEvents())).size).toBe(4);
  });

  it('a receiver that fails (500) is tried again with exponential backoff and jitter; once it recovers it gets everything, in order', async () => {
    h = await StreamHarness.start();
    await threeEntries();
    h.receiver.answer = (r) => (r.n <= 3 ? { status: 500 } : { status: 200 });
    const report = await h.run();
    expect(report).toEqual({ delivered: 3, failures: 3, skipped: 0, backlog: 0 });
    // Base 1 s doubling, half of each wait jitter (the injected random is 0.5): 0.75 s, 1.5 s, 3 s.
    expect(h.waits).toEqual([750, 1_500, 3_000]);
    expect(h.failures).toEqual(['server_error', 'server_error', 'server_error']);
    // The first batch, refused three times, is the same batch each time; then the second.
    const firstBatch = linesOf(h.receiver.received[0]!.body).map((e) => e.event_id);
    expect(h.receiver.received.slice(0, 4).map((r) => linesOf(r.body).map((e) => e.event_id))).toEqual([firstBatch, firstBatch, firstBatch, firstBatch]);
    expect(h.receiver.takenEvents().map((e) => e.action)).toEqual(['member.link', 'apikey.create', 'apikey.extend']);
  });

  it('a receiver down for an hour gets everything afterwards, in order; the waits grow to at most 5 minutes', async () => {
    h = await StreamHarness.start();
    await threeEntries();
    const upAt = START + 60 * 60 * 1000;
    h.receiver.answer = () => (h.clock.t < upAt ? { status: 503 } : { status: 200 });
    // This run ends after five refusals; entries keep coming during the outage and wait in the log.
    h.stopAfterWaits = 5;
    expect(await h.run()).toEqual({ delivered: 0, failures: 5, skipped: 0, backlog: 3 });
    for (const m of ['m1', 'm2', 'm3']) await h.bot.say('admin', `/tenant link @${m} ${m}`);
    h.stopAfterWaits = Number.POSITIVE_INFINITY;
    const report = await h.run();
    expect(h.clock.t).toBeGreaterThanOrEqual(upAt);
    expect(h.waits.slice(0, 6)).toEqual([750, 1_500, 3_000, 6_000, 12_000, 24_000]);
    expect(Math.max(...h.waits)).toBeLessThanOrEqual(300_000);
    expect(h.waits.slice(-3)).toEqual([225_000, 225_000, 225_000]);
    expect(report).toMatchObject({ delivered: 6, failures: h.waits.length - 5, backlog: 0 });
    const events = h.receiver.takenEvents();
    expect(events.map((e) => e.action)).toEqual(['member.link', 'apikey.create', 'apikey.extend', 'member.link', 'member.link', 'member.link']);
    expect(idsOf(events)).toEqual((await h.stored(6)).map((e) => e!.id));
  });

  it('a slow receiver: the batch is abandoned at the deadline and sent again (same event ids)', async () => {
    h = await StreamHarness.start({ webhook: { deadlineMs: 300 } });
    await threeEntries();
    h.receiver.answer = (r) => (r.n === 1 ? 'hang' : { status: 200 });
    const report = await h.run();
    expect(report).toEqual({ delivered: 3, failures: 1, skipped: 0, backlog: 0 });
    expect(h.failures).toEqual(['timeout']);
    expect(h.waits).toEqual([750]);
    expect(h.receiver.received[0]!.status).toBeUndefined();
    expect(linesOf(h.receiver.received[1]!.body).map((e) => e.event_id)).toEqual(linesOf(h.receiver.received[0]!.body).map((e) => e.event_id));
    expect(h.receiver.takenEvents().map((e) => e.action)).toEqual(['member.link', 'apikey.create', 'apikey.extend']);
  });

  it('429 with Retry-After in seconds, and as an HTTP-date, is waited out exactly; a Retry-After of days is held to an hour', async () => {
    h = await StreamHarness.start();
    await threeEntries();
    h.receiver.answer = (r) => {
      if (r.n === 1) return { status: 429, headers: { 'retry-after': '7' } };
      // Two minutes after the clock reads now (START + 7 s), in RFC 9110's IMF-fixdate.
      if (r.n === 2) return { status: 429, headers: { 'retry-after': new Date(h.clock.t + 120_000).toUTCString() } };
      if (r.n === 3) return { status: 503, headers: { 'retry-after': String(3 * 24 * 3600) } };
      return { status: 200 };
    };
    await h.run();
    expect(h.waits).toEqual([7_000, 120_000, 3_600_000]);
    expect(h.failures).toEqual(['rate_limited', 'rate_limited', 'server_error']);
    expect(h.receiver.takenEvents()).toHaveLength(3);
  });

  it('the Splunk HEC preset: HEC event envelopes, Authorization: Splunk <token>, signed all the same', async () => {
    h = await StreamHarness.start({ webhook: { format: 'splunk-hec' } });
    await threeEntries();
    await h.run();
    const [first] = h.receiver.received;
    expect(first!.headers.authorization).toBe(`Splunk ${SECRET}`);
    expect(first!.headers['content-type']).toBe('application/json');
    expect(verifySignature(SECRET, first!.headers, first!.body)).toBe(true);
    const [envelope] = linesOf(first!.body);
    expect(envelope).toEqual({ time: START / 1000, source: 'twcc-chatops', sourcetype: 'twcc-chatops:audit', event: expect.objectContaining({ action: 'member.link' }) });
  });

  it('a number counted but not (yet) written is waited for, then skipped as a failed write; nothing after it is lost', async () => {
    h = await StreamHarness.start({ stream: { gapGraceMs: 60_000 } });
    await h.bot.say('admin', '/tenant link @alice alice');
    // An append that counted its number and has not written (or died before writing).
    await h.bot.store.increment('log:audit:number', 100 * 365 * 24 * 60 * 60 * 1000);
    await h.bot.say('admin', '/tenant link @bob bob');
    expect(await h.run()).toEqual({ delivered: 1, failures: 0, skipped: 0, backlog: 2 });
    h.clock.t += 59_000;
    expect(await h.run()).toEqual({ delivered: 0, failures: 0, skipped: 0, backlog: 2 });
    h.clock.t += 1_000;
    expect(await h.run()).toEqual({ delivered: 1, failures: 0, skipped: 1, backlog: 0 });
    expect(h.receiver.takenEvents().map((e) => e.target)).toEqual(['local:alice', 'local:bob']);
  });
});

describe('AUDIT_KEEP with a stream', () => {
  it('prunes no entry the receiver has not taken; once taken, the old ones go', async () => {
    h = await StreamHarness.start({ bot: { auditKeep: 3 } });
    h.receiver.answer = () => ({ status: 500 });
    h.stopAfterWaits = 1;
    await h.run(); // the stream's first start: nothing to send yet
    for (const p of ['a1', 'a2', 'a3', 'a4', 'a5', 'a6']) await h.bot.say('admin', `/tenant link @${p} ${p}`);
    await h.run();
    // Six entries, AUDIT_KEEP 3, nothing streamed: all six are still there.
    expect((await h.stored(6)).every((e) => e !== undefined)).toBe(true);

    h.receiver.answer = () => ({ status: 200 });
    expect(await h.run()).toMatchObject({ delivered: 6, backlog: 0 });
    expect(h.receiver.takenEvents().map((e) => e.target)).toEqual(['local:a1', 'local:a2', 'local:a3', 'local:a4', 'local:a5', 'local:a6']);
    expect((await h.stored(6)).map((e) => e !== undefined)).toEqual([false, false, false, true, true, true]);
    // Streamed: the next entry prunes as before.
    await h.bot.say('admin', '/tenant link @a7 a7');
    expect((await h.stored(7)).map((e) => e !== undefined)).toEqual([false, false, false, false, true, true, true]);
    expect((await h.bot.say('admin', '/tenant audit 10')).text).toContain('local:a7');
  });
});
