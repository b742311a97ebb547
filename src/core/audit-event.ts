import { z } from 'zod';

export const AuditEntry = z.object({
  /** Sortable: time, then a per-process counter, then random bits. */
  id: z.string(),
  at: z.string(),
  /** Chat identity of who did it (`slack:U1`) and the member it maps to. */
  actor: z.string(),
  member: z.string().optional(),
  platform: z.string(),
  workspace: z.string(),
  channel: z.string(),
  /** `key.created`, `key.extended`, `key.deleted`, `quota.requested`, `quota.approved`, … */
  action: z.string(),
  target: z.string(),
  outcome: z.enum(['ok', 'failed', 'rejected', 'expired', 'cancelled', 'unknown']),
  detail: z.string().optional(),
  /** The pending request the entry belongs to (`/quota pending`'s id), when there is one. */
  ref: z.string().optional(),
  /** The project it was done in, where the deployment serves several (src/core/projects.ts). */
  project: z.string().optional(),
});
/** One line of the append-only audit log. Never holds a secret. */
export type AuditEntry = z.infer<typeof AuditEntry>;

/**
 * The one shape an audit event leaves the bot in: an export (`/tenant audit export`,
 * `npm run audit:export`), the info-level `"audit": true` log line, and the SIEM stream all carry it.
 * The store keeps `AuditEntry` (src/core/audit.ts), and `toAuditEvent` maps one to the other here,
 * in this one place. The README's "Audit events" table documents every field.
 */
export const AuditResult = z.enum(['applied', 'not_applied', 'unknown', 'refused']);
export type AuditResult = z.infer<typeof AuditResult>;

export const AuditEvent = z
  .object({
    /** Stable and unique across replicas: the stored entry's id (time, per-process counter, random bits). */
    event_id: z.string().min(1),
    /** RFC 3339, UTC, milliseconds: `2026-12-01T09:30:00.000Z`. */
    time: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/, 'time is RFC 3339 UTC'),
    actor: z
      .object({
        /** The TWCC (or local) member the chat identity maps to; null when it maps to none (a failed login). */
        member: z.string().nullable(),
        /** `slack:U123`, `discord:456…`, `shell:alice`. */
        chat: z.string(),
        platform: z.string(),
      })
      .strict(),
    /** `apikey.create`, `quota.approve`, `member.link`, … (ACTIONS below). */
    action: z.string().min(1),
    /** What it was done to: a key id, `member/service` for a quota, `platform:user` for a link. */
    target: z.string(),
    result: AuditResult,
    /** The pending request it belongs to (`/quota pending`'s id), when there is one. */
    request_id: z.string().nullable(),
    /** The TWCC project (plan code) or the local backend's name. */
    project: z.string(),
    details: z
      .object({
        /** The bot's own outcome word (`ok`, `failed`, `rejected`, `expired`, `cancelled`, `unknown`). */
        outcome: z.string(),
        /** Free text as recorded (an error code, `+30d applied → 2027-…`, `{"gpu":4}`); never a secret. */
        text: z.string().nullable(),
        workspace: z.string(),
        channel: z.string(),
        /** The internal action name, as the store and `/tenant audit` keep it. */
        internal_action: z.string(),
      })
      .strict(),
  })
  .strict();
/** One audit event as exported, logged and streamed. */
export type AuditEvent = z.infer<typeof AuditEvent>;

/**
 * Internal action names (what `services.audit.append` records) → exported action names. A name not
 * listed is exported as recorded, so a new feature's entries are never dropped.
 */
