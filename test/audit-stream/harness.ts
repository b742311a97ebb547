import { AuditStream, streamedUpTo, type AuditStreamOptions, type StreamReport } from '../../src/audit-stream/stream.js';
import { AuditWebhook, type AuditWebhookOptions } from '../../src/audit-stream/webhook.js';
import type { SweepControl } from '../../src/core/sweeper.js';
import { silentLogger } from '../../src/log.js';
import { TestBot, type TestBotOptions } from '../helpers/test-bot.js';
import { startReceiver, type Receiver } from './receiver.js';

export const SECRET = 'test-webhook-secret-5f1c2a9e7b';
export const START = Date.parse('2026-12-01T09:00:00Z');

/**
 * A bot whose audit log streams to a receiver on loopback: the real sender (undici, signed batches)
 * on the bot's store, its clock, randomness and waits injected. Each wait it asks for is noted and moves
 * the clock on at once; `stopAfterWaits` ends a run (as a stopping process does) after that many.
 */
export class StreamHarness {
  readonly waits: number[] = [];
  readonly failures: string[] = [];
  readonly clock = { t: START };
  stopAfterWaits = Number.POSITIVE_INFINITY;
  #abort = new AbortController();

  private constructor(
    readonly bot: TestBot,
    readonly receiver: Receiver,
    readonly stream: AuditStream,
    readonly webhook: AuditWebhook,
  ) {}

  static async start(
    opts: { bot?: TestBotOptions; stream?: Partial<AuditStreamOptions>; webhook?: Partial<AuditWebhookOptions>; receiver?: Receiver } = {},
  ): Promise<StreamHarness> {
    const receiver = opts.receiver ?? (await startReceiver());
    // The harness is made last; the clock and the waits are its own, read when called.
    const ref: { harness?: StreamHarness } = {};
    const now = () => ref.harness!.clock.t;
    const bot = await TestBot.start({ now, auditFloor: (store) => streamedUpTo(store), ...opts.bot });
    const webhook = new AuditWebhook({ url: receiver.url, secret: SECRET, format: 'jsonl', now, ...opts.webhook });
    const stream = new AuditStream({
      store: bot.store,
      webhook,
      format: opts.webhook?.format ?? 'jsonl',
      project: 'local',
      keep: opts.bot?.auditKeep ?? 10_000,
      logger: silentLogger(),
      batchSize: 2,
      now,
      random: () => 0.5,
      sleep: async (ms) => {
        ref.harness!.waits.push(ms);
        ref.harness!.clock.t += ms;
        if (ref.harness!.waits.length >= ref.harness!.stopAfterWaits) ref.harness!.#abort.abort();
      },
      observer: { failed: (reason) => ref.harness!.failures.push(reason) },
      ...opts.stream,
    });
    ref.harness = new StreamHarness(bot, receiver, stream, webhook);
    return ref.harness;
  }

  /** One run of the sender, as the replica holding the lease makes it; until caught up, or `stopAfterWaits`. */
  run(): Promise<StreamReport> {
    this.#abort = new AbortController();
    const signal = this.#abort.signal;
    const control: SweepControl = { intervalMs: 5_000, leaseRemainingMs: () => 60_000, mayContinue: async () => !signal.aborted, signal };
    return this.stream.run(control);
  }

  /** The audit log's entries, oldest first, as the store holds them (`audit#1`, `audit#2`, …; undefined where pruned). */
  async stored(upTo: number): Promise<({ id: string; action: string } | undefined)[]> {
    const ids = Array.from({ length: upTo }, (_, i) => `audit#${i + 1}`);
    return this.bot.store.collection<{ id: string; action: string }>('audit').getMany(ids);
  }

  /** Closes the sender's connections, the receiver (unless another bot meets it next) and the store (its file kept for a restart). */
  async stop({ keepFile = false, keepReceiver = false } = {}): Promise<void> {
    await this.webhook.close();
    if (!keepReceiver) await this.receiver.close();
    await this.bot.stop(keepFile);
  }
}
