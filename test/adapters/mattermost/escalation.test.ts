import { afterEach, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import type { Sweeper } from '../../../src/core/sweeper.js';
import type { ApprovalSweepReport } from '../../../src/features/approvals/sweep.js';
import { actionsOf, APPROVALS, World } from './harness.js';

const HOUR = 3_600_000;
const ESCALATION = 'escalation';
/** Mattermost's own variables, all set (half of them is refused at start). */
const MATTERMOST = { MATTERMOST_URL: 'https://mm.example.org', MATTERMOST_BOT_TOKEN: 'bot', MATTERMOST_COMMAND_TOKENS: 'cmd', MATTERMOST_BOT_URL: 'https://bot.example.org' };

let world: World | undefined;
let sweeper: Sweeper<ApprovalSweepReport> | undefined;
afterEach(async () => {
  await sweeper?.stop();
  await world?.close();
  world = sweeper = undefined;
});

it('on Mattermost: a reply in the card’s thread naming who may approve, an escalated card whose decision edits both', async () => {
  let clock = Date.parse('2026-12-01T09:00:00Z');
  const approvals = loadConfig({
    APPROVAL_POLICY: 'quota approvals=1',
    APPROVAL_REMIND_AFTER: '1h',
    APPROVAL_ESCALATE_AFTER: '4h',
    MATTERMOST_ESCALATION_CHANNEL: ESCALATION,
    ...MATTERMOST,
  }).parsed.approvals;
  world = await World.start({ now: () => clock, approvals, escalationChannel: ESCALATION });
  const w = world;
  sweeper = w.core.sweeper<ApprovalSweepReport>('approval', { takeoverMs: 5_000 });
  const admin1 = w.person('uadmin1', 'admin1');
  const alice = w.person('ualice', 'alice');
  await (await admin1.types('/tenant link @alice alice')).answer();

  await (await alice.types('/quota request vcs gpu=8 a bigger model')).answer();
  const card = await w.postedIn(APPROVALS);

  // An hour later: a reply in the card's thread (root_id), naming who may approve.
  clock += HOUR;
  expect((await sweeper.runOnce())?.reminded).toBe(1);
  const reminder = w.fake.callsTo('POST', '/posts').find((c) => (c.body as { root_id?: string }).root_id !== undefined)!;
  expect(reminder.body).toMatchObject({ channel_id: APPROVALS, root_id: card.post.id });
  expect(String((reminder.body as { message: string }).message)).toMatch(/^Still waiting for a decision after 1 h: VCS quota request `[\w-]+` \(gpu 1 → 8\)\. @\u200B?admin1/);

  // Four hours: a copy of the card, with its buttons, in the escalation channel.
  clock += 3 * HOUR;
  expect(await sweeper.runOnce()).toMatchObject({ escalated: 1 });
  const escalated = await w.postedIn(ESCALATION);
  expect(escalated.readable).toContain('Escalated');
  expect(actionsOf(escalated).map((a) => a.name)).toEqual(['Approve', 'Reject']);

  // Decided on the escalated copy: the approvals card is edited too (PUT /posts/{id}/patch), buttons gone.
  await admin1.clicks(escalated, 'Approve');
  await w.fake.waitFor('the approvals card patched', () => w.fake.callsTo('PUT', `/posts/${card.post.id}/patch`)[0]);
  for (const channel of [APPROVALS, ESCALATION]) {
    const now = await w.postedIn(channel);
    expect(now.readable).toContain('Approved by @admin1 and applied.');
    expect(actionsOf(now)).toEqual([]);
  }
});

it('APPROVAL_ESCALATE_AFTER with only MATTERMOST_ESCALATION_CHANNEL set is a valid configuration', () => {
  expect(() => loadConfig({ APPROVAL_ESCALATE_AFTER: '4h', MATTERMOST_ESCALATION_CHANNEL: ESCALATION, ...MATTERMOST })).not.toThrow();
  expect(() => loadConfig({ APPROVAL_ESCALATE_AFTER: '4h', ...MATTERMOST })).toThrow('MATTERMOST_ESCALATION_CHANNEL');
});
