import type { Backend, Service } from '../backends/port.js';
import { BoundedMap } from '../bounded-map.js';
import { silentLogger, type Logger } from '../log.js';
import type { Store } from '../store/port.js';
import { AuditLog } from './audit.js';
import { noteBackendChange, storeNotingChanges, type ChangeRecord } from './changes.js';
import { EventBus } from './events.js';
import type { Feature, LoginHandler, Services } from './feature.js';
import { registerFeatures, type RegisteredCommand } from './registry.js';
import type { FlowAction } from './flows/actions.js';
import { decideFlow } from './flows/decide.js';
import { decodeAction, PendingActions } from './flows/pending.js';
import { badArgsReply, helpReply, unknownCommandReply, unknownSubcommandReply } from './help.js';
import { describeError, texts, type Translator } from './i18n.js';
import { LocaleSettings } from './i18n/settings.js';
import type { Locale } from './i18n/locale.js';
import { adminMembers, Identity, type Link } from './identity.js';
import type { ChatUser, ClickInvocation, CommandInvocation, Invocation, Platform } from './invocation.js';
import { compose, deduplicateDeliveries, errorReferences, keepSecretsPrivate, logInvocations, mayPost, type InvocationState, type Middleware } from './middleware.js';
import { answer, type Adapter, type Messenger, type Outcome, type PostTarget } from './outcome.js';
import { findSubcommand, parseOptions, parseText } from './parser.js';
import { mayRun } from './policy.js';
import { RateLimiter, type RateLimits } from './rate-limit.js';
import { reply, text, type Reply } from './reply.js';
import type { CommandSpec } from './spec.js';
import { Sweeper, type Sweep, type SweeperOptions } from './sweeper.js';

export interface CoreOptions {
  /** What the bot can do: every command, flow, listener, sweep and message comes from a feature (src/features/). */
  features: readonly Feature[];
  store: Store;
  backend: Backend;
  /** ADMINS: chat identities that are admins from the start (`slack:U123`, `local:admin`), or one person's (`anna=slack:U1+discord:2`). */
  admins?: readonly string[];
  logger?: Logger;
  /** Injected clock, for expiries in tests. */
  now?: () => number;
  /** AUDIT_KEEP: how many of the newest audit entries are kept (default 10,000). */
  auditKeep?: number;
  /** With AUDIT_WEBHOOK_URL: the highest audit entry number AUDIT_KEEP may prune (the last one streamed). */
  auditFloor?: () => Promise<number>;
  /** Run around every invocation inside the core's own (error references, de-duplication, the secret rule): metrics. */
  middleware?: readonly Middleware[];
  /** Per-member limits on state-changing commands (RATE_LIMITS); none when unset. */
  rateLimits?: RateLimits;
  /** TZ: the IANA time zone dates and times are shown in (src/config.ts defaults it to Asia/Taipei); UTC when unset. */
  timeZone?: string;
  /** How long a decision's claim outlives a holder that died (default 30 s; tests shorten it). */
  decisionLeaseMs?: number;
}

/**
 * The command core: `handle(invocation) → outcome`, platform-neutral and closed. The features it is
 * given register everything it can do; adapters turn platform events into invocations and render
 * outcomes, and register so that the core can post through them. Cross-cutting rules (error
 * references, de-duplication, the secret rule, logging, metrics) run once, here, as one middleware
 * chain, for every adapter.
 */
export class Core {
  /** Every command, derived from the features: adapters render help, manifests and registrations from it. */
  readonly commands: readonly CommandSpec[];
  readonly #commands: ReadonlyMap<string, RegisteredCommand>;
  readonly #flows: ReadonlyMap<string, FlowAction>;
  readonly #sweeps: readonly Sweep<Services>[];
  readonly #events: EventBus<Services>;
  readonly #login: LoginHandler | undefined;
  readonly #services: Services;
  readonly #messengers = new Map<Platform, Messenger>();
  readonly #run: (inv: Invocation, state: InvocationState) => Promise<Outcome>;
  readonly #inFlight = new Set<Promise<Outcome>>();
  readonly #limits: RateLimiter;
  /** The services one invocation works with, noting what it changes in `record`. */
  readonly #servicesFor: (record: ChangeRecord) => Services;
  #stopping = false;