export const ACTIONS: Readonly<Record<string, string>> = {
  'key.created': 'apikey.create',
  'key.extended': 'apikey.extend',
  'key.deleted': 'apikey.delete',
  'quota.requested': 'quota.request',
  'quota.approved': 'quota.approve',
  'quota.applied': 'quota.apply',
  'quota.rejected': 'quota.reject',
  'quota.expired': 'quota.expire',
  'quota.cancelled': 'quota.cancel',
  'quota.approval': 'quota.approve_partial',
  'quota.reminded': 'quota.remind',
  'quota.escalated': 'quota.escalate',
  'quota.reverted': 'quota.revert',
  'quota.break_glass': 'quota.break_glass',
  'quota.break_glass.approved': 'quota.break_glass_approve',
  'quota.portal_reminded': 'quota.portal_remind',
  'grant.started': 'grant.start',
  'grant.extended': 'grant.extend',
  'link.created': 'member.link',
  'link.removed': 'member.unlink',
  'link.login': 'member.login',
  'link.logout': 'member.logout',
};

/** The exported action name for an internal one. */
export function exportedAction(internal: string): string {
  return ACTIONS[internal] ?? internal;
}

/**
 * The recorded outcome → the exported result. A change that was done is `applied`; one that failed,
 * expired or was withdrawn was `not_applied`; one an approver turned down was `refused`; `unknown`
 * stays unknown (sent to TWCC, answer lost). A detail that carries the backend's own verdict
 * (`+30d not_applied → …`, `unknown {"gpu":4}`) wins over an `ok`.
 */
export function exportedResult(entry: Pick<AuditEntry, 'outcome' | 'detail'>): AuditResult {
  const verdict = /^(?:\+\d+d )?(applied|not_applied|unknown)\b/.exec(entry.detail ?? '')?.[1];
  switch (entry.outcome) {
    case 'ok':
      return verdict === 'not_applied' || verdict === 'unknown' ? verdict : 'applied';
    case 'unknown':
      return 'unknown';
    case 'rejected':
      return 'refused';
    case 'failed':
    case 'expired':
    case 'cancelled':
      return 'not_applied';
  }
}

/** A stored entry as the exported event: pure, no I/O. */
export function toAuditEvent(entry: AuditEntry, context: { project: string }): AuditEvent {
  return {
    event_id: entry.id,
    time: new Date(Date.parse(entry.at)).toISOString(),
    actor: { member: entry.member ?? null, chat: entry.actor, platform: entry.platform },
    action: exportedAction(entry.action),
    target: entry.target,
    result: exportedResult(entry),
    request_id: entry.ref ?? null,
    project: entry.project ?? context.project,
    details: {
      outcome: entry.outcome,
      text: entry.detail ?? null,
      workspace: entry.workspace,
      channel: entry.channel,
      internal_action: entry.action,
    },
  };
}

/** The CSV columns, in order: nested fields flattened with a dot. */
export const CSV_COLUMNS = [
  'event_id',
  'time',
  'actor.member',
  'actor.chat',
  'actor.platform',
  'action',
  'target',
  'result',
  'request_id',
  'project',
  'details.outcome',
  'details.text',
  'details.workspace',
  'details.channel',
  'details.internal_action',
] as const;

/** One RFC 4180 field: quoted when it holds a comma, quote or line break; a leading = + - @ is defused for spreadsheets. */
function csvField(value: string | null): string {
  if (value === null) return '';
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The CSV header line (with its CRLF). */
export function csvHeader(): string {
  return `${CSV_COLUMNS.join(',')}\r\n`;
}

/** One event as a CSV line (with its CRLF). */
export function toCsvLine(e: AuditEvent): string {
  const values: Record<(typeof CSV_COLUMNS)[number], string | null> = {
    event_id: e.event_id,
    time: e.time,
    'actor.member': e.actor.member,
    'actor.chat': e.actor.chat,
    'actor.platform': e.actor.platform,
    action: e.action,
    target: e.target,
    result: e.result,
    request_id: e.request_id,
    project: e.project,
    'details.outcome': e.details.outcome,
    'details.text': e.details.text,
    'details.workspace': e.details.workspace,
    'details.channel': e.details.channel,
    'details.internal_action': e.details.internal_action,
  };
  return `${CSV_COLUMNS.map((c) => csvField(values[c])).join(',')}\r\n`;
}

/** One event as a JSON Lines line (with its LF). */
export function toJsonLine(e: AuditEvent): string {
  return `${JSON.stringify(e)}\n`;
}
