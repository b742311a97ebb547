import { setTimeout as sleep } from 'node:timers/promises';
import type { Actor, ApiKey } from '../../backends/port.js';
import { keepAlive } from '../../store/keep-alive.js';
import type { Services } from '../../core/feature.js';
import { DAY_MS } from '../../core/format.js';
import type { Link } from '../../core/identity.js';
import type { ChatUser, Where } from '../../core/invocation.js';
import { KeyReminders } from './key-reminders.js';
import { ReminderOptOut } from './opt-out.js';
import { reminderCard, type RemindArgs } from './remind-action.js';
import { dueThreshold } from './schedule.js';

export interface SweepOptions {
  /** REMINDER_DAYS: days before expiry at which a key's owner is reminded, largest first; empty: none. */
  days: readonly number[];
  /** How long to wait between two members (TWCC: the interval over the number of members); 0: none. */
  spacingMs(members: number): number;
  /**
   * How long a reminder being sent stays claimed, asked as each is claimed: if its sender dies before
   * the DM is out, another sweeper sends it after this. No longer than the sweeper's lease has left, so
   * the sweeper that takes the lease over finds every unsent reminder free. Once sent, the claim lasts
   * until the key expires.
   */
  sendingTtlMs(): number;
  /** Asked before each member (renewing the sweep lease): false once the lease is lost or the process is stopping. */
  mayContinue(): Promise<boolean>;
  signal?: AbortSignal;
}

/** What one sweep did, for the log and the metrics. */
export interface SweepReport {
  members: number;
  /** DMs sent. */
  sent: number;
  /** DMs that could not be sent (claim released: the next sweep tries again). */
  failed: number;
  /** Members with reminders off. */
  optedOut: number;
  /** Members whose keys could not be read (no stored credential, backend down): logged, tried next sweep. */
  unreadable: number;
  /** False when the sweep stopped early (lease lost, shutting down). */
  complete: boolean;
}

/** Links do not keep the workspace; a DM needs only the platform and the user id. */
const chatUserOf = (l: Link): ChatUser => ({ platform: l.platform, workspace: '-', userId: l.userId, ...(l.name ? { name: l.name } : {}) });
const DM: Where = { workspace: '-', channelId: 'dm' };

/** Codes that mean "this chat identity has no usable credential": another of the member's links may. */
const NO_CREDENTIAL = new Set(['not_logged_in', 'credential_invalid']);

/**
 * One pass over every linked member: their keys are read (each member with their own identity, so on
 * TWCC with their own stored credential, one member at a time), and each key whose next threshold is
 * due gets one DM per platform the owner is linked on. Each DM is claimed in the store first, keyed by
 * key, expiry, threshold and chat user: several sweepers never send one twice, and an extended key
 * (a new expiry) starts its thresholds afresh.
 */
export async function sweepReminders(services: Services, opts: SweepOptions): Promise<SweepReport> {
  const report: SweepReport = { members: 0, sent: 0, failed: 0, optedOut: 0, unreadable: 0, complete: false };
  if (opts.days.length === 0) return { ...report, complete: true };
  const byMember = new Map<string, Link[]>();
  for (const link of await services.identity.all()) byMember.set(link.memberId, [...(byMember.get(link.memberId) ?? []), link]);
  const members = [...byMember.keys()].sort();
  report.members = members.length;
  const spacing = opts.spacingMs(members.length);
  for (const [i, memberId] of members.entries()) {
    if (i > 0 && spacing > 0) {
      try {
        await sleep(spacing, undefined, opts.signal ? { signal: opts.signal } : {});
      } catch {
        return report; // aborted: the process is stopping
      }
    }
    if (!(await opts.mayContinue()) || opts.signal?.aborted) return report;
    if (await new ReminderOptOut(services.store).isOff(memberId)) {
      report.optedOut++;
      continue;
    }
    const links = byMember.get(memberId)!;
    const keys = await keysOf(services, memberId, links);
    if (!keys) {
      report.unreadable++;
      continue;
    }
    for (const key of keys) await remindOfKey(services, opts, key, memberId, links, report);
  }
  report.complete = true;
  return report;
}

/** The member's keys, read as the member: through the first of their links with a usable credential. */
async function keysOf(services: Services, memberId: string, links: Link[]): Promise<ApiKey[] | undefined> {
  let why = 'no link';
  for (const link of links) {
    const actor: Actor = { chatKey: link.chatKey, memberId, role: link.role };
    const keys = await services.backend.listKeys(actor, memberId);
    if (keys.ok) return keys.value;
    why = keys.code;
    if (!NO_CREDENTIAL.has(keys.code)) break;
  }
  services.logger.warn({ member: memberId, code: why }, 'reminder sweep: could not read the member’s keys; skipped');
  return undefined;
}

async function remindOfKey(services: Services, opts: SweepOptions, key: ApiKey, memberId: string, links: Link[], report: SweepReport): Promise<void> {
  if (key.disabled || !key.expiresAt || key.unknown?.includes('expires')) return;
  const expiresAt = Date.parse(key.expiresAt);
  const now = services.now();
  if (Number.isNaN(expiresAt)) return;
  const days = dueThreshold(opts.days, expiresAt, now);
  if (days === undefined) return;
  const args: RemindArgs = { keyId: key.id, ...(key.name ? { name: key.name } : {}), expiresAt: key.expiresAt, days };
  for (const link of links) {
    // Stopping: a messenger may already be closed, and a dropped DM must not count as sent.
    if (opts.signal?.aborted) return;
    const claimKey = `reminder:${key.id}:${key.expiresAt}:${days}:${link.chatKey}`;
    const claim = await services.store.claim(claimKey, opts.sendingTtlMs());
    if (!claim) continue; // sent already, or being sent by another sweeper
    const user = chatUserOf(link);
    // In the owner's language: their `/tenant lang`, else the locale their platform last reported.
    const t = await services.locales.translatorFor(user, undefined, { memberId });
    const pending = await services.pending.create(
      { flow: 'confirm', action: 'apikey.remind', requester: user, requesterMember: memberId, where: DM, args, locale: t.locale },
      { until: expiresAt },
    );
    const cards = new KeyReminders(services.store, services.pending, services.timeZone, services.now);
    await cards.add(key.id, pending.id, expiresAt);
    // Renewed while the DM is on its way (a platform client may retry for minutes) and the sweep still holds its
    // lease: the next sweep does not send it again; a sweeper that dies (or loses its lease) lets it go with the lease.
    const stopRenewing = keepAlive(claim, () => opts.sendingTtlMs(), undefined, () => opts.sendingTtlMs() > 1);
    const sent = await services.post({ kind: 'dm', user }, reminderCard(t, pending, args, now)).finally(stopRenewing);
    if (sent) {
      // Sent: claimed until the key expires (and a day past, for clocks that differ a little). A claim that lapsed
      // meanwhile (a store outage) is taken again, so that no later sweep sends it a second time.
      const until = expiresAt - now + DAY_MS;
      if (!(await claim.renew(until)) && !(await services.store.claim(claimKey, until))) {
        services.logger.warn({ key: key.id, to: link.chatKey, days }, 'reminder sent, but its claim had lapsed and is held by another sweeper: it may be sent twice');
      }
      report.sent++;
      services.logger.info({ key: key.id, member: memberId, to: link.chatKey, days }, 'reminder sent');
    } else {
      // Not sent (already logged by post): given back, so the next sweep tries again.
      await services.pending.save({ ...pending, status: 'failed' });
      await cards.forget(key.id, pending.id, expiresAt);
      await claim.release();
      report.failed++;
    }
  }
}
