import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isKeyId, maskSecret } from '../../../src/backends/twcc/api-keys.js';
import { endpoints } from '../../../src/backends/twcc/assumptions.js';
import { ApiKeyItem, MemberListing, ProjectQuotas, UserDetail, parseAnswer } from '../../../src/backends/twcc/schemas.js';

const list = endpoints.listApiKeys();

describe('twcc schemas accept the documented variants', () => {
  it('reads floats, numeric strings and -1 (unlimited) in quotas', () => {
    const body = JSON.parse('[{"project": {"id": 1}, "cpu": {"usage": 24.0, "quota": -1}, "gpu": {"usage": "1.5", "quota": "8"}, "memory": {"usage": 1024.5, "quota": 65536.0}, "extra": true}]');
    expect(parseAnswer(ProjectQuotas, body, endpoints.projectQuotas('s', '1'))).toEqual({
      ok: true,
      value: [{ cpu: { usage: 24, quota: -1 }, gpu: { usage: 1.5, quota: 8 }, memory: { usage: 1024.5, quota: 65536 } }],
    });
  });

  it('reads key times as epoch seconds, milliseconds, numeric strings or ISO dates, under either name', () => {
    const parse = (item: object) => ApiKeyItem.parse(item);
    expect(parse({ id: 1, key: 'k', created_at: 1700000000, expired_time: 1700086400 })).toMatchObject({
      id: '1',
      created: '2023-11-14T22:13:20.000Z',
      expires: '2023-11-15T22:13:20.000Z',
      status: 'active',
      project: undefined,
    });
    expect(parse({ id: 'a1', create_time: '2024-05-01T08:00:00+08:00', expire_time: '1700000000000', project: { id: 7, name: 'GOV1' }, status: 'disabled' })).toMatchObject({
      id: 'a1',
      created: '2024-05-01T00:00:00.000Z',
      expires: '2023-11-14T22:13:20.000Z',
      project: 'GOV1',
      status: 'disabled',
    });
    // A zone-less time is taken as UTC (assumptions.ts); no expiry is null.
    expect(parse({ id: 2, created_at: '2024-05-01T08:00:00', expired_time: null, project: 42 })).toMatchObject({
      created: '2024-05-01T08:00:00.000Z',
      expires: null,
      project: '42',
    });
  });

  it('reads member listings with full rows and summary rows, and refuses half rows', () => {
    const user = { id: 'u1', username: 'u_one', display_name: null };
    const usage = { usage: 1, quota: 2 };
    expect(MemberListing.parse([{ user, cpu: usage, gpu: usage, memory: usage }, { user }])).toEqual([
      { user, resources: { cpu: usage, gpu: usage, memory: usage } },
      { user, resources: undefined },
    ]);
    const half = parseAnswer(MemberListing, [{ user, cpu: usage }], endpoints.userQuotas('s', '1'));
    expect(half).toEqual({ ok: false, code: 'unexpected_answer', detail: 'GET /api/v3/s/projects/1/user_quotas/ answered an unexpected shape: [0]: expected cpu, gpu and memory together' });
  });

  it('names the missing fields of a user without their values', () => {
    const r = parseAnswer(UserDetail, { id: 5, username: 'secret-looking-value' }, endpoints.userDetail('5'));
    expect(r).toEqual({
      ok: false,
      code: 'unexpected_answer',
      detail: 'GET /api/v2/users/5/ answered an unexpected shape: associating_projects: Invalid input: expected array, received undefined',
    });
  });

  it('caps the list of issues', () => {
    const r = parseAnswer(ApiKeyItem.array(), [{}, {}, {}, {}, {}, {}], list);
    expect(!r.ok && r.detail).toMatch(/; and \d+ more$/);
  });
});

describe('key display', () => {
  it('never shows more than eight characters of a secret', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 120 }).filter((s) => !/[*•…]|x{4}|X{4}/.test(s)), (secret) => {
        const masked = maskSecret(secret);
        const shown = masked.replace(/…/g, '');
        expect(shown.length).toBeLessThanOrEqual(8);
        if (secret.length > 8) expect(masked).not.toContain(secret);
      }),
    );
  });

  it('keeps a form TWCC masked itself, unless it shows too much', () => {
    expect(maskSecret('abcd************wxyz')).toBe('abcd************wxyz');
    expect(maskSecret('abcdefghijklmnop*')).toBe('abcd…nop*');
    expect(maskSecret(undefined)).toBe('…');
  });

  it('only takes plain ids into a path', () => {
    expect(['123', 'k-ab_12', 'a.b'].every(isKeyId)).toBe(true);
    expect(['.', '..', '../x', 'a/b', 'a?b', 'a b', '', 'x'.repeat(65)].some(isKeyId)).toBe(false);
  });
});
