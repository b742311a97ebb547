import type { Backend, Service } from '../backends/port.js';
import { silentLogger, type Logger } from '../log.js';
import type { Store } from '../store/port.js';
import { decodeAction, PendingActions } from './flows/pending.js';
import { AuditLog } from './audit.js';
import { backendNotingChanges, storeNotingChanges, type ChangeRecord } from './changes.js';
import { handlerFor } from './commands/index.js';
import { completeLogin } from './commands/tenant.js';
import type { Services } from './context.js';
import { decideFlow } from './flows/decide.js';
import { badArgsReply, helpReply, unknownSubcommandReply } from './help.js';
import { describeError, texts, type Translator } from './i18n.js';
import { LocaleSettings } from './i18n/settings.js';
import type { Locale } from './i18n/locale.js';
import { adminMembers, Identity, type Link } from './identity.js';
import type { ChatUser, ClickInvocation, CommandInvocation, Invocation, Platform } from './invocation.js';
import { compose, deduplicateDeliveries, errorReferences, keepSecretsPrivate, logInvocations, mayPost, type Middleware } from './middleware.js';
import { answer, type Adapter, type Messenger, type Outcome, type PostTarget } from './outcome.js';
import { parseOptions, parseText, findSubcommand } from './parser.js';
import { mayRun } from './policy.js';
import { RateLimiter, type RateLimits } from './rate-limit.js';
import { reply, text, type Reply } from './reply.js';
import { backendClosingReminders, KeyReminders } from './reminders/key-reminders.js';
import { ReminderOptOut } from './reminders/opt-out.js';
import { ReminderSweeper, type ReminderSweeperOptions } from './reminders/sweeper.js';

export interface CoreOptions {
  store: Store;
  backend: Backend;
  /** ADMINS: chat identities that are admins from the start (`slack:U123`, `local:admin`), or one person's (`anna=slack:U1+discord:2`). */
  admins?: readonly string[];
  logger?: Logger;
  /** Injected clock, for expiries in tests. */
  now?: () => number;
  /** How far ahead `/apikey extend` may move an expiry, in days from today (KEY_MAX_DAYS; default 365). */
  keyMaxDays?: number;
  /** AUDIT_KEEP: how many of the newest audit entries are kept (default 10,000). */
  auditKeep?: number;
  /** REMINDER_DAYS, parsed (src/core/reminders/schedule.ts); default 14, 3 and 1 days; empty: no reminders. */
  reminderDays?: readonly number[];
  /** Run around every invocation inside the core's own (error references, de-duplication, the secret rule): metrics. */
  middleware?: readonly Middleware[];
  /** Per-member limits on state-changing commands (RATE_LIMITS); none when unset. */
  rateLimits?: RateLimits;
  /** TZ: the IANA time zone dates and times are shown in (src/config.ts defaults it to Asia/Taipei); UTC when unset. */
  timeZone?: string;
}

/**
 * The command core: `handle(invocation) → outcome`, platform-neutral and closed. Adapters turn platform
 * events into invocations and render outcomes; they register so that the core can post through them.
 * Cross-cutting rules (error references, de-duplication, the secret rule, logging, metrics) run once,
 * here, as one middleware chain, for every adapter.
 */
export class Core {
  readonly #services: Services;
  readonly #messengers = new Map<Platform, Messenger>();
  readonly #run: (inv: Invocation) => Promise<Outcome>;
  readonly #inFlight = new Set<Promise<Outcome>>();
  readonly #limits: RateLimiter;
  /** Each invocation's translator, once its locale is resolved: the error middleware words failures with it. */
  readonly #translators = new WeakMap<Invocation, Translator>();
  /** Each invocation's change record: its services note into it, the error middleware reads it. */
  readonly #changes = new WeakMap<Invocation, ChangeRecord>();
  /** The services one invocation works with, noting what it changes in `record`. */
  readonly #servicesFor: (record: ChangeRecord) => Services;
  #stopping = false;

