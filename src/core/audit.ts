import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Store } from '../store/types.js';

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
  /** `unknown`: a write whose effect the backend could not confirm (it may have been applied). */
  outcome: z.enum(['ok', 'failed', 'rejected', 'expired', 'unknown']),
  detail: z.string().optional(),
});
/** One line of the append-only audit log. Never holds a secret. */
export type AuditEntry = z.infer<typeof AuditEntry>;

export class AuditLog {
  private seq = 0;
  constructor(
    private readonly store: Store,
    private readonly now: () => number,
  ) {}

  async append(entry: Omit<AuditEntry, 'at' | 'id'>): Promise<void> {
    const at = new Date(this.now()).toISOString();
    const id = `${at}-${String(this.seq++).padStart(6, '0')}-${randomBytes(3).toString('hex')}`;
    await this.store.ns<AuditEntry>('audit').set(id, AuditEntry.parse({ ...entry, id, at }));
  }

  /** The latest `n` entries, newest first. */
  async latest(n: number): Promise<AuditEntry[]> {
    const all = await this.store.values<AuditEntry>('audit');
    return all.sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0)).slice(0, n);
  }
}
