import { describe, expect, it } from 'vitest';
import { loadConfig, parseConfig } from '../src/config.js';

/** Each problem as the start-up error lists it: `VARIABLE: message`. */
const problems = (env: Record<string, string>): string[] => {
  const r = parseConfig(env);
  return r.ok ? [] : r.problems.map((p) => `${p.variable}: ${p.message}`);
};

describe('approval variables, checked at start', () => {
  it('defaults: one other admin, a reason required, 72 h to decide, a reminder after 24 h, no escalation', () => {
    const c = loadConfig({});
    expect(c.parsed.approvals).toMatchObject({ rules: [], reason: 'required', ttlMs: 72 * 3_600_000, remindAfterMs: 24 * 3_600_000, escalateAfterMs: undefined });
    expect([c.APPROVAL_TTL, c.APPROVAL_REMIND_AFTER, c.APPROVAL_ESCALATE_AFTER]).toEqual(['72h', '24h', 'off']);
  });

  it('every duration takes the REMINDER_INTERVAL syntax, seconds from 5s up', () => {
    const c = loadConfig({ APPROVAL_TTL: '5s', APPROVAL_REMIND_AFTER: '30s', APPROVAL_ESCALATE_AFTER: '2m', ESCALATION_CHANNEL: 'CESC' });
    expect(c.parsed.approvals).toMatchObject({ ttlMs: 5_000, remindAfterMs: 30_000, escalateAfterMs: 120_000 });
    expect(problems({ APPROVAL_TTL: '4s', APPROVAL_REMIND_AFTER: '10', APPROVAL_ESCALATE_AFTER: 'soon' })).toEqual([
      'APPROVAL_TTL: "4s" is too short; write 5s or more',
      'APPROVAL_REMIND_AFTER: "10" is not a duration; write a number and a unit (s, m, h, d), e.g. 30s or 1h, or off',
      'APPROVAL_ESCALATE_AFTER: "soon" is not a duration; write a number and a unit (s, m, h, d), e.g. 30s or 1h, or off',
    ]);
    // A request always expires: APPROVAL_TTL has no `off`.
    expect(problems({ APPROVAL_TTL: 'off' })).toEqual(['APPROVAL_TTL: "off" is not a duration; write a number and a unit (s, m, h, d), e.g. 30s or 1h']);
    expect(loadConfig({ REMINDER_INTERVAL: '5s' }).parsed.reminderIntervalMs).toBe(5_000);
  });

  it('APPROVAL_POLICY: rules in order; a rule that does not read is named, with an example', () => {
    const c = loadConfig({
      APPROVAL_POLICY: 'quota.increase gpu>4 memory>=256G approvals=2 approvers=@gpu-owners; quota approvals=1',
      APPROVER_GROUPS: 'gpu-owners=alice+slack:U123',
    });
    expect(c.parsed.approvals.rules).toEqual([
      {
        text: 'quota.increase gpu>4 memory>=256G approvals=2 approvers=@gpu-owners',
        subject: 'quota.increase',
        conditions: [
          { resource: 'gpu', op: '>', value: 4 },
          { resource: 'memory', op: '>=', value: 256 * 1024 },
        ],
        approvals: 2,
        group: 'gpu-owners',
      },
      { text: 'quota approvals=1', subject: 'quota', conditions: [], approvals: 1 },
    ]);
    expect([...c.parsed.approvals.groups]).toEqual([['gpu-owners', ['alice', 'slack:U123']]]);
    const example = 'write rules like quota.increase gpu>4 approvals=2; quota.increase approvals=1; quota.decrease approvals=1';
    expect(problems({ APPROVAL_POLICY: 'quota.grow approvals=2; quota gpu>many approvals=1; quota approvals=0; quota gpu>1' })).toEqual([
      `APPROVAL_POLICY: rule "quota.grow approvals=2": "quota.grow" is not one of quota, quota.increase, quota.decrease, quota.set, quota.request; ${example}`,
      `APPROVAL_POLICY: rule "quota gpu>many approvals=1": "gpu>many" does not compare gpu with a number; ${example}`,
      `APPROVAL_POLICY: rule "quota approvals=0": approvals=0 is not from 1 to 10; ${example}`,
      `APPROVAL_POLICY: rule "quota gpu>1": it says no approvals=N; ${example}`,
    ]);
  });

  it('a group the policy names must exist; an escalation must have somewhere to go; a group reads as group=member+member', () => {
    expect(problems({ APPROVAL_POLICY: 'quota approvals=1 approvers=@owners', APPROVAL_ESCALATE_AFTER: '4h' })).toEqual([
      'APPROVAL_POLICY: approvers=@owners names no group; define it in APPROVER_GROUPS (e.g. owners=alice+dave)',
      'APPROVAL_ESCALATE_AFTER: is set, but none of ESCALATION_CHANNEL, DISCORD_ESCALATION_CHANNEL and MATTERMOST_ESCALATION_CHANNEL is; set the channel to escalate to, or APPROVAL_ESCALATE_AFTER=off',
    ]);
    expect(problems({ APPROVER_GROUPS: 'owners', APPROVAL_REASON: 'maybe' })).toEqual([
      'APPROVER_GROUPS: "owners" is not group=member+member; write e.g. gpu-owners=alice+dave (members by name, or slack:U123, discord:456)',
      'APPROVAL_REASON: "maybe" is not one of required, optional; write one of those',
    ]);
  });
});
