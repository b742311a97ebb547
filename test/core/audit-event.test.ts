import { describe, expect, it } from 'vitest';
import { AuditEntry } from '../../src/core/audit.js';
import { ACTIONS, AuditEvent, csvHeader, exportedResult, toAuditEvent, toCsvLine, toJsonLine } from '../../src/core/audit-event.js';

const entry = (over: Partial<AuditEntry> = {}): AuditEntry =>
  AuditEntry.parse({
    id: '2026-12-01T09:30:00.000Z-000001-a1b2c3',
    at: '2026-12-01T09:30:00.000Z',
    actor: 'slack:U1',
    member: 'alice',
    platform: 'slack',
    workspace: 'T1',
    channel: 'C1',
    action: 'key.created',
    target: 'key-1',
    outcome: 'ok',
    ...over,
  });

describe('toAuditEvent: the one exported shape', () => {
  it('maps a stored entry field by field, and the result validates against the schema', () => {
    const e = toAuditEvent(entry({ ref: 'r-7', detail: 'apply on portal', action: 'quota.approved', target: 'bob/hpc' }), { project: 'GOV108009' });
    expect(AuditEvent.parse(e)).toEqual({
      event_id: '2026-12-01T09:30:00.000Z-000001-a1b2c3',
      time: '2026-12-01T09:30:00.000Z',
      actor: { member: 'alice', chat: 'slack:U1', platform: 'slack' },
      action: 'quota.approve',
      target: 'bob/hpc',
      result: 'applied',
      request_id: 'r-7',
      project: 'GOV108009',
      details: { outcome: 'ok', text: 'apply on portal', workspace: 'T1', channel: 'C1', internal_action: 'quota.approved' },
    });
  });

  it('names actions by what was done to what (apikey.create, quota.approve, member.link), and passes an unknown one through', () => {
    const action = (a: string) => toAuditEvent(entry({ action: a }), { project: 'p' }).action;
    expect(action('key.created')).toBe('apikey.create');
    expect(action('key.deleted')).toBe('apikey.delete');
    expect(action('quota.approved')).toBe('quota.approve');
    expect(action('quota.rejected')).toBe('quota.reject');
    expect(action('link.created')).toBe('member.link');
    expect(action('link.login')).toBe('member.login');
    expect(action('something.new')).toBe('something.new');
    // Every exported name is a noun.verb pair, and no two internal names collide.
    expect(new Set(Object.values(ACTIONS)).size).toBe(Object.keys(ACTIONS).length);
    for (const name of Object.values(ACTIONS)) expect(name).toMatch(/^(apikey|quota|member|grant)\.[a-z_]+$/);
  });

  it('maps outcomes to applied | not_applied | unknown | refused, a backend verdict in the detail winning over ok', () => {
    expect(exportedResult({ outcome: 'ok' })).toBe('applied');
    expect(exportedResult({ outcome: 'failed', detail: 'twcc_unavailable' })).toBe('not_applied');
    expect(exportedResult({ outcome: 'expired' })).toBe('not_applied');
    expect(exportedResult({ outcome: 'cancelled' })).toBe('not_applied');
    expect(exportedResult({ outcome: 'rejected' })).toBe('refused');
    expect(exportedResult({ outcome: 'unknown', detail: 'maybe_applied' })).toBe('unknown');
    expect(exportedResult({ outcome: 'ok', detail: '+30d not_applied → 2027-01-01T00:00:00.000Z' })).toBe('not_applied');
    expect(exportedResult({ outcome: 'ok', detail: 'unknown {"gpu":4}' })).toBe('unknown');
    expect(exportedResult({ outcome: 'ok', detail: 'applied {"gpu":4}' })).toBe('applied');
  });

  it('a member-less actor (a failed login) exports member: null, and an entry without detail or ref exports nulls', () => {
    const e = toAuditEvent(entry({ member: undefined, action: 'link.login', outcome: 'failed', detail: undefined }), { project: 'p' });
    expect(e.actor.member).toBeNull();
    expect(e.request_id).toBeNull();
    expect(e.details.text).toBeNull();
    expect(e.result).toBe('not_applied');
  });

  it('is pure: the same entry gives the same event, so a retried delivery carries the same event_id', () => {
    const a = entry();
    expect(toAuditEvent(a, { project: 'p' })).toEqual(toAuditEvent(a, { project: 'p' }));
  });

  it('writes JSON Lines that parse back to the event, and CSV with a header, quoting and spreadsheet-formula defusing', () => {
    const e = toAuditEvent(entry({ detail: '=HYPERLINK("x"), and more\nlines' }), { project: 'p' });
    const line = toJsonLine(e);
    expect(line.endsWith('\n')).toBe(true);
    expect(AuditEvent.parse(JSON.parse(line))).toEqual(e);
    expect(csvHeader()).toBe(
      'event_id,time,actor.member,actor.chat,actor.platform,action,target,result,request_id,project,details.outcome,details.text,details.workspace,details.channel,details.internal_action\r\n',
    );
    expect(toCsvLine(e)).toBe(
      `2026-12-01T09:30:00.000Z-000001-a1b2c3,2026-12-01T09:30:00.000Z,alice,slack:U1,slack,apikey.create,key-1,applied,,p,ok,"'=HYPERLINK(""x""), and more\nlines",T1,C1,key.created\r\n`,
    );
  });

  it('refuses a shape with an extra field or a non-UTC time', () => {
    const e = toAuditEvent(entry(), { project: 'p' });
    expect(() => AuditEvent.parse({ ...e, secret: 'x' })).toThrow();
    expect(() => AuditEvent.parse({ ...e, time: '2026-12-01T17:30:00+08:00' })).toThrow();
  });
});

describe('the README documents the event shape', () => {
  it('a table row for every field (nested ones as actor.member), every exported action, and the export commands', async () => {
    const { readFileSync } = await import('node:fs');
    const readme = readFileSync('README.md', 'utf8');
    const section = readme.slice(readme.indexOf('\n## The audit trail\n'), readme.indexOf('\n## Logs\n'));
    expect(section.length).toBeGreaterThan(100);
    const rows = section.split('\n').filter((l) => l.startsWith('| `'));
    const documented = new Set(rows.flatMap((r) => [...r.split('|')[1]!.matchAll(/`([a-z_.]+)`/g)].map((m) => m[1]!)));
    const shape = AuditEvent.shape;
    const fields = Object.entries(shape).flatMap(([k, v]) => ('shape' in v ? Object.keys((v as { shape: object }).shape).map((n) => `${k}.${n}`) : [k]));
    for (const field of fields) expect(documented, field).toContain(field);
    for (const action of Object.values(ACTIONS)) expect(section, action).toContain(`\`${action}\``);
    for (const result of ['applied', 'not_applied', 'unknown', 'refused']) expect(section).toContain(`\`${result}\``);
    expect(section).toContain('/tenant audit export [--since 2026-12-01] [--format jsonl|csv]');
    expect(section).toContain('npm run audit:export -- --out FILE');
  });
});
