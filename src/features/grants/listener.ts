import type { EventOf } from '../../core/events.js';
import type { Services } from '../../core/feature.js';
import type { PendingAction } from '../../core/flows/pending.js';
import { QuotaChangeArgs } from '../quota/quota-change.js';
import { Grants, type Values } from './grant-store.js';
import { watchPortal } from './portal.js';
import { grantAuditBase } from './common.js';
import { startGrant } from './start.js';

/** The request behind an event, with its arguments; undefined when it is gone or not a quota change. */
async function requestOf(services: Services, id: string): Promise<{ p: PendingAction; a: QuotaChangeArgs } | undefined> {
  const p = await services.pending.get(id);
  const parsed = p ? QuotaChangeArgs.safeParse(p.args) : undefined;
  return p && parsed?.success ? { p, a: parsed.data } : undefined;
}

/**
 * An approved quota change was written (src/features/quota/quota-change.ts): a `for <duration>` or
 * break-glass change becomes a grant with its end; an approved extension moves a grant's end on; the
 * approval of a break-glass change's review keeps it; a write whose outcome TWCC did not confirm is
 * watched on the portal (./portal.ts). Each is audited.
 */
export async function recordGrant(event: EventOf<'quota.applied'>, services: Services): Promise<void> {
  const found = await requestOf(services, event.requestId);
  if (!found) return;
  const { p, a } = found;
  const written = Object.keys(event.applied).length > 0;
  // Sent, but TWCC's answer did not confirm it: the portal watch reads it back (and starts a grant when TWCC shows it).
  if (event.verdict === 'unknown' && written) return void (await watchPortal(services, p, a, event.applied, event.before, event.by, true));
  if (!a.forMs && !a.breakGlass && !a.extendsGrant) return;
  const grants = new Grants(services.store, services.now);
  const target = `${a.target}/${a.service}`;
  if (a.extendsGrant && a.forMs && !written) {
    const g = await grants.get(a.extendsGrant);
    if (g?.status === 'active' && g.endsAt !== undefined) {
      const endsAt = g.endsAt + a.forMs;
      await grants.put({ ...g, endsAt, forMs: a.forMs });
      await services.audit.append({ ...grantAuditBase(g, event.by.chatKey), action: 'grant.extended', target, outcome: 'ok', detail: `${g.id} until ${new Date(endsAt).toISOString()} (request ${p.id})` });
      return;
    }
  }
  const existing = await grants.get(p.id);
  if (existing) {
    // The break-glass review was approved: the change stays (until its `for` ends, if it has one).
    if (existing.status === 'active' && existing.reviewId) {
      const { reviewId: _, ...kept } = existing;
      await grants.put({ ...kept, status: kept.endsAt === undefined ? 'kept' : 'active' });
      await services.audit.append({ ...grantAuditBase(existing, event.by.chatKey), action: 'quota.break_glass.approved', target, outcome: 'ok', detail: p.id });
    }
    return;
  }
  // Nothing was written (already in place): there is nothing to give back.
  if (written) await startGrant(services, p, a, event.before, event.applied, event.by);
}

/** An approved change the bot cannot apply (TWCC_QUOTA_WRITE=off): watched until the portal shows it. */
export async function awaitPortal(event: EventOf<'quota.awaiting_portal'>, services: Services): Promise<void> {
  const found = await requestOf(services, event.requestId);
  if (!found) return;
  const before: Values = {};
  for (const r of ['cpu', 'gpu', 'memory'] as const) if (event.values[r] !== undefined && found.a.current[r] !== undefined) before[r] = found.a.current[r];
  await watchPortal(services, found.p, found.a, event.values, before, event.by);
}