  constructor(opts: CoreOptions) {
    const now = opts.now ?? Date.now;
    const logger = opts.logger ?? silentLogger();
    const timeZone = opts.timeZone ?? 'UTC';
    const admins = adminMembers(opts.admins ?? []);
    const remembered = new BoundedMap<string, Locale>(10_000);
    const registry = registerFeatures(opts.features);
    this.commands = registry.specs;
    this.#commands = registry.commands;
    this.#flows = registry.flows;
    this.#sweeps = registry.sweeps;
    this.#events = new EventBus(registry.listeners);
    this.#login = registry.login;
    // What the core changes is noted per invocation, so that a failure says "nothing was changed" only when it is so:
    // each invocation gets services on a store that notes into its own record, and backend changes note into it too.
    this.#servicesFor = (record) => {
      const store = storeNotingChanges(opts.store, record);
      const changing = noteBackendChange(record);
      const identity = new Identity(store, opts.backend, admins, now, changing);
      const services: Services = {
        store,
        backend: opts.backend,
        identity,
        timeZone,
        locales: new LocaleSettings(store, identity, timeZone, opts.store, remembered),
        audit: new AuditLog(store, now, logger, opts.auditKeep, opts.auditFloor),
        pending: new PendingActions(store, now, opts.decisionLeaseMs),
        logger,
        now,
        changing,
        publish: (event) => this.#events.publish(event, services),
        post: (target, r) => this.#post(target, r),
      };
      return services;
    };
    // Outside any invocation (a sweep, an adapter's own lines), changes are noted where no one reads them.
    this.#services = this.#servicesFor({ changed: false });
    this.#limits = new RateLimiter(opts.store, opts.rateLimits ?? {}, now);
    this.#run = compose(
      [
        errorReferences(logger, (inv, state, storeWorks) => this.#failureTranslator(inv, state, storeWorks)),
        logInvocations(logger),
        deduplicateDeliveries(opts.store, logger),
        keepSecretsPrivate,
        ...(opts.middleware ?? []),
      ],
      (inv, state) => this.#dispatch(inv, state),
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
    const job = Promise.resolve(invocation).then((inv) => this.#run(inv, this.#stateOf(inv)));
    this.#inFlight.add(job);
    try {
      return await job;
    } finally {
      this.#inFlight.delete(job);
    }
  }

  /** The invocation's state, with its subcommand found once for every middleware and the dispatcher. */
  #stateOf(inv: Invocation): InvocationState {
    const changes = { changed: false };
    if (inv.kind !== 'command') return { changes };
    const command = this.#commands.get(inv.command);
    return command ? { changes, found: findSubcommand(command.spec, inv.text) } : { changes };
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

  /** One sweeper for each feature's scheduled work; main.ts starts them after the adapters and stops them at shutdown. */
  sweepers(opts: SweeperOptions<object> = {}): Sweeper[] {
    return this.#sweeps.filter((s) => s.enabled !== false).map((s) => this.sweeper(s.name, opts));
  }

  /** The sweeper of the sweep a feature calls `name` (`reminder`), with its interval or another. */
  sweeper<R extends object = object>(name: string, opts: SweeperOptions<R> = {}): Sweeper<R> {
    const sweep = this.#sweeps.find((s) => s.name === name) as Sweep<Services, R> | undefined;
    if (!sweep) throw new Error(`no sweep named ${name}`);
    const { store, logger } = this.#services;
    return new Sweeper<R>(sweep as unknown as Sweep<never, R>, (control) => sweep.run(this.#services, control), store, logger, opts);
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
  #translatorOf(inv: Invocation, state?: InvocationState): Translator {
    return state?.translator ?? this.#services.locales.platformTranslator(inv.locale);
  }

  /**
   * The words for a failure: the invocation's, if resolved before it failed; else the member's setting
   * when the store still answers; else the platform's locale. Never a second failure.
   */
  async #failureTranslator(inv: Invocation, state: InvocationState, storeWorks: boolean): Promise<Translator> {
    if (state.translator || !storeWorks) return this.#translatorOf(inv, state);
    try {
      return await this.#services.locales.translatorFor(inv.user, inv.locale);
    } catch (err) {
      this.#services.logger.warn({ err }, 'the language of a failure could not be read; answering in the platform’s');
      return this.#translatorOf(inv, state);
    }
  }

  async #dispatch(inv: Invocation, state: InvocationState): Promise<Outcome> {
    const services = this.#servicesFor(state.changes);
    const { identity, locales } = services;
    // The caller's link, read once for this invocation: their language and, for a command, who they are.
    const link = await identity.linkOf(inv.user.platform, inv.user.userId);
    // The member's setting, else the platform's locale, else English: every word below is in it.
    const t = await locales.translatorFor(inv.user, inv.locale, { memberId: identity.memberIdFrom(inv.user, link) });
    state.translator = t;
    switch (inv.kind) {
      case 'command':
        return this.#command(services, inv, state, t, link);
      case 'click':
        return this.#click(services, inv, t);
      case 'login':
        if (!this.#login) throw new Error('a login arrived, but no feature completes logins');
        return this.#login(services, t, inv);
    }
  }

  async #command(services: Services, inv: CommandInvocation, state: InvocationState, t: Translator, link: Link | undefined): Promise<Outcome> {
    const command = this.#commands.get(inv.command);
    if (!command || !state.found) return answer(unknownCommandReply(t, inv.command, this.commands));
    const { sub, word, rest } = state.found;
    const { actor, link: callerLink } = await services.identity.resolveWithLink(inv.user, { link });
    const { capabilities } = services.backend;
    if (!sub || sub.name === 'help') {
      if (word && !sub) return answer(unknownSubcommandReply(t, command.spec, word, actor, capabilities));
      return answer(helpReply(t, command.spec, actor, capabilities));
    }
    const label = `/${inv.command} ${sub.name}`;
    const verdict = mayRun(sub.who, actor);
    if (verdict === 'unlinked') return answer(reply(capabilities.login ? texts.unlinkedTwcc(t, label) : texts.unlinkedLocal(t, label)));
    if (verdict === 'admin-only') return answer(reply(texts.adminOnly(t, label)));
    const parsed = inv.options ? parseOptions(sub, inv.options) : parseText(sub, rest, inv.mentions);
    const offered = capabilities.services;
    if (!parsed.ok) return answer(badArgsReply(t, inv.command, sub, parsed.message, offered));
    // A service this deployment does not offer (CCS without TWCC_CCS_SITE) is refused before any backend call.
    const service = sub.args.find((a) => a.kind === 'service');
    const asked = service ? parsed.args[service.name] : undefined;
    if (typeof asked === 'string' && !offered.includes(asked as Service)) return answer(reply(describeError(t, 'service_disabled')));
    // Counted only for a command that would run: help, refusals and typos cost nothing.
    const limited = await this.#limits.refusal(t, `${inv.command}.${sub.name}`, actor);
    if (limited) return answer(limited);
    const handler = command.handlers.get(sub.name)!;
    const outcome = await handler({ services, user: inv.user, where: inv.where, actor, args: parsed.args as never, t, platformLocale: inv.locale, callerLink });
    return parsed.notes ? withNotes(outcome, parsed.notes.map((note) => note(t))) : outcome;
  }

  async #click(services: Services, inv: ClickInvocation, t: Translator): Promise<Outcome> {
    const ref = decodeAction(inv.actionId);
    if (!ref) return answer(reply(texts.unknownAction(t)));
    return decideFlow(services, this.#flows, t, inv, ref);
  }
}

/** What the parser did to the input (a reason cut short), told after the handler's answer. */
function withNotes(outcome: Outcome, notes: string[]): Outcome {
  if (outcome.kind !== 'reply') return outcome;
  return { ...outcome, reply: { ...outcome.reply, blocks: [...outcome.reply.blocks, ...notes.map((n) => text(n))] } };
}
