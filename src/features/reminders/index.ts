import { defineCommand, defineFeature, type Feature, type Services } from '../../core/feature.js';
import { confirmFlow } from '../../core/flows/actions.js';
import type { Sweep } from '../../core/sweeper.js';
import { remindersCommand } from './command.js';
import { closeRemindersOf } from './key-reminders.js';
import { messages, type MessageId } from './messages.js';
import { remindAction } from './remind-action.js';
import { remindersSpec } from './spec.js';
import { sweepReminders, type SweepReport } from './sweep.js';

export interface RemindersOptions {
  /** REMINDER_DAYS, parsed (./schedule.ts); default 14, 3 and 1 days; empty: no reminders. */
  days?: readonly number[];
  /** REMINDER_INTERVAL: how often the sweep runs (default an hour). */
  intervalMs?: number;
  /** KEY_MAX_DAYS: a reminder's Extend button follows `/apikey extend`'s limit. */
  keyMaxDays?: number;
}

/**
 * Key-expiry reminders: a sweep DMs each key's owner before it expires, with Extend and Not now
 * (the `apikey.remind` confirm flow); `/apikey reminders off|on`; a key extended or deleted by any
 * path closes its open reminder cards.
 */
export const remindersFeature = ({ days = [14, 3, 1], intervalMs = 3_600_000, keyMaxDays = 365 }: RemindersOptions = {}): Feature => {
  const sweep: Sweep<Services, SweepReport> = {
    name: 'reminder',
    lease: 'reminder-sweep',
    intervalMs,
    enabled: days.length > 0,
    run: (services, control) =>
      sweepReminders(services, {
        days,
        // A backend read with each member's own credential (TWCC) is read one member at a time, spread over the interval.
        spacingMs: (members) => (services.backend.capabilities.login && members > 1 ? Math.floor(control.intervalMs / members) : 0),
        // A dead sweeper's unsent reminders are free when its lease is: the next holder sends them in its first sweep.
        sendingTtlMs: control.leaseRemainingMs,
        mayContinue: control.mayContinue,
        signal: control.signal,
      }),
    // Quiet when there was nothing to do: a short REMINDER_INTERVAL would fill the log.
    eventful: (report) => report.sent + report.failed + report.unreadable > 0 || !report.complete,
  };
  return defineFeature({
    name: 'reminders',
    commands: [defineCommand<typeof remindersSpec, MessageId>(remindersSpec, { reminders: remindersCommand(days) })],
    flows: { 'apikey.remind': confirmFlow(remindAction(keyMaxDays)) },
    on: { 'key.extended': closeRemindersOf, 'key.deleted': closeRemindersOf },
    sweeps: [sweep as Sweep],
    messages,
  });
};
