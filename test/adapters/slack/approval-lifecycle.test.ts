import { afterEach, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import type { Sweeper } from '../../../src/core/sweeper.js';
import type { ApprovalSweepReport } from '../../../src/features/approvals/sweep.js';
import { APPROVALS, buttonsOf, World } from './harness.js';

const HOUR = 3_600_000;
const ESCALATION = 'CESCALATE';

let world: World | undefined;
let sweeper: Sweeper<ApprovalSweepReport> | undefined;
afterEach(async () => {
  await sweeper?.stop();
  await world?.close();
  world = sweeper = undefined;
});

it('on Slack: two approvals shown as they come, a thread reply naming who may approve, an escalated card whose decision edits both', async () => {
  let clock = Date.parse('2026-12-01T09:00:00Z');
  const approvals = loadConfig({
    APPROVAL_POLICY: 'quota.increase gpu>4 approvals=2; quota approvals=1',
    APPROVAL_REMIND_AFTER: '1h',
    APPROVAL_ESCALATE_AFTER: '4h',
    ESCALATION_CHANNEL: ESCALATION,
  }).parsed.approvals;
  world = await World.start({ now: () => clock, approvals, escalationChannel: ESCALATION });
  const w = world;
  sweeper = w.core.sweeper<ApprovalSweepReport>('approval', { takeoverMs: 5_000 });
  const admin1 = w.person('UADMIN1', 'admin1');
  const admin2 = w.person('UADMIN2', 'admin2');
  const alice = w.person('UALICE', 'alice');
  await (await admin1.types(`/tenant link ${alice.mention} alice`)).answer();
  await (await admin2.types('/tenant whoami')).answer();

  const asked = await (await alice.types('/quota request vcs gpu=8 a bigger model')).answer();
  expect(asked.readable).toMatch(/It needs 2 approvals\.$/);
  const card = await w.postedIn(APPROVALS);
  expect(card.readable).toContain('Needs 2 approvals: 0 of 2 so far.');

  // The first approval: the card is edited in place, its buttons kept for the second.
  await admin1.clicks(card, 'Approve');
  const firstUpdate = await w.fake.waitFor('the card edited', () => w.fake.callsTo('chat.update')[0]);
  expect(firstUpdate.args).toMatchObject({ channel: APPROVALS, ts: card.ts });
  const once = await w.postedIn(APPROVALS);
  expect(once.readable).toContain('Needs 2 approvals: 1 of 2 so far, by @admin1.');
  expect(buttonsOf(once)).toHaveLength(2);

  // An hour later: a thread reply under the card, naming who may still approve.
  clock += HOUR;
  expect((await sweeper.runOnce())?.reminded).toBe(1);
  const reminder = w.fake.callsTo('chat.postMessage').find((c) => c.args.thread_ts !== undefined)!;
  expect(reminder.args).toMatchObject({ channel: APPROVALS, thread_ts: card.ts });
  expect(reminder.args.text).toMatch(/^Still waiting for a decision after 1 h: VCS quota request `[\w-]+` \(gpu 1 → 8\)\. @admin2 may approve or reject it;/);

  // Four hours: the request goes to the escalation channel too, as a card of its own.
  clock += 3 * HOUR;
  expect(await sweeper.runOnce()).toMatchObject({ escalated: 1 });
  const escalated = await w.postedIn(ESCALATION);
  expect(escalated.readable).toMatch(/^\*Escalated:\* this request has waited 4 h with no decision\./);
  expect(escalated.readable).toContain('Needs 2 approvals: 1 of 2 so far, by @admin1.');

  // admin1 again, on the escalated card: one person, one vote.
  expect((await (await admin1.clicks(escalated, 'Approve')).answer()).readable).toBe(
    'You have already approved this request; it needs another approver. Nothing was changed.',
  );
  // admin2 decides there: both cards say so.
  await admin2.clicks(escalated, 'Approve');
  await w.fake.waitFor('both cards edited', () => {
    const updated = w.fake.callsTo('chat.update').map((c) => `${String(c.args.channel)}/${String(c.args.ts)}`);
    return updated.includes(`${ESCALATION}/${escalated.ts}`) && updated.filter((u) => u === `${APPROVALS}/${card.ts}`).length === 2 ? true : undefined;
  });
  for (const channel of [APPROVALS, ESCALATION]) {
    const now = await w.postedIn(channel);
    expect(now.readable).toContain('Approved by @admin1, @admin2 and applied.');
    expect(buttonsOf(now)).toEqual([]);
  }
  expect((await w.dmTo('UALICE')).readable).toMatch(/^Your VCS quota request `[\w-]+` \(gpu 1 → 8\): Approved by @admin1, @admin2 and applied\.$/);
  // Decided: the sweep leaves it alone.
  clock += 24 * HOUR;
  expect(await sweeper.runOnce()).toMatchObject({ reminded: 0, escalated: 0, expired: 0 });
});
