import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { sealLoginContext } from '../../../adapters/slack/modal-context.js';
import { GENERAL, SIGNING_SECRET, World } from './harness.js';

let world: World | undefined;
let attacker: Server | undefined;

afterEach(async () => {
  await world?.close();
  world = undefined;
  attacker?.closeAllConnections();
  await new Promise<void>((done) => (attacker ? attacker.close(() => done()) : done()));
  attacker = undefined;
});

/** A loopback server standing in for an attacker's: it records whatever reaches it. */
async function attackerServer(): Promise<{ url: string; received: string[]; reached: Promise<void> }> {
  const received: string[] = [];
  let reachedNow = () => {};
  const reached = new Promise<void>((done) => (reachedNow = done));
  attacker = createServer((req, res) => {
    received.push(`${req.method ?? ''} ${req.url ?? ''}`);
    res.end('thanks');
    reachedNow();
  });
  await new Promise<void>((done) => attacker!.listen(0, '127.0.0.1', done));
  const { port } = attacker.address() as { port: number };
  return { url: `http://127.0.0.1:${port}/collect`, received, reached };
}

/** The login modal as the bot renders it, carrying whatever private_metadata the sender chose. */
const loginView = (privateMetadata: string) => ({
  type: 'modal',
  callback_id: 'tenant-login',
  private_metadata: privateMetadata,
  blocks: [{ type: 'input', block_id: 'api-key', element: { type: 'plain_text_input', action_id: 'api-key' } }],
});

describe('the login modal’s context on Slack', () => {
  it('refuses a submission whose private_metadata names a URL of the sender’s choosing: that URL receives nothing', async () => {
    world = await World.start();
    const evil = await attackerServer();
    const mallory = world.person('UMALLORY', 'mallory');

    // As the bot once wrote it: plain JSON, trusted as it came back.
    const plain = await mallory.submits(loginView(JSON.stringify({ channelId: GENERAL, responseUrl: evil.url })), { 'api-key': 'anything-123456' });
    expect(plain.status).toBe(200);
    // Whichever comes first: the bot's word that it ignored the submission, or a request at the attacker's.
    await Promise.race([world.logged('private_metadata not sealed'), evil.reached]);
    expect(evil.received).toEqual([]);

    // A sealed context with another URL spliced in breaks the seal.
    const sealed = sealLoginContext(SIGNING_SECRET, { channelId: GENERAL, responseUrl: world.fake.newResponseUrl(), userId: 'UMALLORY' });
    const spliced = `${Buffer.from(JSON.stringify({ channelId: GENERAL, responseUrl: evil.url, userId: 'UMALLORY', expiresAt: Date.now() + 60_000 })).toString('base64url')}.${sealed.split('.')[1]}`;
    await mallory.submits(loginView(spliced), { 'api-key': 'anything-123456' });
    await Promise.race([world.logged('private_metadata bad seal'), evil.reached]);
    expect(evil.received).toEqual([]);
  });

  it('answers a quick command in its acknowledgement: a signed command naming another response_url gets nothing sent there', async () => {
    world = await World.start();
    const evil = await attackerServer();
    const mallory = world.person('UMALLORY', 'mallory');
    await mallory.types('/tenant whoami'); // her Slack locale is looked up once; from then on, answers ride in the ack

    const typed = await mallory.types('/tenant whoami', { responseUrl: evil.url });
    expect(typed.status).toBe(200);
    expect((await typed.answer()).readable).toMatch(/^You \(slack:UMALLORY\) are not linked/);
    expect(typed.answers()).toHaveLength(1);
    expect(evil.received).toEqual([]);
  });

  it('posts answers only to Slack’s own hosts: a signed command naming another response_url gets nothing sent there', async () => {
    // Every answer through response_url, as a command slower than SLACK_ACK_ANSWER_MS is answered.
    world = await World.start({ ackAnswerMs: 0 });
    const evil = await attackerServer();
    const mallory = world.person('UMALLORY', 'mallory');

    const typed = await mallory.types('/tenant whoami', { responseUrl: evil.url });
    expect(typed.status).toBe(200);
    // The answer and the note about the failure are both refused, and the refusal logged.
    await Promise.race([world.logged('could not tell the user about the failure'), evil.reached]);
    expect(evil.received).toEqual([]);
    expect(await world.logged('could not tell the user about the failure')).toContain('slack_response_url_refused');
  });
});
