import { setTimeout as delay } from 'node:timers/promises';
import { toAuditEvent, type AuditEvent } from '../core/audit-event.js';
import type { AuditEntry } from '../core/audit.js';
import { Sweeper, type Sweep, type SweepControl, type SweeperOptions } from '../core/sweeper.js';
import type { Logger } from '../log.js';
import { NumberedLog } from '../store/numbered-log.js';
import type { Store } from '../store/port.js';
import { batchBody, type Delivery, type FailureReason, type WebhookFormat } from './webhook.js';

/** Where the stream's cursor lives: the number of the last audit entry the receiver took (2xx). */
const CURSOR = 'audit-stream.cursor';

/** The stream's lease and log name: one sender across replicas. */
const SWEEP_NAME = 'audit-stream';

/** The highest audit entry number streamed so far; without a cursor yet, no floor (AUDIT_KEEP prunes as before). */
export async function streamedUpTo(store: Store): Promise<number> {
  return (await store.collection<number>('meta').get(CURSOR)) ?? Number.POSITIVE_INFINITY;
}

export interface StreamReport {
  /** Entries the receiver took in this sweep. */
  delivered: number;
  /** Batches it did not take (each retried after a backoff or its Retry-After). */
  failures: number;
  /** Numbers skipped because their entry was never written (a write that failed after the count). */
  skipped: number;
  /** Entries still to send when the sweep ended. */
  backlog: number;
}

/** What the stream tells as it goes (metrics): batches taken and batches refused, at once rather than at the sweep's end. */
export interface StreamObserver {
  delivered?(entries: number): void;
  failed?(reason: FailureReason): void;
}

export interface AuditStreamOptions {
  store: Store;
  /** Posts one batch (src/audit-stream/webhook.ts). */
  webhook: { post(body: string, signal: AbortSignal): Promise<Delivery>; readonly origin: string };
  format: WebhookFormat;
  /** The project each event names: TWCC_PROJECT on the twcc backend, else the backend's name (`local`). */
  project: string;
  /** AUDIT_KEEP: entries past it were pruned before the stream began, and are not waited for. */
  keep: number;
  logger: Logger;
  /** The stored entry as the event sent; by default the one exported shape (src/core/audit-event.ts). */
  serialize?: (entry: AuditEntry) => AuditEvent;
  /** How often the sender looks for new entries; also how soon another replica takes over from one that died. */
  intervalMs?: number;
  /** Entries per POST. */
  batchSize?: number;
  /** The first retry's backoff, doubled after each failure up to `maxBackoffMs`; half of it is jitter. */
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  /** A receiver's `Retry-After` is honoured up to this (a mistaken one of days would stop the stream). */
  maxRetryAfterMs?: number;
  /**
   * How long a number with no entry is waited for: its append may still be writing (count, then write).
   * After that it is a failed write, skipped; a number older than AUDIT_KEEP is skipped at once.
   */
  gapGraceMs?: number;
  observer?: StreamObserver;
  /** Injected for tests: the clock, jitter's randomness, and the wait between attempts (ends early when `signal` aborts). */
  now?: () => number;
  random?: () => number;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

type Next =
  | { kind: 'caught-up' }
  | { kind: 'waiting'; gap: number }
  | { kind: 'batch'; after: number; last: number; entries: AuditEntry[]; skipped: number };

const abortableDelay = (ms: number, signal: AbortSignal): Promise<void> => delay(ms, undefined, { signal }).catch(() => undefined);

/**
 * Streams the audit log to a SIEM, at least once and in order. The outbox is the log itself (numbered
 * by the store's atomic counter) and a cursor in the store, the last number the receiver took: a batch
 * is the entries after the cursor, and the cursor moves only after a 2xx. So a restart, a takeover by
 * another replica or an outage of any length loses nothing; a batch sent but unanswered (a crash, a
 * deadline) is sent again, its events with the same `event_id`. One replica sends, under a store lease.
 */
export class AuditStream {
  readonly #log: NumberedLog<AuditEntry>;
  readonly #serialize: (entry: AuditEntry) => AuditEvent;
  readonly #now: () => number;
  readonly #random: () => number;
  readonly #sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly #batchSize: number;
  /** When each missing number was first seen missing (this sender's own memory: a takeover waits afresh). */
  readonly #gapsSeen = new Map<number, number>();
  /** Batches refused in a row: the backoff's exponent. */
  #failuresInRow = 0;
  #failingSince: number | undefined;

  constructor(private readonly opts: AuditStreamOptions) {
    this.#log = new NumberedLog<AuditEntry>(opts.store, opts.store.collection<AuditEntry>('audit'), 'audit', opts.keep, () => streamedUpTo(opts.store));
    this.#serialize = opts.serialize ?? ((entry) => toAuditEvent(entry, { project: opts.project }));
    this.#now = opts.now ?? Date.now;
    this.#random = opts.random ?? Math.random;
    this.#sleep = opts.sleep ?? abortableDelay;
    this.#batchSize = opts.batchSize ?? 100;
  }

  /** The sweep the core's Sweeper runs on the one replica holding the `audit-stream` lease. */
  get sweep(): Sweep<never, StreamReport> {
    return {
      name: SWEEP_NAME,
      lease: SWEEP_NAME,
      intervalMs: this.opts.intervalMs ?? 5_000,
      run: (_services, control) => this.run(control),
      eventful: (r) => r.delivered + r.failures + r.skipped > 0,
    };
  }

  /** A sweeper for this stream, started by main.ts with the others and stopped at shutdown. */
  sweeper(opts: SweeperOptions<StreamReport> = {}): Sweeper<StreamReport> {
    return new Sweeper<StreamReport>(this.sweep, (control) => this.run(control), this.opts.store, this.opts.logger, opts);
  }

