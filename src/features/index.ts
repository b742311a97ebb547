import type { Feature } from '../core/feature.js';
import { registerFeatures } from '../core/registry.js';
import { specsForProjects } from '../core/projects.js';
import type { CommandSpec } from '../core/spec.js';
import { apikeyFeature } from './apikey/index.js';
import { grantsFeature } from './grants/index.js';
import type { BreakGlassOptions } from './quota/terms.js';
import { approvalsFeature } from './approvals/index.js';
import type { ApprovalSettings } from './approvals/settings.js';
import { quotaFeature } from './quota/index.js';
import { remindersFeature } from './reminders/index.js';
import { tenantFeature } from './tenant/index.js';

export interface FeatureOptions {
  /** KEY_MAX_DAYS (default 365). */
  keyMaxDays?: number;
  /** REMINDER_DAYS, parsed; default 14, 3, 1; empty: no reminders. */
  reminderDays?: readonly number[];
  /** REMINDER_INTERVAL in ms (default an hour). */
  reminderIntervalMs?: number;
  /** BREAK_GLASS and BREAK_GLASS_REVIEW: who may apply a quota request at once, and how long its review waits. */
  breakGlass?: BreakGlassOptions;
  /** How often the grant sweep runs (default a minute). */
  grantIntervalMs?: number;
  /** PORTAL_REMIND_AFTER in ms (default 48 hours). */
  portalRemindAfterMs?: number;
  /** APPROVAL_POLICY, APPROVER_GROUPS, APPROVAL_REASON, APPROVAL_TTL, APPROVAL_REMIND_AFTER, APPROVAL_ESCALATE_AFTER, parsed. */
  approvals?: ApprovalSettings;
}

/** Every feature of the bot, in the order their commands are listed; main.ts and the tests give them to the core. */
export function allFeatures(opts: FeatureOptions = {}): Feature[] {
  return [
    apikeyFeature({ ...(opts.keyMaxDays !== undefined ? { keyMaxDays: opts.keyMaxDays } : {}) }),
    quotaFeature({ ...(opts.approvals ? { approvals: opts.approvals } : {}), ...(opts.breakGlass ? { breakGlass: opts.breakGlass } : {}) }),
    tenantFeature(),
    remindersFeature({
      ...(opts.reminderDays !== undefined ? { days: opts.reminderDays } : {}),
      ...(opts.reminderIntervalMs !== undefined ? { intervalMs: opts.reminderIntervalMs } : {}),
      ...(opts.keyMaxDays !== undefined ? { keyMaxDays: opts.keyMaxDays } : {}),
    }),
    grantsFeature({
      // A minute, or REMINDER_INTERVAL when that is shorter (the shell's tour and the process tests run in seconds).
      ...(opts.grantIntervalMs !== undefined ? { intervalMs: opts.grantIntervalMs } : {}),
      ...(opts.grantIntervalMs === undefined && opts.reminderIntervalMs !== undefined ? { intervalMs: Math.min(60_000, opts.reminderIntervalMs) } : {}),
      ...(opts.portalRemindAfterMs !== undefined ? { portalRemindAfterMs: opts.portalRemindAfterMs } : {}),
      ...(opts.approvals ? { approvals: opts.approvals } : {}),
    }),
    approvalsFeature({
      ...(opts.approvals ? { settings: opts.approvals } : {}),
      ...(opts.reminderIntervalMs !== undefined ? { intervalMs: opts.reminderIntervalMs } : {}),
    }),
  ];
}

/**
 * Every command with its subcommands, as the core derives them from the features (their words are
 * registered too): for what runs without a core, the Slack manifest and Discord's registration.
 * `projects`: the deployment's (src/core/projects.ts); one project unless told.
 */
export const commandSpecs = (opts: FeatureOptions = {}, projects: readonly string[] = ['LOCAL']): CommandSpec[] =>
  specsForProjects(registerFeatures(allFeatures(opts)).specs, projects);
