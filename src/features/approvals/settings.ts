import type { ApproverGroups, PolicyRule } from './policy.js';

/** How quota changes are approved: src/config.ts reads them from APPROVAL_*, ESCALATION_* and APPROVER_GROUPS. */
export interface ApprovalSettings {
  /** APPROVAL_POLICY, parsed; none: one approval by any other admin. */
  rules: readonly PolicyRule[];
  /** APPROVER_GROUPS, parsed. */
  groups: ApproverGroups;
  /** APPROVAL_REASON: whether `/quota request` must say why. */
  reason: 'required' | 'optional';
  /** APPROVAL_TTL: a request nobody decided expires after this. */
  ttlMs: number;
  /** APPROVAL_REMIND_AFTER: approvers are reminded of a waiting request after this, and again after as long; undefined: off. */
  remindAfterMs: number | undefined;
  /** APPROVAL_ESCALATE_AFTER: a request still waiting is posted to the escalation channel; undefined: off. */
  escalateAfterMs: number | undefined;
}

const HOUR_MS = 3_600_000;

/**
 * Without configuration (tests, tools): one other admin approves, within 72 h, reminded after 24 h.
 * A reason is optional here; the process's default (src/config.ts) is `required`.
 */
export const DEFAULT_APPROVALS: ApprovalSettings = {
  rules: [],
  groups: new Map(),
  reason: 'optional',
  ttlMs: 72 * HOUR_MS,
  remindAfterMs: 24 * HOUR_MS,
  escalateAfterMs: undefined,
};

/** How often the approval sweep looks: a sixth of the shortest duration, between 5 s and `atMostMs` (REMINDER_INTERVAL). */
export function approvalSweepIntervalMs(s: ApprovalSettings, atMostMs: number): number {
  const shortest = Math.min(s.ttlMs, s.remindAfterMs ?? Infinity, s.escalateAfterMs ?? Infinity);
  return Math.max(5_000, Math.min(atMostMs, Math.floor(shortest / 6)));
}
