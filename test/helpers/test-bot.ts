import type { Logger } from '../../src/log.js';
import type { Middleware } from '../../src/core/middleware.js';
import type { RateLimits } from '../../src/core/rate-limit.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Backend } from '../../src/backends/port.js';
import { LocalRegistry } from '../../src/backends/local/registry.js';
import { Core } from '../../src/core/core.js';
import type { ChatUser, CommandName } from '../../src/core/invocation.js';
import type { Outcome, PostTarget } from '../../src/core/outcome.js';
import { replyToPlainText, type Button, type Reply } from '../../src/core/reply.js';
import { openStore, type Store } from '../../src/store/index.js';
import { allFeatures } from '../../src/features/index.js';
import { memoryStore } from '../../src/store/memory-store.js';

/** One line of the conversation as a person would see it. */
export interface Said {
  to: string;
  where: 'reply' | 'approvals' | 'dm' | 'modal';
  reply?: Reply;
  text: string;
}

export interface TestBotOptions {
  admins?: string[];
  /** Reuse a store file (restart tests); a fresh temp file otherwise. */
  file?: string;
  /** Another store instead (Redis, PostgreSQL, a shared SQLite file): a replica beside other bots on it. */
  storeUrl?: string;
  /** Key prefix on that store, so that parallel test runs do not meet. */
  prefix?: string;
  /** Wraps the opened store (fault injection); the core and the registry see the wrapper. */
  wrapStore?: (store: Store) => Store;
  backend?: (store: Store) => Backend;
  now?: () => number;
  /**
   * The store keeps time by `now` too (an in-memory store instead of the SQLite file): a lifetime
   * ends when the test moves its clock, not after a real wait.
   */
  storeOnClock?: boolean;
  /** The logger the core logs to; silent otherwise. */
  logger?: Logger;
  /** KEY_MAX_DAYS; the core's default otherwise. */
  keyMaxDays?: number;
  /** Extra core middleware, innermost (under the core's own rules, as a handler). */
  middleware?: Middleware[];
  /** REMINDER_DAYS, parsed; the core's default (14, 3, 1) otherwise. */
  reminderDays?: number[];
  /** TZ: the zone dates are shown in; the core's default (UTC) otherwise. */
  timeZone?: string;
  /** RATE_LIMITS, parsed; none otherwise. */
  rateLimits?: RateLimits;
  /** How long a decision's claim outlives a holder that died; the core's default (30 s) otherwise. */
  decisionLeaseMs?: number;
  /** AUDIT_KEEP, and the floor an audit stream holds its prune to (src/audit-stream/); the core's defaults otherwise. */
  auditKeep?: number;
  auditFloor?: () => Promise<number>;
}

export const asUser = (name: string): ChatUser => ({ platform: 'local', workspace: 'local', userId: name, name });

/**
 * Drives the core as a chat user would: `say` a command, `click` a button by its label, read the
 * transcript. Runs on a real SQLite file and the embedded registry unless told otherwise.
 */
export class TestBot {
  readonly transcript: Said[] = [];
  private constructor(
    readonly core: Core,
    readonly store: Store,
    /** The backend the core calls (a spying wrapper, when the test asked for one). */
    readonly backend: Backend,
    readonly file: string,
    private readonly dir: string | undefined,
  ) {
    core.registerAdapter({
      name: 'local',
      messenger: {
        post: async (target: PostTarget, reply: Reply) => {
          const to = target.kind === 'dm' ? target.user.userId : '#approvals';
          this.transcript.push({ to, where: target.kind, reply, text: replyToPlainText(reply) });
        },
      },
    });
  }

