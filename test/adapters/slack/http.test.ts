import { afterEach, describe, expect, it, vi } from 'vitest';
import { LocalRegistry } from '../../../src/backends/local/registry.js';
import type { Actor } from '../../../src/backends/port.js';
import { World } from './harness.js';

let world: World | undefined;

afterEach(async () => {
  await world?.close();
  world = undefined;
});

const SLOW_MS = 4_000;

/** The embedded registry behind a slow network: creating a key takes 4 s (or as told). */
class SlowRegistry extends LocalRegistry {
  finishedAt: number | undefined;
  delayMs = SLOW_MS;
  override async createKey(actor: Actor) {
    await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    const created = await super.createKey(actor);
    this.finishedAt = Date.now();
    return created;
  }
}

describe('the Slack HTTP endpoint', () => {
  it('listens on the real port when PORT is 0, and serves /healthz and /metrics beside /slack/events', async () => {
    world = await World.start();
    expect(world.slack.port).toBeGreaterThan(0);

    const health = await fetch(`${world.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.text()).toBe('ok\n');

    await (await world.person('UADMIN1', 'admin1').types('/tenant whoami')).answer();
    const metrics = await fetch(`${world.url}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await metrics.text()).toMatch(/^chatops_invocations_total\{platform="slack",kind="command",outcome="reply"\} [1-9]/m);
  });

  it('answers 401 to a bad signature and runs nothing', async () => {
    world = await World.start();
    const handle = vi.spyOn(world.core, 'handle');
    const sent = await world.person('UADMIN1', 'admin1').types('/apikey create', { secret: 'not-the-signing-secret' });
    expect(sent.status).toBe(401);
    expect(handle).not.toHaveBeenCalled();
    expect(world.fake.responses).toEqual([]);
  });

  it('answers 401 to a request signed more than 5 minutes ago and runs nothing', async () => {
    world = await World.start();
    const handle = vi.spyOn(world.core, 'handle');
    const sent = await world.person('UADMIN1', 'admin1').types('/apikey create', { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 });
    expect(sent.status).toBe(401);
    expect(handle).not.toHaveBeenCalled();
    expect(world.fake.responses).toEqual([]);
  });

  it('acknowledges a Slack retry (X-Slack-Retry-Num) of a handled command without running it again', async () => {
    world = await World.start();
    const admin = world.person('UADMIN1', 'admin1');
    const first = await admin.types('/apikey create', { triggerId: 'trigger-1' });
    await first.answer();

    const retry = await admin.types('/apikey create', { triggerId: 'trigger-1', responseUrl: first.responseUrl, headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' } });
    expect(retry.status).toBe(200);
    // The core claims the delivery id: the retry is answered nowhere and creates nothing.
    expect(await world.logged('delivery already handled; not run again')).toContain('"kind":"command"');
    expect(first.answers()).toHaveLength(1);
    expect(await world.store.collection('keys').values()).toHaveLength(1);
  });

  it('answers a read-only command each time it is delivered: a read is not claimed, so a retry is never left unanswered', async () => {
    world = await World.start();
    const admin = world.person('UADMIN1', 'admin1');
    await (await admin.types('/apikey create')).answer();
    const first = await admin.types('/apikey list', { triggerId: 'trigger-list' });
    await first.answer();

    const retry = await admin.types('/apikey list', { triggerId: 'trigger-list', responseUrl: first.responseUrl, headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' } });
    expect(retry.status).toBe(200);
    await world.fake.waitFor('a second answer', () => world!.fake.responsesTo(first.responseUrl)[1]);
    expect(first.answers().map((a) => a.readable)).toEqual([expect.stringMatching(/^You have 1 API key:/), expect.stringMatching(/^You have 1 API key:/)]);
  });

  it('acknowledges empty while the backend takes 4 s (past SLACK_ACK_ANSWER_MS), and answers through response_url when it is done', async () => {
    let slow: SlowRegistry | undefined;
    world = await World.start({ backend: (store) => (slow = new SlowRegistry(store)) });
    const admin = world.person('UADMIN1', 'admin1');

    const sent = await admin.types('/apikey create');
    // Slack has its 200 while the backend is still working.
    expect(sent).toMatchObject({ status: 200, body: '' });
    expect(slow!.finishedAt).toBeUndefined();
    expect(sent.answers()).toEqual([]);

    const answer = await sent.answer();
    expect(slow!.finishedAt).toBeDefined();
    expect(answer.readable).toMatch(/^New API key `k-[0-9a-f]+` created\./);
    expect(world.fake.responsesTo(sent.responseUrl)).toEqual([expect.not.objectContaining({ inAck: true })]);
  });

  it('answers a command the core finishes within SLACK_ACK_ANSWER_MS in the acknowledgement, and nowhere else', async () => {
    let slow: SlowRegistry | undefined;
    world = await World.start({ backend: (store) => (slow = new SlowRegistry(store)), ackAnswerMs: 1_000 });
    const admin = world.person('UADMIN1', 'admin1');
    // The first command of a user whose Slack locale is not yet known: acknowledged empty at once (the
    // users.info look-up never eats into Slack's 3 s), and answered through response_url.
    const first = await admin.types('/tenant whoami');
    expect(first).toMatchObject({ status: 200, body: '' });
    expect((await first.answer()).readable).toMatch(/Role: admin/);
    expect(world.fake.responsesTo(first.responseUrl)).toEqual([expect.not.objectContaining({ inAck: true })]);
    slow!.delayMs = 100;
    const sent = await admin.types('/apikey create');
    expect(sent.status).toBe(200);
    expect(JSON.parse(sent.body)).toMatchObject({ response_type: 'ephemeral', text: expect.stringMatching(/^New API key `k-[0-9a-f]+` created\./) as string });
    expect(slow!.finishedAt).toBeDefined();
    // Its work is over: stopping waits for nothing, and nothing more is posted for it.
    await world.slack.stop();
    expect(world.fake.responsesTo(sent.responseUrl)).toEqual([expect.objectContaining({ inAck: true })]);
  });

  it('acknowledges a command that is not ours at once, and ignores it', async () => {
    world = await World.start();
    const handle = vi.spyOn(world.core, 'handle');
    const sent = await world.person('UADMIN1', 'admin1').types('/deploy prod');
    expect(sent).toMatchObject({ status: 200, body: '' });
    expect(await world.logged('Slack payload ignored')).toContain('slash command: not one of ours');
    expect(handle).not.toHaveBeenCalled();
  });

  it('on stop, finishes work it has acknowledged before stopping', async () => {
    let slow: SlowRegistry | undefined;
    world = await World.start({ backend: (store) => (slow = new SlowRegistry(store)) });
    slow!.delayMs = 500;
    const sent = await world.person('UADMIN1', 'admin1').types('/apikey create');
    expect(sent.status).toBe(200);

    await world.slack.stop();
    expect(slow!.finishedAt).toBeDefined();
    expect(sent.answers()).toHaveLength(1);
  });

  it('runs a command acknowledged while its user’s Slack locale was still being looked up, though the bot starts stopping meanwhile', async () => {
    world = await World.start();
    world.fake.usersInfoDelayMs = 400;
    const sent = await world.person('UADMIN1', 'admin1').types('/tenant whoami');
    expect(sent).toMatchObject({ status: 200, body: '' });
    // SIGTERM: the core takes no new work, but this one was admitted at its ack.
    await world.core.stop(5_000);
    expect((await sent.answer()).readable).toMatch(/Role: admin/);
    expect(sent.answers()).toHaveLength(1);
  });

  it('stops: /slack/events refuses connections afterwards', async () => {
    world = await World.start();
    const url = world.url;
    await world.slack.stop();
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });
});
