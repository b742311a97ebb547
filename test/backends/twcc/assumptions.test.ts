import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DISABLED_KEY_STATUSES, endpoints } from '../../../src/backends/twcc/assumptions.js';
import { ApiKeyItem, MemberListing, Projects, UserQuotaRows, parseAnswer } from '../../../src/backends/twcc/schemas.js';

/** Every assumption names its source; the variants that are easiest to see on one record are checked here. */
describe('twcc assumptions', () => {
  it('name the source of each exported fact: documented, reported or assumed', () => {
    const source = readFileSync(new URL('../../../src/backends/twcc/assumptions.ts', import.meta.url), 'utf8');
    const exported = [...source.matchAll(/\n((?:\/\*\*[\s\S]*?\*\/\n)?)export (?:const|interface) (\w+)/g)];
    expect(exported.length).toBeGreaterThan(15);
    const sourced = /(documented|reported|assumed)/i;
    const unsourced = exported.filter(([, doc, name]) => !['Endpoint', 'endpoints'].includes(name ?? '') && !sourced.test(doc ?? '')).map(([, , name]) => name);
    // STALE_PROJECT_503 shares the comment of STALE_PROJECT_404, LIST_ENVELOPE_FIELD's covers EPOCH_MS_ABOVE, and so on.
    const sharedComment = ['EPOCH_MS_ABOVE', 'DISABLED_KEY_STATUSES', 'STALE_PROJECT_503'];
    expect(unsourced.filter((n) => !sharedComment.includes(n ?? ''))).toEqual([]);
    // Each endpoint, too.
    const block = source.slice(source.indexOf('export const endpoints'), source.indexOf('};', source.indexOf('export const endpoints')));
    const calls = [...block.matchAll(/\/\*\*([\s\S]*?)\*\/\n\s+(\w+):/g)];
    expect(calls.map(([, , name]) => name).sort()).toEqual(Object.keys(endpoints).sort());
    for (const [, doc] of calls) expect(doc).toMatch(sourced);
  });

  it('read a key as disabled from any of the listed statuses, from false, or from is_active: false', () => {
    for (const status of [...DISABLED_KEY_STATUSES, 'DISABLED', false]) {
      expect(ApiKeyItem.parse({ id: 1, status }).disabled).toBe(true);
    }
    expect(ApiKeyItem.parse({ id: 1, is_active: false })).toMatchObject({ disabled: true, status: 'disabled' });
    expect(ApiKeyItem.parse({ id: 1, status: 'active' }).disabled).toBe(false);
    // No status at all: a key TWCC lists is taken as enabled.
    expect(ApiKeyItem.parse({ id: 1 })).toMatchObject({ disabled: false, status: 'active' });
  });

  it('read a key’s owner from user {id, username}, a user uuid string, user_id or owner_id', () => {
    expect(ApiKeyItem.parse({ id: 1, user: { id: 'u-1', username: 'u_one' } })).toMatchObject({ ownerId: 'u-1', ownerName: 'u_one' });
    expect(ApiKeyItem.parse({ id: 1, user: 'u-2' })).toMatchObject({ ownerId: 'u-2' });
    expect(ApiKeyItem.parse({ id: 1, user_id: 'u-3', username: 'u_three' })).toMatchObject({ ownerId: 'u-3', ownerName: 'u_three' });
    expect(ApiKeyItem.parse({ id: 1, owner_id: 44, owner: 'u_four' })).toMatchObject({ ownerId: '44', ownerName: 'u_four' });
    expect(ApiKeyItem.parse({ id: 1 }).ownerId).toBeUndefined();
  });

  it('accept the {"data": [...]} envelope on every list, not only keys', () => {
    const user = { id: 'u1', username: 'u_one' };
    const usage = { usage: 1, quota: 2 };
    expect(parseAnswer(Projects, { data: [{ id: 7, name: 'GOV1' }] }, endpoints.projectsByName('s', 'GOV1'))).toEqual({ ok: true, value: [{ id: '7', name: 'GOV1' }] });
    const rows = parseAnswer(UserQuotaRows, { data: [{ user, cpu: usage, gpu: usage, memory: usage }] }, endpoints.userQuotas('s', '1', 'u1'));
    expect(rows.ok && rows.value.map((r) => r.user.id)).toEqual(['u1']);
    const listing = parseAnswer(MemberListing, { data: [{ user }] }, endpoints.userQuotas('s', '1'));
    expect(listing.ok && listing.value).toEqual([{ user, resources: undefined }]);
    // An object with other fields is still not a list.
    expect(parseAnswer(Projects, { results: [] }, endpoints.projectsByName('s', 'GOV1'))).toMatchObject({ ok: false, code: 'unexpected_answer' });
  });
});