  static async start(opts: TestBotOptions = {}): Promise<TestBot> {
    const dir = opts.file || opts.storeUrl ? undefined : mkdtempSync(join(tmpdir(), 'chatops-test-'));
    const file = opts.file ?? (opts.storeUrl ? '' : join(dir!, 'bot.sqlite'));
    const opened = opts.storeOnClock ? memoryStore(opts.now) : await openStore(opts.storeUrl ?? `sqlite://${file}`, opts.prefix ? { prefix: opts.prefix } : {});
    const store = opts.wrapStore ? opts.wrapStore(opened) : opened;
    const backend = opts.backend ? opts.backend(store) : new LocalRegistry(store, 'LOCAL', opts.now);
    const core = new Core({ features: allFeatures({ ...(opts.keyMaxDays ? { keyMaxDays: opts.keyMaxDays } : {}), ...(opts.reminderDays ? { reminderDays: opts.reminderDays } : {}) }), store, backend, admins: opts.admins ?? ['local:admin'], ...(opts.now ? { now: opts.now } : {}), middleware: opts.middleware ?? [], ...(opts.logger ? { logger: opts.logger } : {}), ...(opts.timeZone ? { timeZone: opts.timeZone } : {}), ...(opts.rateLimits ? { rateLimits: opts.rateLimits } : {}), ...(opts.decisionLeaseMs ? { decisionLeaseMs: opts.decisionLeaseMs } : {}), ...(opts.auditKeep ? { auditKeep: opts.auditKeep } : {}), ...(opts.auditFloor ? { auditFloor: opts.auditFloor } : {}) });
    return new TestBot(core, store, backend, file, dir);
  }

  private record(user: string, outcome: Outcome): Said {
    const said: Said =
      outcome.kind === 'reply'
        ? { to: user, where: 'reply', reply: outcome.reply, text: replyToPlainText(outcome.reply) }
        : outcome.kind === 'login-modal'
          ? { to: user, where: 'modal', text: `[modal] ${outcome.title}: ${outcome.label}` }
          : { to: user, where: 'reply', text: '[duplicate: not answered]' };
    this.transcript.push(said);
    return said;
  }

  /** `/apikey create` typed by `user` (whose platform reports `locale`, if given); answers what the bot replied. */
  async say(user: string, line: string, locale?: string): Promise<Said> {
    const m = /^\/(\w+)\s*(.*)$/s.exec(line.trim());
    if (!m) throw new Error(`not a command: ${line}`);
    const outcome = await this.core.handle({
      kind: 'command',
      user: asUser(user),
      where: { workspace: 'local', channelId: 'general' },
      command: m[1] as CommandName,
      text: m[2] ?? '',
      ...(locale ? { locale } : {}),
    });
    return this.record(user, outcome);
  }

  async login(user: string, apiKey: string): Promise<Said> {
    const outcome = await this.core.handle({ kind: 'login', user: asUser(user), where: { workspace: 'local', channelId: 'general' }, apiKey });
    return this.record(user, outcome);
  }

  /** The latest button with this label anywhere in the transcript. */
  button(label: string): Button {
    for (let i = this.transcript.length - 1; i >= 0; i--) {
      for (const b of this.transcript[i]!.reply?.blocks ?? []) {
        if (b.type === 'buttons') {
          const found = b.buttons.find((x) => x.label === label);
          if (found) return found;
        }
      }
    }
    throw new Error(`no button "${label}" in the transcript`);
  }

  /** Every button with this label, oldest first (one per card). */
  buttons(label: string): Button[] {
    return this.transcript.flatMap((s) => (s.reply?.blocks ?? []).flatMap((b) => (b.type === 'buttons' ? b.buttons.filter((x) => x.label === label) : [])));
  }

  async click(label: string, user: string): Promise<Said> {
    return this.clickId(this.button(label).id, user);
  }

  async clickId(actionId: string, user: string): Promise<Said> {
    const outcome = await this.core.handle({ kind: 'click', user: asUser(user), where: { workspace: 'local', channelId: 'general' }, actionId });
    return this.record(user, outcome);
  }

  /** Everything said to the approvals channel or privately to `user`. */
  posts(where: 'approvals' | 'dm', to?: string): Said[] {
    return this.transcript.filter((s) => s.where === where && (to === undefined || s.to === to));
  }

  /** Closes the store; removes the temp folder unless keep (restart tests reopen the file). */
  async stop(keep = false): Promise<void> {
    await this.store.close();
    if (this.dir && !keep) rmSync(this.dir, { recursive: true, force: true });
  }
}
