import type { Lease, Store } from './port.js';

export interface ExclusiveLeaseOptions {
  /** How long the lease outlives its holder's last renewal: how soon another replica takes over a dead one's work. */
  ttlMs: number;
  /** How often `start()` tries to take or renew it; a third of `ttlMs` by default, so two renewals may fail before it expires. */
  everyMs?: number;
  /** Called when this replica takes the lease, and when it loses it (expired, store unreachable, stopped). */
  onChange?: (held: boolean) => void;
  /** Injected clock, for tests. */
  now?: () => number;
}

/**
 * A lease in the store for work that must run on one replica only (the reminder sweep): every replica
 * ticks; one takes the lease (an atomic claim with expiry) and keeps it by renewing it, token-checked;
 * the others find it taken. When its holder dies, the lease expires after `ttlMs` and the next tick
 * of another replica takes it. `held` is true only while the last renewal is known to be in force.
 */
export class ExclusiveLease {
  #lease: Lease | undefined;
  #heldUntil = 0;
  #timer: NodeJS.Timeout | undefined;
  #ticking: Promise<boolean> | undefined;
  readonly #now: () => number;

  constructor(
    private readonly store: Store,
    readonly key: string,
    private readonly opts: ExclusiveLeaseOptions,
  ) {
    this.#now = opts.now ?? Date.now;
  }

  /** Whether this replica holds the lease now (the work may run). */
  get held(): boolean {
    return this.#lease !== undefined && this.#now() < this.#heldUntil;
  }

  /** How long the lease is known to stay in force without another renewal (0 when not held). */
  get remainingMs(): number {
    return this.held ? this.#heldUntil - this.#now() : 0;
  }

  /** Takes the lease if it is free, renews it if this replica holds it; true when held afterwards. Never throws. */
  tick(): Promise<boolean> {
    this.#ticking ??= this.#tick().finally(() => (this.#ticking = undefined));
    return this.#ticking;
  }

  async #tick(): Promise<boolean> {
    const before = this.#now();
    const was = this.held;
    try {
      if (this.#lease) {
        if (!(await this.#lease.renew(this.opts.ttlMs))) this.#lease = undefined;
      } else {
        this.#lease = await this.store.claim(`lease:${this.key}`, this.opts.ttlMs);
      }
    } catch {
      // The store did not answer: the lease may expire before we hear from it again, so stop holding it.
      this.#lease = undefined;
    }
    // Counted from before the call: the store's expiry is at least that late.
    if (this.#lease) this.#heldUntil = before + this.opts.ttlMs;
    const now = this.held;
    if (now !== was) this.opts.onChange?.(now);
    return now;
  }

  /** Ticks every `everyMs` until `stop()`. */
  start(): void {
    if (this.#timer) return;
    const every = this.opts.everyMs ?? Math.max(1, Math.floor(this.opts.ttlMs / 3));
    void this.tick();
    this.#timer = setInterval(() => void this.tick(), every);
  }

  /** Stops ticking and releases the lease, so another replica can take it at once. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#ticking;
    const lease = this.#lease;
    const was = this.held;
    this.#lease = undefined;
    await lease?.release().catch(() => undefined);
    if (was) this.opts.onChange?.(false);
  }
}