  /** Entries not yet taken by the receiver: the log's top less the cursor (`/metrics`). */
  async backlog(): Promise<number> {
    const [top, cursor] = await Promise.all([this.#log.top(), this.opts.store.collection<number>('meta').get(CURSOR)]);
    return Math.max(0, top - (cursor ?? Math.max(0, top - this.opts.keep)));
  }

  /** Sends batch after batch until the log is caught up, the lease is lost or the process stops; waits out failures. */
  async run(control: SweepControl): Promise<StreamReport> {
    const report: StreamReport = { delivered: 0, failures: 0, skipped: 0, backlog: 0 };
    while (await control.mayContinue()) {
      const next = await this.#next();
      if (next.kind !== 'batch') break;
      if (next.entries.length > 0) {
        const delivery = await this.opts.webhook.post(batchBody(next.entries.map(this.#serialize), this.opts.format), control.signal);
        if (!delivery.ok) {
          if (control.signal.aborted) break;
          report.failures++;
          await this.#failed(delivery, next, control.signal);
          continue;
        }
      }
      this.#recovered();
      await this.#advance(next.after, next.last);
      report.delivered += next.entries.length;
      report.skipped += next.skipped;
      if (next.entries.length > 0) this.opts.observer?.delivered?.(next.entries.length);
    }
    report.backlog = await this.backlog();
    return report;
  }

  /** The cursor; the first time, just behind what AUDIT_KEEP still holds (older entries are gone). */
  async #cursor(): Promise<number> {
    const meta = this.opts.store.collection<number>('meta');
    const cursor = await meta.get(CURSOR);
    if (cursor !== undefined) return cursor;
    const start = Math.max(0, (await this.#log.top()) - this.opts.keep);
    await meta.put(CURSOR, start);
    this.opts.logger.info({ from: start + 1 }, 'audit stream: first start; streaming the audit log from the oldest entry kept');
    return start;
  }

  /** The entries after the cursor, in order, up to a number that is missing and may still come. */
  async #next(): Promise<Next> {
    const cursor = await this.#cursor();
    const top = await this.#log.top();
    if (top <= cursor) return { kind: 'caught-up' };
    const page = new Map((await this.#log.page(cursor + 1, this.#batchSize)).map((p) => [p.number, p.record]));
    const entries: AuditEntry[] = [];
    let last = cursor;
    let skipped = 0;
    for (let n = cursor + 1; n <= Math.min(top, cursor + this.#batchSize); n++) {
      const entry = page.get(n);
      if (entry === undefined && !this.#givenUp(n, top)) break;
      if (entry === undefined) skipped++;
      else entries.push(entry);
      this.#gapsSeen.delete(n);
      last = n;
    }
    return last === cursor ? { kind: 'waiting', gap: cursor + 1 } : { kind: 'batch', after: cursor, last, entries, skipped };
  }

  /** Whether missing number `n` is a write that failed (skip it) rather than one still under way (wait). */
  #givenUp(n: number, top: number): boolean {
    if (n <= top - this.opts.keep) return true;
    const now = this.#now();
    const seen = this.#gapsSeen.get(n) ?? (this.#gapsSeen.set(n, now), now);
    if (now - seen < (this.opts.gapGraceMs ?? 60_000)) return false;
    this.opts.logger.warn({ number: n }, 'audit stream: entry number never written (a failed write); skipped');
    return true;
  }

  /** The receiver took entries up to `last`: the cursor moves, and AUDIT_KEEP prunes what it held back for the stream. */
  async #advance(after: number, last: number): Promise<void> {
    await this.opts.store.collection<number>('meta').put(CURSOR, last);
    await this.#log.pruneHeld(after, last);
  }

  async #failed(delivery: Extract<Delivery, { ok: false }>, batch: Extract<Next, { kind: 'batch' }>, signal: AbortSignal): Promise<void> {
    this.#failuresInRow++;
    this.#failingSince ??= this.#now();
    this.opts.observer?.failed?.(delivery.reason);
    const waitMs = this.#waitAfter(delivery);
    // The SIEM's outage is not the bot's: /readyz stays ready; the log says it, batch after batch.
    this.opts.logger.warn(
      {
        receiver: this.opts.webhook.origin,
        reason: delivery.reason,
        ...(delivery.status !== undefined ? { status: delivery.status } : {}),
        detail: delivery.message,
        entries: `${batch.after + 1}-${batch.last}`,
        failuresInRow: this.#failuresInRow,
        failingForMs: this.#now() - this.#failingSince,
        retryInMs: Math.round(waitMs),
      },
      'audit stream: the receiver did not take a batch; it is sent again',
    );
    await this.#sleep(waitMs, signal);
  }

  #recovered(): void {
    if (this.#failuresInRow > 0) {
      this.opts.logger.info({ receiver: this.opts.webhook.origin, failuresInRow: this.#failuresInRow, failedForMs: this.#now() - (this.#failingSince ?? this.#now()) }, 'audit stream: the receiver takes batches again');
    }
    this.#failuresInRow = 0;
    this.#failingSince = undefined;
  }

  /** The receiver's `Retry-After` when it gave one (not sooner, at most maxRetryAfterMs); else exponential backoff, half jitter. */
  #waitAfter(delivery: Extract<Delivery, { ok: false }>): number {
    const base = this.opts.baseBackoffMs ?? 1_000;
    if (delivery.retryAfterMs !== undefined) return Math.min(Math.max(delivery.retryAfterMs, base), this.opts.maxRetryAfterMs ?? 3_600_000);
    const ceiling = Math.min(this.opts.maxBackoffMs ?? 300_000, base * 2 ** Math.min(this.#failuresInRow - 1, 30));
    return ceiling / 2 + this.#random() * (ceiling / 2);
  }
}
