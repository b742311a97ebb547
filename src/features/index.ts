import type { Feature } from '../core/feature.js';
import { registerFeatures } from '../core/registry.js';
import { specsForProjects } from '../core/projects.js';
import type { CommandSpec } from '../core/spec.js';
import { apikeyFeature } from './apikey/index.js';
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
}

/** Every feature of the bot, in the order their commands are listed; main.ts and the tests give them to the core. */
export function allFeatures(opts: FeatureOptions = {}): Feature[] {
  return [
    apikeyFeature({ ...(opts.keyMaxDays !== undefined ? { keyMaxDays: opts.keyMaxDays } : {}) }),
    quotaFeature(),
    tenantFeature(),
    remindersFeature({
      ...(opts.reminderDays !== undefined ? { days: opts.reminderDays } : {}),
      ...(opts.reminderIntervalMs !== undefined ? { intervalMs: opts.reminderIntervalMs } : {}),
      ...(opts.keyMaxDays !== undefined ? { keyMaxDays: opts.keyMaxDays } : {}),
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
