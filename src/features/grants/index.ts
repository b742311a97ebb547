import { defineFeature, type Feature, type Services } from '../../core/feature.js';
import { confirmFlow } from '../../core/flows/actions.js';
import type { Sweep } from '../../core/sweeper.js';
import { extendAction, returnAction } from './actions.js';
import { awaitPortal, recordGrant } from './listener.js';
import { sweepPortal, type PortalSweepReport } from './portal.js';
import { messages } from './messages.js';
import { DEFAULT_APPROVALS, type ApprovalSettings } from '../approvals/settings.js';
import { sweepGrants, type GrantSweepReport } from './sweep.js';

export interface GrantsOptions {
  /** How often the grant sweep looks for grants to end (default a minute). */
  intervalMs?: number;
  /** How often the portal sweep reads TWCC for changes waiting for the portal (default five minutes). */
  portalIntervalMs?: number;
  /** PORTAL_REMIND_AFTER: a change still not on the portal this long after its approval (or last reminder) is brought up again. */
  portalRemindAfterMs?: number;
  /** APPROVAL_POLICY and APPROVAL_TTL: an **Ask to extend** request is under them like any request. */
  approvals?: ApprovalSettings;
}

/**
 * Time-bound grants and break-glass (issue 21): `for 48h` and `now` on a quota change
 * (src/features/quota/terms.ts) become grants when applied (the `quota.applied` event); a sweep under
 * its lease DMs the member before the end (**Ask to extend**, **Return now**) and restores the
 * previous values at the end, or when a break-glass change's review is rejected or not approved in time.
 * An approved change the bot cannot apply (TWCC_QUOTA_WRITE=off, or unconfirmed) is read back from TWCC
 * by a second sweep until the portal shows it (./portal.ts).
 */
export const grantsFeature = ({
  intervalMs = 60_000,
  portalIntervalMs = 300_000,
  portalRemindAfterMs = 48 * 3_600_000,
  approvals = DEFAULT_APPROVALS,
}: GrantsOptions = {}): Feature => {
  const sweep: Sweep<Services, GrantSweepReport> = {
    name: 'grant',
    lease: 'grant-sweep',
    intervalMs,
    run: (services, control) => sweepGrants(services, control),
    eventful: (r) => r.warned + r.reverted + r.failed > 0 || !r.complete,
  };
  const portal: Sweep<Services, PortalSweepReport> = {
    name: 'portal',
    lease: 'portal-sweep',
    intervalMs: portalIntervalMs,
    run: (services, control) => sweepPortal(services, control, portalRemindAfterMs),
    eventful: (r) => r.seen + r.reminded + r.unreadable > 0 || !r.complete,
  };
  return defineFeature({
    name: 'grants',
    flows: { 'grants.extend': confirmFlow(extendAction(approvals)), 'grants.return': confirmFlow(returnAction) },
    on: { 'quota.applied': recordGrant, 'quota.awaiting_portal': awaitPortal },
    sweeps: [sweep as Sweep, portal as Sweep],
    messages,
  });
};
