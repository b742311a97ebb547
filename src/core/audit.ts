import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Logger } from '../log.js';
import { CappedLog } from '../store/capped-log.js';
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
});
/** One line of the append-only audit log. Never holds a secret. */
export type AuditEntry = z.infer<typeof AuditEntry>;

/** Entries kept: the newest 10,000 (50 chunks of 200); older ones are deleted as new ones come. */
export const AUDIT_CHUNK = 200;
export const AUDIT_CHUNKS = 50;

/** Orders entries written in the same millisecond by this process (every invocation's AuditLog shares it). */
let seq = 0;

export class AuditLog {
  private readonly recent: CappedLog;
  constructor(
    private readonly store: Store,
    private readonly now: () => number,
    private readonly logger: Logger,
  ) {
    this.recent = new CappedLog(store, 'audit', AUDIT_CHUNK, AUDIT_CHUNKS);
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
        await this.records.put(id, record);
        const dropped = await this.recent.append(id);
        // Retention: what fell off the log's old end is deleted, so the audit log stays bounded.
        for (const old of dropped) await this.records.delete(old);
        return;
      } catch (err) {
        if (attempt >= 2) {
          this.logger.error({ err, audit: record }, 'audit entry could not be written');
          return;
        }
      }
    }
  }

  /** The latest `n` entries, newest first. */
  async latest(n: number): Promise<AuditEntry[]> {
    const ids = await this.recent.latest(n);
    const entries = await Promise.all(ids.map((id) => this.records.get(id)));
    return entries.flatMap((e) => (e ? [AuditEntry.parse(e)] : []));
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
