import { randomBytes } from 'node:crypto';
import { closedPort, NO_RATE_LIMITS, spawnBot, type BotProcess } from '../startup/bot-process.js';

export const SIGNING_SECRET = 'scale-out-signing-secret';
export const APPROVALS = 'CAPPROVALS';
export const ADMINS = ['slack:UADMIN1', 'slack:UADMIN2'];

/** How long a replica may take to start (tsx compiles on the fly, on two shared cores). */
const START_DEADLINE_MS = 20_000;

/**
 * N copies of the real bot (`tsx src/main.ts`, Slack over HTTP) on one shared store, each in a slot
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

  static async start(count: number, opts: { storeUrl: string; slackApiUrl: string }): Promise<Replicas> {
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
    };
    const replicas = new Replicas(ports, env);
    await Promise.all(ports.map((_, slot) => replicas.startSlot(slot)));
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

  /** Starts the replica of `slot` and resolves once its /readyz answers 200. */
  async startSlot(slot: number): Promise<void> {
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
    const exit = await bot.exited;
    this.bots[slot] = undefined;
    return exit;
  }

  /** Everything every replica wrote to stderr, for a failure message. */
  logs(): string {
    return this.all.map((b, i) => `--- process ${i}\n${b.stderr()}`).join('\n');
  }

  async stop(): Promise<void> {
    await Promise.all(this.all.map((b) => b.cleanUp()));
  }
}
