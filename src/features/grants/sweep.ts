import type { Services } from '../../core/feature.js';
import type { SweepControl } from '../../core/sweeper.js';
import { Grants, type Grant } from './grant-store.js';
import { endingCard } from './actions.js';
import { revertGrant, type RevertWhy } from './revert.js';

/** What one grant sweep did, for the log and the metrics. */
export interface GrantSweepReport {
  /** Grants still to end, looked at. */
  grants: number;
  /** DMs sent before a grant's end. */
  warned: number;
  reverted: number;
  /** Reverts that failed or whose outcome is unknown: reported, and tried again. */
  failed: number;
  complete: boolean;
}

const HOUR_MS = 3_600_000;
/** The DM comes an hour before the end, or a tenth of the duration before it, whichever is shorter. */
export const warnBeforeMs = (forMs: number): number => Math.min(HOUR_MS, Math.floor(forMs / 10));

const DM = { workspace: '-', channelId: 'dm' };
const CLOSED = new Set(['rejected', 'expired', 'cancelled', 'failed']);

/** Why `g` must end now, if it must: its break-glass review did not approve it, or its time is up. */
async function dueWhy(services: Services, grants: Grants, g: Grant, now: number): Promise<RevertWhy | undefined> {
  if (g.reviewId) {
    const review = await services.pending.get(g.reviewId);
    if (!review || CLOSED.has(review.status) || (review.status === 'pending' && services.pending.isExpired(review))) return 'review';
    if (review.status === 'approved' || review.status === 'applied') {
      // Approved without the write the listener hears of (an apply that failed after the approval): kept.
      const { reviewId: _, ...kept } = g;
      await grants.put({ ...kept, status: kept.endsAt === undefined ? 'kept' : 'active' });
    }
  }
  if (g.endsAt !== undefined && now >= g.endsAt) return 'ended';
  return undefined;
}

/**
 * One pass over the grants still to end, on the replica holding the sweep's lease: each one due is
 * reverted (./revert.ts, under its own claim), and each one near its end gets its member's DM once
 * (claimed per grant and end, and marked on the grant). A failed revert waits RETRY_MS before the next try.
 */
export async function sweepGrants(services: Services, control: Pick<SweepControl, 'mayContinue' | 'leaseRemainingMs'>): Promise<GrantSweepReport> {
  const grants = new Grants(services.store, services.now);
  const report: GrantSweepReport = { grants: 0, warned: 0, reverted: 0, failed: 0, complete: false };
  for (const g of await grants.active()) {
    if (!(await control.mayContinue())) return report;
    report.grants++;
    const now = services.now();
    if (g.retryAt !== undefined && now < g.retryAt) continue;
    const why = await dueWhy(services, grants, g, now);
    if (why) {
      const r = await revertGrant(services, g.id, why);
      if (r.kind === 'reverted') report.reverted++;
      if (r.kind === 'failed') report.failed++;
      continue;
    }
    if (g.endsAt !== undefined && g.forMs !== undefined && g.warnedFor !== g.endsAt && now >= g.endsAt - warnBeforeMs(g.forMs)) {
      if (await warn(services, grants, g, control.leaseRemainingMs())) report.warned++;
    }
  }
  report.complete = true;
  return report;
}

/** The DM before the end, to each chat identity of the grant's member; once per grant and end. */
async function warn(services: Services, grants: Grants, g: Grant, claimMs: number): Promise<boolean> {
  const claim = await services.store.claim(`grant-warn:${g.id}:${g.endsAt}`, claimMs);
  if (!claim) return false;
  try {
    // Read again under the claim: another sweeper may have sent it (and marked it) meanwhile.
    const fresh = await grants.get(g.id);
    if (!fresh || fresh.status !== 'active' || fresh.warnedFor === fresh.endsAt) return false;
    let sent = false;
    for (const user of await services.identity.chatUsersOf(g.member)) {
      const t = await services.locales.translatorFor(user, undefined, { memberId: g.member });
      const base = { requester: user, requesterMember: g.member, where: DM, args: { grantId: g.id }, locale: t.locale } as const;
      const extend = await services.pending.create({ ...base, flow: 'confirm', action: 'grants.extend' }, { until: fresh.endsAt! });
      const back = await services.pending.create({ ...base, flow: 'confirm', action: 'grants.return' }, { until: fresh.endsAt! });
      if (await services.post({ kind: 'dm', user }, endingCard(t, fresh, extend, back))) sent = true;
    }
    if (sent) await grants.put({ ...fresh, warnedFor: fresh.endsAt! });
    return sent;
  } finally {
    await claim.release();
  }
}
