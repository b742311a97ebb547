import type { Services } from '../../core/feature.js';
import type { PendingAction } from '../../core/flows/pending.js';
import type { QuotaChangeArgs } from '../quota/quota-change.js';
import { grantAuditBase } from './common.js';
import { Grants, type Values } from './grant-store.js';

/** A grant from now: `applied` written over `before`, ending `forMs` from now (and under review, on break-glass). */
export async function startGrant(
  services: Services,
  p: PendingAction,
  a: QuotaChangeArgs,
  before: Values,
  applied: Values,
  by: { chatKey: string; memberId: string },
): Promise<void> {
  if (!a.forMs && !a.breakGlass) return;
  const grants = new Grants(services.store, services.now);
  const now = services.now();
  const grant = {
    id: p.id,
    member: a.target,
    targetLabel: a.targetLabel,
    service: a.service,
    granted: applied,
    previous: before,
    appliedAt: now,
    ...(a.forMs ? { endsAt: now + a.forMs, forMs: a.forMs } : {}),
    ...(a.breakGlass ? { reviewId: p.id } : {}),
    by: { chatKey: by.chatKey, memberId: by.memberId },
    requester: p.requester,
    where: p.where,
    ...(p.locale ? { locale: p.locale } : {}),
    status: 'active' as const,
  };
  await grants.put(grant);
  const detail = `${a.breakGlass ? 'break-glass ' : ''}${JSON.stringify(before)} → ${JSON.stringify(applied)}${grant.endsAt ? ` until ${new Date(grant.endsAt).toISOString()}` : ''}`;
  await services.audit.append({ ...grantAuditBase(grant, by.chatKey), action: 'grant.started', target: `${a.target}/${a.service}`, outcome: 'ok', detail });
}
