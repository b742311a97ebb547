import type { Logger } from '../log.js';
import { ExclusiveLease } from '../store/lease.js';
import type { Store } from '../store/port.js';

/** What a sweep is told while it runs: how long its lease has left, and whether it may go on. */
export interface SweepControl {
  /** The interval the sweep runs at (work may be spread over it). */
  intervalMs: number;
  /** What the lease has left: a claim taken during the sweep should end with it, so a takeover finds it free. */
  leaseRemainingMs(): number;
  /** Asked before each unit of work (renewing the lease): false once the lease is lost or the process is stopping. */
  mayContinue(): Promise<boolean>;
  signal: AbortSignal;
}

/**
 * Work a feature does on a schedule, on one replica at a time (the reminder sweep). `S` is what the
 * core gives it (its services); the report is logged and handed to `onReport` (metrics).
 */
export interface Sweep<S = never, R extends object = object> {
  /** What the log calls it: `reminder` (`reminder sweep done`). */
  readonly name: string;
  /** The name of its lease in the store, the same across versions (replicas of two versions share it). */
  readonly lease: string;
  /** How often it runs, unless the sweeper is told otherwise. */
  readonly intervalMs: number;
  /** False when configured off (REMINDER_DAYS=off): the process runs no sweeper for it. */
  readonly enabled?: boolean;
  run(services: S, control: SweepControl): Promise<R>;
  /** Whether a report is worth an info line (a quiet sweep logs at debug: a short interval would fill the log). */
  eventful?(report: R): boolean;
}

export interface SweeperOptions<R> {
  intervalMs?: number;
  /**
   * How soon another replica takes over from one that died: the lease's life after its last renewal.
   * Default: the interval, at most a minute.
   */
  takeoverMs?: number;
  /** Told after each sweep, with the sweep's name (metrics). */
  onReport?: (report: R, sweep: string) => void;
}

/**
 * Runs one sweep every interval on the one replica that holds its lease (src/store/lease.ts); the
 * others tick and find it taken. If the holder dies mid-sweep, its lease expires and the next
 * holder's sweep does what is left.
 */
export class Sweeper<R extends object = object> {
  readonly #lease: ExclusiveLease;
  readonly #abort = new AbortController();
  readonly #intervalMs: number;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<R | undefined> | undefined;

  constructor(
    private readonly sweep: Sweep<never, R>,
    private readonly run: (control: SweepControl) => Promise<R>,
    store: Store,
    private readonly logger: Logger,
    private readonly opts: SweeperOptions<R> = {},
  ) {
    this.#intervalMs = opts.intervalMs ?? sweep.intervalMs;
    this.#lease = new ExclusiveLease(store, sweep.lease, {
      ttlMs: opts.takeoverMs ?? Math.min(this.#intervalMs, 60_000),
      onChange: (held) => logger.info({ held }, held ? `${sweep.name} sweep: this replica sweeps` : `${sweep.name} sweep: lease released or lost`),
    });
  }

  get name(): string {
    return this.sweep.name;
  }

  /** Keeps the lease (renewed every third of its life) and sweeps every interval while holding it. */
  start(): void {
    if (this.#timer || this.#abort.signal.aborted) return;
    this.#lease.start();
    void this.runOnce();
    this.#timer = setInterval(() => void this.runOnce(), this.#intervalMs);
  }

  /**
   * One sweep, if this replica holds (or can take) the lease and no sweep of its own is running;
   * undefined otherwise. Never throws: a failure is logged, and the next interval tries again.
   */
  runOnce(): Promise<R | undefined> {
    this.#running ??= this.#sweep().finally(() => (this.#running = undefined));
    return this.#running;
  }

  async #sweep(): Promise<R | undefined> {
    const signal = this.#abort.signal;
    if (signal.aborted || !(await this.#lease.tick())) return undefined;
    try {
      const report = await this.run({
        intervalMs: this.#intervalMs,
        leaseRemainingMs: () => Math.max(1, this.#lease.remainingMs),
        // The lease is renewed before each unit of work, so a sweep longer than the lease (a loaded machine, TWCC's
        // spacing) keeps it; one lost to another replica meanwhile ends the sweep there.
        mayContinue: async () => !signal.aborted && (await this.#lease.tick()),
        signal,
      });
      const level = this.sweep.eventful?.(report) === false ? 'debug' : 'info';
      this.logger[level]({ ...report } as Record<string, unknown>, `${this.sweep.name} sweep done`);
      this.opts.onReport?.(report, this.sweep.name);
      return report;
    } catch (err) {
      this.logger.error({ err }, `${this.sweep.name} sweep failed; the next interval tries again`);
      return undefined;
    }
  }

  /** Stops sweeping (a sweep under way ends before its next unit) and releases the lease for another replica. */
  async stop(): Promise<void> {
    this.#abort.abort();
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running;
    await this.#lease.stop();
  }
}
