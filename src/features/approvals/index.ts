import { defineFeature, type Feature, type Services } from '../../core/feature.js';
import type { FlowAction } from '../../core/flows/actions.js';
import type { Sweep } from '../../core/sweeper.js';
import type { PendingAction } from '../../core/flows/pending.js';
import { Grants } from '../grants/grant-store.js';
import { QuotaChangeArgs, quotaChangeFlow } from '../quota/quota-change.js';
import { messages } from './messages.js';
import { approvalSweepIntervalMs, DEFAULT_APPROVALS, type ApprovalSettings } from './settings.js';
import { sweepApprovals, type ApprovalSweepReport } from './sweep.js';

export interface ApprovalsOptions {
  settings?: ApprovalSettings;
  /** REMINDER_INTERVAL: the sweep looks at least this often (default an hour). */
  intervalMs?: number;
}

/** The approval flows the sweep looks after, by action. */
const APPROVAL_FLOWS = new Map<string, Extract<FlowAction, { flow: 'approval' }>>([
  ['quota.set', quotaChangeFlow],
  ['quota.request', quotaChangeFlow],
]);

/**
 * A break-glass change's review whose change is still kept under it (a grant with `reviewId`): its expiry is the
 * grants sweep's revert, which closes the request and edits its cards once, saying both (src/features/grants/revert.ts).
 */
async function isBreakGlassReview(services: Services, p: PendingAction): Promise<boolean> {
  if (p.action !== 'quota.request' || QuotaChangeArgs.safeParse(p.args).data?.breakGlass !== true) return false;
  const grant = await new Grants(services.store, services.now).get(p.id);
  return grant?.status === 'active' && grant.reviewId === p.id;
}

/**
 * The life of a waiting approval (APPROVAL_TTL, APPROVAL_REMIND_AFTER, APPROVAL_ESCALATE_AFTER): the
 * `approval` sweep expires, reminds and escalates. The policies themselves are fixed when a request is
 * asked (src/features/quota/) and enforced at each click (src/core/flows/decide.ts).
 */
export const approvalsFeature = ({ settings = DEFAULT_APPROVALS, intervalMs = 3_600_000 }: ApprovalsOptions = {}): Feature => {
  const sweep: Sweep<Services, ApprovalSweepReport> = {
    name: 'approval',
    lease: 'approval-sweep',
    intervalMs: approvalSweepIntervalMs(settings, intervalMs),
    run: (services, control) => sweepApprovals(services, APPROVAL_FLOWS, settings, control, isBreakGlassReview),
    eventful: (r) => r.expired + r.reminded + r.escalated + r.failed > 0 || !r.complete,
  };
  return defineFeature({ name: 'approvals', sweeps: [sweep as Sweep], messages });
};
