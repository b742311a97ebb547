import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Logger } from '../log.js';
import { latestLegacyIds } from '../store/legacy-capped-log.js';
import { NumberedLog } from '../store/numbered-log.js';
import type { Store } from '../store/port.js';
import type { Actor } from '../backends/port.js';
import type { ChatUser, Where } from './invocation.js';

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
});
/** One line of the append-only audit log. Never holds a secret. */
export type AuditEntry = z.infer<typeof AuditEntry>;

/** AUDIT_KEEP's default: the newest 10,000 entries are kept; older ones are deleted as new ones come. */
export const AUDIT_KEEP = 10_000;

/** Entries written before the log was numbered: an index of ids (capped-log.ts), read after the numbered ones. */
const LEGACY_LOG = 'audit';

/** Orders entries written in the same millisecond by this process (every invocation's AuditLog shares it). */
let seq = 0;

export class AuditLog {
  private readonly log: NumberedLog<AuditEntry>;
  constructor(
    private readonly store: Store,
    private readonly now: () => number,
    private readonly logger: Logger,
    keep = AUDIT_KEEP,
    /** With AUDIT_WEBHOOK_URL: the last entry streamed; `keep` prunes nothing above it (src/audit-stream/). */
    floor?: () => Promise<number>,
  ) {
    this.log = new NumberedLog(store, this.records, 'audit', keep, floor);
  }

  private get records() {
    return this.store.collection<AuditEntry>('audit');
  }

  /**
   * Appends an entry; tried twice. It never throws: the change it records has already happened, so
   * a failed audit write must not turn a done change into "failed". It is logged with the entry instead.
   */
  async append(entry: Omit<AuditEntry, 'at' | 'id'>): Promise<void> {
    const at = new Date(this.now()).toISOString();
    const id = `${at}-${String(seq++).padStart(6, '0')}-${randomBytes(3).toString('hex')}`;
    const record = AuditEntry.parse({ ...entry, id, at });
    for (let attempt = 1; ; attempt++) {
      try {
        await this.log.append(record);
        return;
      } catch (err) {
        if (attempt >= 2) {
          this.logger.error({ err, audit: record }, 'audit entry could not be written');
          return;
        }
      }
    }
  }

  /**
   * The latest `n` entries, newest first: the numbered ones, then (while there are fewer than `n` of
   * them) those an earlier version indexed. During a rolling upgrade, entries an old replica still
   * writes come after the numbered ones whatever their time.
   */
  async latest(n: number): Promise<AuditEntry[]> {
    const numbered = await this.log.latest(n);
    const older = numbered.length < n ? await this.records.getMany(await latestLegacyIds(this.store, LEGACY_LOG, n - numbered.length)) : [];
    return [...numbered, ...older].flatMap((e) => (e ? [AuditEntry.parse(e)] : []));
  }
}

/** Audit fields common to every entry made on behalf of `user` in `where`. */
export function auditBase(user: ChatUser, where: Where, actor: Actor | undefined): Pick<AuditEntry, 'actor' | 'member' | 'platform' | 'workspace' | 'channel'> {
  return {
    actor: `${user.platform}:${user.userId}`,
    ...(actor ? { member: actor.memberId } : {}),
    platform: user.platform,
    workspace: where.workspace,
    channel: where.channelId,
  };
}
