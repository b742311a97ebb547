import { randomBytes } from 'node:crypto';
import type { Logger } from '../log.js';
import { latestLegacyIds } from '../store/legacy-capped-log.js';
import { NumberedLog } from '../store/numbered-log.js';
import type { Store } from '../store/port.js';
import type { Actor } from '../backends/port.js';
import type { ChatUser, Where } from './invocation.js';
import { AuditEntry, toAuditEvent, type AuditEvent } from './audit-event.js';

/** The stored form of an audit entry, declared beside the exported shape it maps to (audit-event.ts). */
export { AuditEntry } from './audit-event.js';

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
    private readonly keep = AUDIT_KEEP,
    /** The TWCC project (plan code), or `local`: every exported event names it. */
    readonly project = 'local',
    /** Several projects: each entry names its project (the log itself is the project's own). */
    private readonly several = false,
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
    const record = AuditEntry.parse({ ...entry, id, at, ...(this.several ? { project: this.project } : {}) });
    for (let attempt = 1; ; attempt++) {
      try {
        await this.log.append(record);
        // One info line per event, the exported shape (pino's own `time` is the line's; the event's is `event_time`).
        const { time, ...event } = toAuditEvent(record, { project: this.project });
        this.logger.info({ audit: true, ...event, event_time: time }, `audit ${event.action} ${event.result}`);
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
   * Every entry still kept, from `since` (epoch ms) on, oldest first, read forwards a page at a time:
   * never the whole log in memory. Numbers are read up to the top as it was when the read began, so
   * entries appended meanwhile wait for the next export.
   */
  async *entries(since: number | undefined, pageSize = EXPORT_PAGE): AsyncGenerator<AuditEntry> {
    const top = await this.log.top();
    // Numbers more than `keep` below the top were pruned: not read at all.
    for (let from = Math.max(1, top - this.keep + 1); from <= top; from += pageSize) {
      const page = await this.log.page(from, Math.min(pageSize, top - from + 1));
      for (const { record } of page) {
        const entry = AuditEntry.safeParse(record);
        if (!entry.success) continue;
        if (since !== undefined && Date.parse(entry.data.at) < since) continue;
        yield entry.data;
      }
    }
  }

  /** Writes every entry from `since` on as exported events to `write`, and says how many and between which times. */
  async export(since: number | undefined, write: (event: AuditEvent) => Promise<void> | void, pageSize = EXPORT_PAGE): Promise<ExportSummary> {
    const summary: ExportSummary = { entries: 0 };
    for await (const entry of this.entries(since, pageSize)) {
      const event = toAuditEvent(entry, { project: this.project });
      await write(event);
      summary.entries++;
      summary.first ??= event.time;
      summary.last = event.time;
    }
    return summary;
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

/** How many entries an export reads from the store at a time. */
export const EXPORT_PAGE = 200;

export interface ExportSummary {
  entries: number;
  /** RFC 3339 UTC times of the first and last entry exported; undefined when none was. */
  first?: string;
  last?: string;
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
