import type { EventOf } from '../../core/events.js';
import type { Services } from '../../core/feature.js';
import { QuotaChangeArgs } from '../quota/quota-change.js';
import { Grants } from './grant-store.js';
import { grantAuditBase } from './revert.js';

/**
 * An approved quota change was written (src/features/quota/quota-change.ts): a `for <duration>` or
 * break-glass change becomes a grant with its end; an approved extension moves a grant's end on; the
 * approval of a break-glass change's review keeps it. Each is audited.
 */
export async function recordGrant(event: EventOf<'quota.applied'>, services: Services): Promise<void> {
  const p = await services.pending.get(event.requestId);
  const parsed = p ? QuotaChangeArgs.safeParse(p.args) : undefined;
  if (!p || !parsed?.success) return;
  const a = parsed.data;
  if (!a.forMs && !a.breakGlass && !a.extendsGrant) return;
  const grants = new Grants(services.store, services.now);
  const now = services.now();
  const target = `${a.target}/${a.service}`;
  if (a.extendsGrant && a.forMs && Object.keys(event.applied).length === 0) {
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
  if (Object.keys(event.applied).length === 0) return;
  const grant = {
    id: p.id,
    member: a.target,
    targetLabel: a.targetLabel,
    service: a.service,
    granted: event.applied,
    previous: event.before,
    appliedAt: now,
    ...(a.forMs ? { endsAt: now + a.forMs, forMs: a.forMs } : {}),
    ...(a.breakGlass ? { reviewId: p.id } : {}),
    by: { chatKey: event.by.chatKey, memberId: event.by.memberId },
    requester: p.requester,
    where: p.where,
    ...(p.locale ? { locale: p.locale } : {}),
    status: 'active' as const,
  };
  await grants.put(grant);
  const detail = `${a.breakGlass ? 'break-glass ' : ''}${JSON.stringify(event.before)} → ${JSON.stringify(event.applied)}${grant.endsAt ? ` until ${new Date(grant.endsAt).toISOString()}` : ''}`;
  await services.audit.append({ ...grantAuditBase(grant, event.by.chatKey), action: 'grant.started', target, outcome: event.verdict === 'applied' ? 'ok' : 'unknown', detail });
}
