import { randomBytes } from 'node:crypto';
import { closedPort, NO_RATE_LIMITS, spawnBot, type BotProcess } from '../startup/bot-process.js';

export const SIGNING_SECRET = 'scale-out-signing-secret';
export const APPROVALS = 'CAPPROVALS';
export const ADMINS = ['slack:UADMIN1', 'slack:UADMIN2'];

/** How long a replica may take to start (on two shared cores, with other work beside it). */
const START_DEADLINE_MS = 30_000;
/** Starts of one replica at most, when the first ones gave up on the store's deadline. */
const START_ATTEMPTS = 3;

/**
 * N copies of the real bot (`node dist/src/main.js`, Slack over HTTP) on one shared store, each in a slot
 * with a fixed loopback port, so that a replica restarted in its slot is where nginx expects it.
 */
export class Replicas {
  private readonly bots: (BotProcess | undefined)[];
  /** Every process ever started here, for the logs of a failed run. */
  private readonly all: BotProcess[] = [];

  private constructor(
    readonly ports: number[],
    private readonly env: Record<string, string>,
  ) {
    this.bots = ports.map(() => undefined);
  }

  static async start(count: number, opts: { storeUrl: string; slackApiUrl: string; env?: Record<string, string> }): Promise<Replicas> {
    const ports: number[] = [];
    while (ports.length < count) {
      const port = await closedPort();
      if (!ports.includes(port)) ports.push(port);
    }
    const env = {
      SLACK_BOT_TOKEN: 'xoxb-scale-out',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: opts.slackApiUrl,
      STORE_URL: opts.storeUrl,
      // One key for all replicas: what one sealed, another must open.
      ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      ADMINS: ADMINS.join(','),
      APPROVALS_CHANNEL: APPROVALS,
      LOG_LEVEL: 'info',
      // The load runs many commands per member; test/core/rate-limit.test.ts tests the limits.
      RATE_LIMITS: NO_RATE_LIMITS,
      ...opts.env,
    };
    const replicas = new Replicas(ports, env);
    // One after another: on two shared cores, replicas starting at once can starve each other past
    // the bot's own 5 s deadline for reaching the store, which a real deploy would not do either.
    try {
      for (let slot = 0; slot < count; slot++) await replicas.startSlot(slot);
    } catch (err) {
      await replicas.stop();
      throw err;
    }
    return replicas;
  }

  url(slot: number): string {
    return `http://127.0.0.1:${this.ports[slot]}`;
  }

  get urls(): string[] {
    return this.ports.map((_, slot) => this.url(slot));
  }

  bot(slot: number): BotProcess {
    const bot = this.bots[slot];
    if (!bot) throw new Error(`replica ${slot} is not running`);
    return bot;
  }

  /**
   * Starts the replica of `slot` and resolves once its /readyz answers 200. Like the systemd unit's
   * Restart=on-failure, a start that gave up on the store's 5 s deadline (seen when the machine's
   * load average was far above its two cores) is tried again, up to START_ATTEMPTS in all; any other failure, or the last
   * one, fails the test with the bot's own words.
   */
  async startSlot(slot: number): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.startOnce(slot);
      } catch (err) {
        const why = err instanceof Error ? err.message : String(err);
        if (attempt === START_ATTEMPTS || !/STORE_URL: .* did not answer within/.test(why)) throw err;
        console.log(`[scale] replica ${slot}, start ${attempt} of ${START_ATTEMPTS}: ${why.split('\n').find((l) => l.includes('STORE_URL'))}`);
      }
    }
  }

  private async startOnce(slot: number): Promise<void> {
    const bot = spawnBot({ ...this.env, PORT: String(this.ports[slot]) });
    this.bots[slot] = bot;
    this.all.push(bot);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`replica ${slot} did not start within ${START_DEADLINE_MS} ms:\n${bot.stderr()}`)), START_DEADLINE_MS);
    });
    try {
      await Promise.race([bot.line(/"msg":"twcc-chatops ready"/), late]);
      const ready = await fetch(`${this.url(slot)}/readyz`, { signal: AbortSignal.timeout(3_000) });
      if (ready.status !== 200) throw new Error(`replica ${slot} logged ready but /readyz answered ${ready.status}: ${await ready.text()}`);
    } finally {
      clearTimeout(timer);
    }
  }

  /** SIGKILL: the replica dies on the spot, as on a crashed machine. */
  async kill(slot: number): Promise<void> {
    const bot = this.bot(slot);
    bot.child.kill('SIGKILL');
    await bot.exited;
    this.bots[slot] = undefined;
  }

  /** SIGTERM, as a deploy sends it; resolves with how the process ended. */
  async terminate(slot: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    const bot = this.bot(slot);
    bot.child.kill('SIGTERM');
    const { code, signal } = await bot.exited;
    this.bots[slot] = undefined;
    return { code, signal };
  }

  /** Everything every replica wrote to stderr, for a failure message. */
  logs(): string {
    return this.all.map((b, i) => `--- process ${i}\n${b.stderr()}`).join('\n');
  }

  async stop(): Promise<void> {
    await Promise.all(this.all.map((b) => b.cleanUp()));
  }
}