  constructor(opts: CoreOptions) {
    const now = opts.now ?? Date.now;
    const logger = opts.logger ?? silentLogger();
    const timeZone = opts.timeZone ?? 'UTC';
    const admins = adminMembers(opts.admins ?? []);
    const remembered = new Map<string, Locale>();
    // Extending or deleting a key, by any path, closes its open reminder cards. Made once: closing a card
    // follows a change the invocation has already noted, so it needs no record of its own.
    const keyReminders = new KeyReminders(opts.store, new PendingActions(opts.store, now), timeZone, now);
    const closingReminders = backendClosingReminders(opts.backend, keyReminders);
    // What the core changes is noted per invocation, so that a failure says "nothing was changed" only when it is so:
    // each invocation gets services on a store and backend that note into its own record (a few small objects).
    this.#servicesFor = (record) => {
      const store = storeNotingChanges(opts.store, record);
      const pending = new PendingActions(store, now);
      const backend = backendNotingChanges(closingReminders, record);
      const identity = new Identity(store, backend, admins, now);
      return {
        store,
        backend,
        identity,
        timeZone,
        locales: new LocaleSettings(store, identity, timeZone, opts.store, remembered),
        audit: new AuditLog(store, now, logger, opts.auditKeep),
        pending,
        logger,
        now,
        keyMaxDays: opts.keyMaxDays ?? 365,
        reminderDays: opts.reminderDays ?? [14, 3, 1],
        reminderOptOut: new ReminderOptOut(store),
        keyReminders,
        post: (target, r) => this.#post(target, r),
      };
    };
    // Outside any invocation (the reminder sweep, an adapter's own lines), changes are noted where no one reads them.
    this.#services = this.#servicesFor({ changed: false });
    this.#limits = new RateLimiter(opts.store, opts.rateLimits ?? {}, now);
    this.#run = compose(
      [
        errorReferences(logger, (inv, storeWorks) => this.#failureTranslator(inv, storeWorks), (inv) => this.#changesOf(inv)),
        logInvocations(logger),
        deduplicateDeliveries(opts.store, logger),
        keepSecretsPrivate,
        ...(opts.middleware ?? []),
      ],
      (inv) => this.#dispatch(inv),
    );
  }

  /** The adapter's messenger receives what the core posts to its platform (approval cards, private notices). */
  registerAdapter(adapter: Pick<Adapter, 'name' | 'messenger'>): void {
    this.#messengers.set(adapter.name, adapter.messenger);
  }

  /**
   * Never throws: unexpected failures are logged with a reference and answered in words. An adapter
   * still completing the invocation (Slack's user-locale look-up) hands over its promise at once: the
   * work is admitted, and counted in flight, from that moment, so a stop meanwhile waits for it.
   */
  async handle(invocation: Invocation | Promise<Invocation>): Promise<Outcome> {
    if (this.#stopping) return answer(reply(texts.stopping(this.#translatorOf(await invocation))));
    const job = Promise.resolve(invocation).then((inv) => this.#run(inv));
    this.#inFlight.add(job);
    try {
      return await job;
    } finally {
      this.#inFlight.delete(job);
    }
  }

  /**
   * The words for `user`, by their `/tenant lang` (a terminal has no platform locale): for an adapter's
   * own lines, such as the shell's prompts and notices.
   */
  translatorFor(user: Pick<ChatUser, 'platform' | 'userId'>, platformLocale?: string): Promise<Translator> {
    return this.#services.locales.translatorFor(user, platformLocale);
  }

  /** Takes no new work, and waits (at most `graceMs`) for what is in flight to be answered. */
  async stop(graceMs = 8_000): Promise<void> {
    this.#stopping = true;
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, graceMs);
    });
    await Promise.race([Promise.allSettled([...this.#inFlight]), grace]);
    clearTimeout(timer);
  }


  /** The key-expiry reminder sweep over this core's services; main.ts starts it, and stops it at shutdown. */
  reminderSweeper(opts: Omit<ReminderSweeperOptions, 'spread'>): ReminderSweeper {
    // A backend read with each member's own credential (TWCC) is read one member at a time, spread over the interval.
    return new ReminderSweeper(this.#services, { ...opts, spread: this.#services.backend.capabilities.login });
  }

  async #post(target: PostTarget, r: Reply): Promise<boolean> {
    const { logger } = this.#services;
    if (!mayPost(target, r)) {
      logger.error({ target: target.kind }, 'refused to post a secret to a channel');
      return false;
    }
    const platform = target.kind === 'approvals' ? target.platform : target.user.platform;
    const messenger = this.#messengers.get(platform);
    if (!messenger) {
      logger.warn({ platform, target: target.kind }, 'no messenger for platform; post dropped');
      return false;
    }
    try {
      await messenger.post(target, r);
      return true;
    } catch (err) {
      logger.error({ err, platform, target: target.kind }, 'post failed');
      return false;
    }
  }

  /** The invocation's resolved translator; before (or without) the store, its platform's locale. */
  #translatorOf(inv: Invocation): Translator {
    return this.#translators.get(inv) ?? this.#services.locales.platformTranslator(inv.locale);
  }

  /**
   * The words for a failure: the invocation's, if resolved before it failed; else the member's setting
   * when the store still answers; else the platform's locale. Never a second failure.
   */
  async #failureTranslator(inv: Invocation, storeWorks: boolean): Promise<Translator> {
    const known = this.#translators.get(inv);
    if (known || !storeWorks) return this.#translatorOf(inv);
    try {
      return await this.#services.locales.translatorFor(inv.user, inv.locale);
    } catch (err) {
      this.#services.logger.warn({ err }, 'the language of a failure could not be read; answering in the platform’s');
      return this.#translatorOf(inv);
    }
  }

  #changesOf(inv: Invocation): ChangeRecord {
    let record = this.#changes.get(inv);
    if (!record) this.#changes.set(inv, (record = { changed: false }));
    return record;
  }

  async #dispatch(inv: Invocation): Promise<Outcome> {
    const services = this.#servicesFor(this.#changesOf(inv));
    const { identity, locales } = services;
    // The caller's link, read once for this invocation: their language and, for a command, who they are.
    const link = await identity.linkOf(inv.user.platform, inv.user.userId);
    // The member's setting, else the platform's locale, else English: every word below is in it.
    const t = await locales.translatorFor(inv.user, inv.locale, { memberId: identity.memberIdFrom(inv.user, link) });
    this.#translators.set(inv, t);
    switch (inv.kind) {
      case 'command':
        return this.#command(services, inv, t, link);
      case 'click':
        return this.#click(services, inv, t);
      case 'login':
        return completeLogin(services, t, inv);
    }
  }

  async #command(services: Services, inv: CommandInvocation, t: Translator, link: Link | undefined): Promise<Outcome> {
    const { sub, word, rest } = findSubcommand(inv.command, inv.text);
    const { actor, link: callerLink } = await services.identity.resolveWithLink(inv.user, { link });
    if (!sub || sub.name === 'help') {
      const { capabilities } = services.backend;
      if (word && !sub) return answer(unknownSubcommandReply(t, inv.command, word, actor, capabilities));
      return answer(helpReply(t, inv.command, actor, capabilities));
    }
    const label = `/${inv.command} ${sub.name}`;
    const verdict = mayRun(sub.who, actor);
    if (verdict === 'unlinked') return answer(reply(services.backend.capabilities.login ? texts.unlinkedTwcc(t, label) : texts.unlinkedLocal(t, label)));
    if (verdict === 'admin-only') return answer(reply(texts.adminOnly(t, label)));
    const parsed = inv.options ? parseOptions(sub, inv.options) : parseText(sub, rest, inv.mentions);
    const offered = services.backend.capabilities.services;
    if (!parsed.ok) return answer(badArgsReply(t, inv.command, sub, parsed.message, offered));
    // A service this deployment does not offer (CCS without TWCC_CCS_SITE) is refused before any backend call.
    const service = sub.args.find((a) => a.kind === 'service');
    const asked = service ? parsed.args[service.name] : undefined;
    if (typeof asked === 'string' && !offered.includes(asked as Service)) return answer(reply(describeError(t, 'service_disabled')));
    // Counted only for a command that would run: help, refusals and typos cost nothing.
    const limited = await this.#limits.refusal(t, `${inv.command}.${sub.name}`, actor);
    if (limited) return answer(limited);
    const handler = handlerFor(inv.command, sub.name);
    if (!handler) throw new Error(`no handler for ${label}`);
    const outcome = await handler({ services, user: inv.user, where: inv.where, actor, args: parsed.args as never, t, platformLocale: inv.locale, callerLink });
    return parsed.notes ? withNotes(outcome, parsed.notes.map((note) => note(t))) : outcome;
  }

  async #click(services: Services, inv: ClickInvocation, t: Translator): Promise<Outcome> {
    const ref = decodeAction(inv.actionId);
    if (!ref) return answer(reply(texts.unknownAction(t)));
    return decideFlow(services, t, inv, ref);
  }
}

/** What the parser did to the input (a reason cut short), told after the handler's answer. */
function withNotes(outcome: Outcome, notes: string[]): Outcome {
  if (outcome.kind !== 'reply') return outcome;
  return { ...outcome, reply: { ...outcome.reply, blocks: [...outcome.reply.blocks, ...notes.map((n) => text(n))] } };
}
