import { afterEach, describe, expect, test } from 'vitest';
import { admin2, links, MEMBERS, ScaleWorld, type Person } from './scale-world.js';
import type { Ack, Shown } from './slack-traffic.js';

let world: ScaleWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const VICTIM = 0;
/** The replica dies once this many requests of the run have been acknowledged. */
const KILL_AFTER_ACKS = 12;
const ROUNDS = 2;

describe.each(['redis', 'postgres'] as const)('three replicas on one %s, one killed (SIGKILL) mid-run', (kind) => {
  test('every request another replica acknowledged is answered, and nothing runs twice', async () => {
    world = await ScaleWorld.start(kind, 3);
    const w = world;
    const victim = `127.0.0.1:${w.replicas.ports[VICTIM]}`;
    await w.answerTo(await w.slack.command(w.lb, admin2, '/tenant whoami'), 'whoami of admin2', /Role: admin/);
    for (const m of MEMBERS) await links(w, w.lb, m);
    const baseline = w.slack.acknowledged;

    let killing: Promise<void> | undefined;
    const tally = { byVictim: 0, bySurvivors: 0, survivorsAfterKill: 0, lostWithVictim: 0, notAcknowledged: 0 };
    const deletedKeys: string[] = [];

    /**
     * One request and its answer. The victim dies when enough were acknowledged; an answer owed by
     * a survivor must come (answerTo fails the test otherwise); one owed by the victim may be lost.
     */
    async function step(send: () => Promise<Ack>, what: string, expected: RegExp): Promise<Shown | undefined> {
      const ack = await send();
      if (!killing && w.slack.acknowledged - baseline >= KILL_AFTER_ACKS) killing = w.replicas.kill(VICTIM);
      if (ack.status !== 200) {
        tally.notAcknowledged += 1;
        return undefined;
      }
      // nginx lists every replica it tried: one that passed the request on from the victim may find
      // its delivery already claimed by the victim, whose work died with it.
      const tried = ack.replica?.split(', ') ?? [];
      if (!tried.includes(victim)) {
        tally.bySurvivors += 1;
        if (killing) tally.survivorsAfterKill += 1;
        return w.answerTo(ack, what, expected);
      }
      tally.byVictim += 1;
      const answer = await w.fake.waitFor(what, () => w.slack.answersAt(ack.responseUrl)[0], 3_000).catch(() => undefined);
      if (!answer) tally.lostWithVictim += 1;
      else w.answers += 1;
      return answer;
    }

    /** A member creates a key and deletes it after confirming, ROUNDS times; stops at a lost step, as a person would retype. */
    async function rounds(member: Person): Promise<void> {
      for (let round = 0; round < ROUNDS; round++) {
        const created = await step(() => w.slack.command(w.lb, member, '/apikey create'), `${member.name}'s key ${round}`, /^New API key `k-[0-9a-f]+` created/);
        const keyId = created && /`(k-[0-9a-f]+)`/.exec(created.text)?.[1];
        if (!keyId) continue;
        const card = await step(() => w.slack.command(w.lb, member, `/apikey delete ${keyId}`), `the card for ${keyId}`, /\[Delete\]/);
        if (!card) continue;
        const done = await step(() => w.slack.click(w.lb, member, card, 'Delete'), `${keyId} deleted`, new RegExp(`^Deleted \`${keyId}\`\\.$`));
        if (done) deletedKeys.push(keyId);
      }
    }

    await Promise.all(MEMBERS.map((m) => rounds(m)));
    expect(killing, 'the run ended before the replica was killed').toBeDefined();
    await killing;

    // The run really crossed the kill: the victim served before it, the survivors after it.
    expect(tally.byVictim).toBeGreaterThan(0);
    expect(tally.survivorsAfterKill).toBeGreaterThan(0);
    // Every key whose deletion was answered is gone, deleted exactly once.
    expect(deletedKeys.length).toBeGreaterThan(0);
    for (const keyId of deletedKeys) expect(await w.executions('key.deleted', keyId)).toBe(1);
    const entries = await w.store.collection<{ action: string; target: string; outcome: string }>('audit').values();
    const perKey = new Map<string, number>();
    for (const e of entries) if (e.action === 'key.deleted' && e.outcome === 'ok') perKey.set(e.target, (perKey.get(e.target) ?? 0) + 1);
    const duplicates = [...perKey.values()].reduce((sum, n) => sum + n - 1, 0);
    expect(duplicates).toBe(0);
    console.log(
      `[scale] ${kind}, 3 replicas, one killed: requests sent ${w.slack.sent}, acknowledged ${w.slack.acknowledged} ` +
        `(by survivors ${tally.bySurvivors}, by the killed replica ${tally.byVictim}), answers received ${w.answers}, ` +
        `lost with the killed replica ${tally.lostWithVictim}, not acknowledged ${tally.notAcknowledged}, duplicates executed ${duplicates}`,
    );
  }, 120_000);
});
