import { ExclusiveLease } from '../../store/lease.js';
import type { Services } from '../context.js';
import { sweepReminders, type SweepReport } from './sweep.js';

export interface ReminderSweeperOptions {
  /** REMINDER_INTERVAL: how often the replica holding the lease sweeps. */
  intervalMs: number;
  /**
   * How soon another replica takes over from one that died: the lease's life after its last renewal,
   * and how long a reminder being sent stays claimed. Default: the interval, at most a minute.
   */
  takeoverMs?: number;
  /** Spread each sweep over the interval, one member at a time (a backend read with each member's own credential: TWCC). */
  spread: boolean;
  /** Told after each sweep (metrics). */
  onSweep?: (report: SweepReport) => void;
}

/**
 * Runs the reminder sweep every interval on the one replica that holds the `reminder-sweep` lease
 * (src/store/lease.ts); the others tick and find it taken. If the holder dies mid-sweep, its lease
 * expires and the next holder's sweep sends what is left: every reminder is claimed on its own.
 */
export class ReminderSweeper {
  readonly #lease: ExclusiveLease;
  readonly #abort = new AbortController();
  readonly #takeoverMs: number;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<SweepReport | undefined> | undefined;

  constructor(
    private readonly services: Services,
    private readonly opts: ReminderSweeperOptions,
  ) {
    this.#takeoverMs = opts.takeoverMs ?? Math.min(opts.intervalMs, 60_000);
    this.#lease = new ExclusiveLease(services.store, 'reminder-sweep', {
      ttlMs: this.#takeoverMs,
      onChange: (held) => services.logger.info({ held }, held ? 'reminder sweep: this replica sweeps' : 'reminder sweep: lease released or lost'),
    });
  }

  /** Keeps the lease (renewed every third of its life) and sweeps every interval while holding it. */
  start(): void {
    if (this.#timer || this.#abort.signal.aborted) return;
    this.#lease.start();
    void this.runOnce();
    this.#timer = setInterval(() => void this.runOnce(), this.opts.intervalMs);
  }

  /**
   * One sweep, if this replica holds (or can take) the lease and no sweep of its own is running;
   * undefined otherwise. Never throws: a failure is logged, and the next interval tries again.
   */
  runOnce(): Promise<SweepReport | undefined> {
    this.#running ??= this.#sweep().finally(() => (this.#running = undefined));
    return this.#running;
  }

  async #sweep(): Promise<SweepReport | undefined> {
    const { logger } = this.services;
    if (this.#abort.signal.aborted || !(await this.#lease.tick())) return undefined;
    try {
      const report = await sweepReminders(this.services, {
        spacingMs: (members) => (this.opts.spread && members > 1 ? Math.floor(this.opts.intervalMs / members) : 0),
        // A dead sweeper's unsent reminders are free when its lease is: the next holder sends them in its first sweep.
        sendingTtlMs: () => Math.max(1, this.#lease.remainingMs),
        // The lease is renewed before each member, so a sweep longer than the lease (a loaded machine, TWCC's
        // spacing) keeps it; one lost to another replica meanwhile ends the sweep here.
        mayContinue: async () => !this.#abort.signal.aborted && (await this.#lease.tick()),
        signal: this.#abort.signal,
      });
      // Quiet when there was nothing to do: a short REMINDER_INTERVAL would fill the log.
      const eventful = report.sent + report.failed + report.unreadable > 0 || !report.complete;
      logger[eventful ? 'info' : 'debug']({ ...report }, 'reminder sweep done');
      this.opts.onSweep?.(report);
      return report;
    } catch (err) {
      logger.error({ err }, 'reminder sweep failed; the next interval tries again');
      return undefined;
    }
  }

  /** Stops sweeping (a sweep under way ends before its next member) and releases the lease for another replica. */
  async stop(): Promise<void> {
    this.#abort.abort();
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running;
    await this.#lease.stop();
  }
}
