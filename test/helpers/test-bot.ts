import type { Logger } from '../../src/log.js';
import type { Middleware } from '../../src/core/middleware.js';
import type { RateLimits } from '../../src/core/rate-limit.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Backend } from '../../src/backends/port.js';
import { LocalRegistry } from '../../src/backends/local/registry.js';
import { Core } from '../../src/core/core.js';
import type { ChatUser, CommandName, Where } from '../../src/core/invocation.js';
import type { Outcome, PostedRef, PostTarget } from '../../src/core/outcome.js';
import { replyToPlainText, type Button, type Reply } from '../../src/core/reply.js';
import { openStore, type Store } from '../../src/store/index.js';
import { allFeatures } from '../../src/features/index.js';
import type { ApprovalSettings } from '../../src/features/approvals/settings.js';
import { memoryStore } from '../../src/store/memory-store.js';
import { projectStore } from '../../src/core/projects.js';

/** One line of the conversation as a person would see it. */
export interface Said {
  to: string;
  where: 'reply' | 'approvals' | 'dm' | 'modal' | 'escalation' | 'thread' | 'edit';
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
  /** BREAK_GLASS and BREAK_GLASS_REVIEW, parsed; none otherwise. */
  breakGlass?: { members: string[]; reviewMs: number };
  /** APPROVAL_* settings, parsed; the features' defaults otherwise. */
  approvals?: ApprovalSettings;
  /** LOCAL_PROJECTS: several projects, each an embedded registry on its own view of the store. */
  projects?: string[];
  /** With `projects`: each project's backend on its view of the store (TWCC_PROJECT as a list); embedded registries otherwise. */
  projectBackend?: (store: Store, project: string) => Backend;
  /** AUDIT_KEEP, and the floor an audit stream holds its prune to (src/audit-stream/); the core's defaults otherwise. */
  auditKeep?: number;
  auditFloor?: (store: Store) => Promise<number>;
}

export const asUser = (name: string): ChatUser => ({ platform: 'local', workspace: 'local', userId: name, name });

/**
 * Drives the core as a chat user would: `say` a command, `click` a button by its label, read the
 * transcript. Runs on a real SQLite file and the embedded registry unless told otherwise.
 */
export class TestBot {
  readonly transcript: Said[] = [];
  /** The message each posted card is (and each answer that replaced one), as a platform would tell a click on it. */
  private readonly messageOf = new Map<Said, string>();
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
          const to = target.kind === 'dm' ? target.user.userId : target.kind === 'escalation' ? '#escalation' : target.kind === 'thread' ? `#approvals/${target.ref.messageId}` : '#approvals';
          const said: Said = { to, where: target.kind, reply, text: replyToPlainText(reply) };
          this.transcript.push(said);
          if (target.kind === 'dm' || target.kind === 'thread') return;
          this.messageOf.set(said, String(this.transcript.length));
          return { platform: 'local', channelId: to, messageId: String(this.transcript.length), ...(target.kind === 'escalation' ? { escalation: true } : {}) };
        },
        edit: async (ref: PostedRef, reply: Reply) => {
          this.transcript.push({ to: `${ref.channelId}/${ref.messageId}`, where: 'edit', reply, text: replyToPlainText(reply) });
        },
      },
    });
  }

  static async start(opts: TestBotOptions = {}): Promise<TestBot> {
    const dir = opts.file || opts.storeUrl ? undefined : mkdtempSync(join(tmpdir(), 'chatops-test-'));
    const file = opts.file ?? (opts.storeUrl ? '' : join(dir!, 'bot.sqlite'));
    const opened = opts.storeOnClock ? memoryStore(opts.now) : await openStore(opts.storeUrl ?? `sqlite://${file}`, opts.prefix ? { prefix: opts.prefix } : {});
    const store = opts.wrapStore ? opts.wrapStore(opened) : opened;
    const projects = opts.projects?.map((code, i) => {
      const scoped = projectStore(store, code, i === 0);
      return { code, backend: opts.projectBackend ? opts.projectBackend(scoped, code) : new LocalRegistry(scoped, code, opts.now) };
    });
    const backend = projects ? projects[0]!.backend : opts.backend ? opts.backend(store) : new LocalRegistry(store, 'LOCAL', opts.now);
    const core = new Core({ features: allFeatures({ ...(opts.keyMaxDays ? { keyMaxDays: opts.keyMaxDays } : {}), ...(opts.reminderDays ? { reminderDays: opts.reminderDays } : {}), ...(opts.breakGlass ? { breakGlass: opts.breakGlass } : {}), ...(opts.approvals ? { approvals: opts.approvals } : {}) }), store, backend, admins: opts.admins ?? ['local:admin'], ...(opts.now ? { now: opts.now } : {}), middleware: opts.middleware ?? [], ...(opts.logger ? { logger: opts.logger } : {}), ...(opts.timeZone ? { timeZone: opts.timeZone } : {}), ...(opts.rateLimits ? { rateLimits: opts.rateLimits } : {}), ...(opts.decisionLeaseMs ? { decisionLeaseMs: opts.decisionLeaseMs } : {}), ...(opts.auditKeep ? { auditKeep: opts.auditKeep } : {}), ...(opts.auditFloor ? { auditFloor: opts.auditFloor } : {}), ...(projects ? { projects } : {}) });
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
  async say(user: string, line: string, locale?: string, where: Where = { workspace: 'local', channelId: 'general' }): Promise<Said> {
    const m = /^\/(\w+)\s*(.*)$/s.exec(line.trim());
    if (!m) throw new Error(`not a command: ${line}`);
    const outcome = await this.core.handle({
      kind: 'command',
      user: asUser(user),
      where,
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
    // The message clicked: the latest one showing this button.
    const on = [...this.transcript].reverse().find((s) => (s.reply?.blocks ?? []).some((b) => b.type === 'buttons' && b.buttons.some((x) => x.id === actionId)));
    const messageId = on ? this.messageOf.get(on) : undefined;
    const where = { workspace: 'local', channelId: 'general' };
    const outcome = await this.core.handle({ kind: 'click', user: asUser(user), where, actionId, ...(messageId ? { messageId } : {}) });
    const said = this.record(user, outcome);
    if (messageId && said.reply?.replaceOriginal) this.messageOf.set(said, messageId);
    return said;
  }

  /** Everything said to the approvals channel or privately to `user`. */
  posts(where: 'approvals' | 'dm' | 'escalation' | 'thread' | 'edit', to?: string): Said[] {
    return this.transcript.filter((s) => s.where === where && (to === undefined || s.to === to));
  }

  /** Closes the store; removes the temp folder unless keep (restart tests reopen the file). */
  async stop(keep = false): Promise<void> {
    await this.store.close();
    if (this.dir && !keep) rmSync(this.dir, { recursive: true, force: true });
  }
}
