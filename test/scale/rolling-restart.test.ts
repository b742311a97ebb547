import { afterEach, expect, test } from 'vitest';
import { admin2, links, MEMBERS, ScaleWorld, type Person } from './scale-world.js';

let world: ScaleWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

/** The load: each worker sends one request every PACE_MS (after the previous one was answered) until the deploy is over. */
const PACE_MS = 40;
const WORKERS = 3;

/** deploy/nginx.conf's fail_timeout: how long nginx leaves out a replica after a failed attempt. */
const NGINX_FAIL_TIMEOUT_MS = 2_000;

/** /readyz of one replica: its status, or `refused` once it no longer accepts connections. */
async function readyz(url: string): Promise<number | 'refused'> {
  return fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2_000) }).then(
    (r) => r.status,
    () => 'refused' as const,
  );
}

test('three replicas restarted one by one under steady load through nginx: no request fails', async () => {
  // Every answer through response_url, so the in-flight answer below is still on its way at SIGTERM
  // (a quick command is otherwise answered in its acknowledgement).
  world = await ScaleWorld.start('redis', 3, { SLACK_ACK_ANSWER_MS: '0' });
  const w = world;
  await w.answerTo(await w.slack.command(w.lb, admin2, '/tenant whoami'), 'whoami of admin2', /Role: admin/);
  const members = MEMBERS.slice(0, WORKERS);
  for (const m of members) await links(w, w.lb, m);

  // Steady load: each worker types commands through nginx, one after another, until the restart is over.
  let restarting = true;
  const load = { sent: 0, answered: 0, failed: [] as string[] };
  async function worker(member: Person): Promise<void> {
    for (let i = 0; restarting; i++) {
      const line = i % 10 === 0 ? '/apikey create' : '/tenant whoami';
      load.sent += 1;
      const ack = await w.slack.command(w.lb, member, line);
      const expected = line === '/apikey create' ? /^New API key `k-/ : new RegExp(`Member: ${member.name}, Role: user`);
      try {
        await w.answerTo(ack, `${line} by ${member.name}`, expected);
        load.answered += 1;
      } catch (err) {
        load.failed.push(err instanceof Error ? err.message : String(err));
      }
      await new Promise((r) => setTimeout(r, PACE_MS));
    }
  }
  const workers = Promise.all(members.map((m) => worker(m)));

  // A deploy: each replica gets SIGTERM, exits, and its successor starts in the same slot.
  // Its answer goes to a response_url the Slack front holds until /readyz has been seen to change (on
  // main, a stopping Slack adapter waits about 1 s for such a post, then for work in flight).
  const slow = { url: `${w.front.url}/respond/slow`, received: () => w.front.held() };
  const exits: { code: number | null; signal: string | null }[] = [];
  const readiness: (number | 'refused')[] = [];
  for (let slot = 0; slot < w.replicas.ports.length; slot++) {
    const url = w.replicas.url(slot);
    // Work in flight when SIGTERM arrives: acknowledged, its answer still on its way.
    const release = w.front.holdSlow();
    const inFlight = await w.slack.command(url, members[0]!, '/tenant whoami', { responseUrl: slow.url });
    expect(inFlight.status).toBe(200);
    const answersBefore = slow.received().length;
    const exited = w.replicas.terminate(slot);
    // Not ready while that work is still in flight (held by the front until this has been seen).
    let seen = await readyz(url);
    while (seen === 200) seen = await new Promise((r) => setTimeout(r, 25)).then(() => readyz(url));
    readiness.push(seen);
    expect(slow.received().length, 'the in-flight answer was already delivered').toBe(answersBefore);
    release();
    const exit = await exited;
    exits.push(exit);
    // It finished that work before exiting.
    expect(slow.received().length, `replica ${slot} exited ${JSON.stringify(exit)} first:\n${w.replicas.logs().slice(-3_000)}`).toBe(answersBefore + 1);
    await w.replicas.startSlot(slot);
    expect(await readyz(url)).toBe(200);
    // As the README says to deploy: nginx leaves out a replica it saw fail for fail_timeout (2 s), so the
    // next one is stopped only once this one is back in rotation (else two are out at once).
    await new Promise((r) => setTimeout(r, NGINX_FAIL_TIMEOUT_MS + 500));
  }
  restarting = false;
  await workers;

  // Not ready: /readyz said 503, or no longer accepted the connection, while work was in flight.
  expect(readiness.filter((r) => r !== 503 && r !== 'refused')).toEqual([]);
  expect(exits).toEqual(exits.map(() => ({ code: 0, signal: null })));
  // The load ran across the whole deploy (it stops only when the deploy is over), and nothing failed.
  expect(load.sent).toBeGreaterThanOrEqual(WORKERS);
  expect(load.failed, w.nginx.errorLog()).toEqual([]);
  expect(w.slack.failures, w.nginx.errorLog()).toEqual([]);
  expect(load.answered).toBe(load.sent);
  console.log(
    `[scale] rolling restart of 3 replicas: requests sent during it ${load.sent}, answered ${load.answered}, failed ${load.failed.length + w.slack.failures.length}; ` +
      `/readyz right after SIGTERM: ${readiness.join(', ')}`,
  );
}, 240_000);
