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
import { answer, type Adapter, type Messenger, type Outcome, type PostedRef, type PostTarget } from './outcome.js';
import { findSubcommand, parseOptions, parseText } from './parser.js';
import { mayRun } from './policy.js';
import { RateLimiter, type RateLimits } from './rate-limit.js';
import { reply, text, type Reply } from './reply.js';
import type { Translator as AnyTranslator } from './i18n/translator.js';
import { adminsOfProject, ProjectBindings, projectStore, specsForProjects, takeProjectOption, type ProjectContext, type ProjectWhy } from './projects.js';
import type { CommandSpec, SubcommandSpec } from './spec.js';
import { Sweeper, type Sweep, type SweepControl, type SweeperOptions } from './sweeper.js';

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
  /** The project every exported audit event names (TWCC_PROJECT, or `local`). */
  auditProject?: string;
  /** With AUDIT_WEBHOOK_URL: the highest audit entry number AUDIT_KEEP may prune (the last one streamed). */
  auditFloor?: (store: Store) => Promise<number>;
  /** Run around every invocation inside the core's own (error references, de-duplication, the secret rule): metrics. */
  middleware?: readonly Middleware[];
  /** Per-member limits on state-changing commands (RATE_LIMITS); none when unset. */
  rateLimits?: RateLimits;
  /** TZ: the IANA time zone dates and times are shown in (src/config.ts defaults it to Asia/Taipei); UTC when unset. */
  timeZone?: string;
  /** How long a decision's claim outlives a holder that died (default 30 s; tests shorten it). */
  decisionLeaseMs?: number;
  /** The project's plan code with one project (`/tenant project` names it); `LOCAL` when unset. */
  project?: string;
  /**
   * Several projects (TWCC_PROJECT as a list, LOCAL_PROJECTS), each with its own backend: each
   * invocation acts on one of them (src/core/projects.ts), and `backend` is unused. One: as `project`.
   */
  projects?: readonly { code: string; backend: Backend }[];
}

/** One project of the deployment: its backend, its view of the store, its admins and rate limits. */
interface ProjectScope {
  code: string;
  backend: Backend;
  store: Store;
  admins: Map<string, string | undefined>;
  limits: RateLimiter;
}

/** A project could not be chosen for a command: the refusal, worded later. */
type ProjectRefusal = { refused: (t: Translator) => string };

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
  /** The services one invocation works with, on `project`, noting what it changes in `record`; `words` names posted cards' project. */
  readonly #servicesFor: (record: ChangeRecord, project?: ProjectContext, words?: { t?: Translator }) => Services;
  readonly #projects: readonly ProjectScope[];
  readonly #bindings: ProjectBindings;
  readonly #store: Store;
  readonly #now: () => number;
  #stopping = false;

  constructor(opts: CoreOptions) {
    const now = opts.now ?? Date.now;
    const logger = opts.logger ?? silentLogger();
    const timeZone = opts.timeZone ?? 'UTC';
    const given = opts.projects && opts.projects.length > 0 ? opts.projects : [{ code: opts.project ?? 'LOCAL', backend: opts.backend }];
    const several = given.length > 1;
    const codes = given.map((p) => p.code);
    // One project: the store and ADMINS as they always were. Several: each its own view of the store, its own admins.
    this.#projects = given.map((p, i) => {
      const store = several ? projectStore(opts.store, p.code, i === 0) : opts.store;
      const admins = adminMembers(several ? adminsOfProject(opts.admins ?? [], p.code) : (opts.admins ?? []));
      return { code: p.code, backend: p.backend, store, admins, limits: new RateLimiter(store, opts.rateLimits ?? {}, now) };
    });
    this.#bindings = new ProjectBindings(opts.store, now);
    this.#store = opts.store;
    this.#now = now;
    const only: ProjectContext = { code: codes[0]!, codes, several, why: several ? 'none' : 'only' };
    const remembered = new BoundedMap<string, Locale>(10_000);
    const registry = registerFeatures(opts.features);
    // With several projects every subcommand but help takes `project` on Discord; the text form is `--project <code>`.
    this.commands = specsForProjects(registry.specs, codes);
    // One project: the subcommands for several (`/tenant project`) are not there at all.
    const offered = new Set(this.commands.flatMap((c) => c.subcommands.map((s) => `${c.name} ${s.name}`)));
    const commands = new Map([...registry.commands].map(([name, c]) => [name, { ...c, spec: { ...c.spec, subcommands: c.spec.subcommands.filter((s) => offered.has(`${name} ${s.name}`)) } }]));
    this.#commands = commands;
    this.#flows = registry.flows;
    this.#sweeps = registry.sweeps;
    this.#events = new EventBus(registry.listeners);
    this.#login = registry.login;
    // What the core changes is noted per invocation, so that a failure says "nothing was changed" only when it is so:
    // each invocation gets services on a store that notes into its own record, and backend changes note into it too.
    this.#servicesFor = (record, project = only, words = {}) => {
      const scope = this.#scopeOf(project.code);
      const store = storeNotingChanges(scope.store, record);
      const changing = noteBackendChange(record);
      const identity = new Identity(store, scope.backend, scope.admins, now, changing);
      // With several projects: the project's approvals channel on that platform, when it has one; every card names its project.
      const postFor = async (target: PostTarget, r: Reply) => {
        if (!project.several) return this.#post(target, r);
        const channel = target.kind === 'approvals' ? await this.#approvalsChannelOf(scope, target.platform) : undefined;
        const t = target.kind === 'dm' ? await services.locales.translatorFor(target.user, undefined) : (words.t ?? services.locales.platformTranslator(undefined));
        return this.#post(channel && target.kind === 'approvals' ? { ...target, channel } : target, withProjectNote(r, t, project.code));
      };
      const services: Services = {
        store,
        backend: scope.backend,
        identity,
        timeZone,
        locales: new LocaleSettings(store, identity, timeZone, opts.store, remembered),
        audit: new AuditLog(store, now, logger, opts.auditKeep, project.several ? project.code : (opts.auditProject ?? 'local'), project.several, opts.auditFloor && (() => opts.auditFloor!(store))),
        pending: new PendingActions(store, now, opts.decisionLeaseMs),
        logger,
        now,
        changing,
        publish: (event) => this.#events.publish(event, services),
        post: async (target, r) => (await postFor(target, r)).posted,
        postMessage: (target, r) => postFor(target, r),
        edit: (ref, r) => this.#edit(ref, r),
        project,
        bindings: this.#bindings,
      };
      return services;
    };
    // Outside any invocation (a sweep, an adapter's own lines), changes are noted where no one reads them.
    this.#services = this.#servicesFor({ changed: false });
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
    const job = Promise.resolve(invocation).then((given) => {
      const { inv, asked } = this.#takeProjectOption(given);
      return this.#run(inv, this.#stateOf(inv, asked));
    });
    this.#inFlight.add(job);
    try {
      return await job;
    } finally {
      this.#inFlight.delete(job);
    }
  }

  /** The invocation's state, with its subcommand found once for every middleware and the dispatcher. */
  #stateOf(inv: Invocation, askedProject?: InvocationState['askedProject']): InvocationState {
    const changes = { changed: false };
    const asked = askedProject ? { askedProject } : {};
    if (inv.kind !== 'command') return { changes, ...asked };
    const command = this.#commands.get(inv.command);
    return command ? { changes, ...asked, found: findSubcommand(command.spec, inv.text) } : { changes, ...asked };
  }

  /** With several projects, `--project <code>` (Discord: the `project` option) comes off the command before anything reads it. */
  #takeProjectOption(inv: Invocation): { inv: Invocation; asked?: InvocationState['askedProject'] } {
    if (this.#projects.length < 2 || inv.kind !== 'command') return { inv };
    // A subcommand whose own argument names the project (`/tenant project bind <code>`) keeps it.
    const spec = this.#commands.get(inv.command)?.spec;
    if (spec && findSubcommand(spec, inv.text).sub?.args.some((a) => a.kind === 'project')) return { inv };
    if (inv.options && 'project' in inv.options) {
      const { project, ...options } = inv.options;
      const code: { project?: string; bad?: string } = typeof project === 'string' ? takeProjectOption(`--project ${project}`) : { bad: String(project) };
      return { inv: { ...inv, options }, asked: code.project ? { project: code.project } : { bad: code.bad ?? '' } };
    }
    const taken = takeProjectOption(inv.text);
    if (taken.project === undefined && taken.bad === undefined) return { inv };
    return { inv: { ...inv, text: taken.text }, asked: taken.project ? { project: taken.project } : { bad: taken.bad ?? '' } };
  }

  #scopeOf(code: string): ProjectScope {
    const scope = this.#projects.find((p) => p.code === code);
    if (!scope) throw new Error(`no project ${code}`);
    return scope;
  }

  #context(code: string, why: ProjectWhy): ProjectContext {
    return { code, codes: this.#projects.map((p) => p.code), several: this.#projects.length > 1, why };
  }

  /**
   * The project of this invocation, found once: a click's is its card's; a login's the one its
   * `/tenant login` chose; a command's the channel's binding, else its workspace's, else `--project`,
   * else the one project the caller is a member of. A project named by the subcommand's own argument
   * (`/tenant project bind <code>`) is that one.
   */
  async #projectOf(inv: Invocation, state: InvocationState): Promise<ProjectContext | ProjectRefusal> {
    const [first] = this.#projects;
    if (this.#projects.length < 2) return this.#context(first!.code, 'only');
    if (inv.kind === 'click') {
      const ref = decodeAction(inv.actionId);
      for (const scope of ref ? this.#projects : []) {
        if (await scope.store.collection('pending').has(ref!.id)) return this.#context(scope.code, 'asked');
      }
    }
    if (inv.kind === 'login') {
      const chosen = await this.#store.collection<string>('meta').get(loginMemo(inv.user));
      if (chosen && this.#projects.some((p) => p.code === chosen)) return this.#context(chosen, 'asked');
    }
    const codes = this.#projects.map((p) => p.code);
    const listed = codes.join(', ');
    const named = inv.kind === 'command' ? this.#namedByArgument(inv, state.found?.sub, state.found?.rest ?? '') : undefined;
    const asked = named ?? state.askedProject?.project;
    if (state.askedProject?.bad !== undefined) return { refused: (t) => t.t('core.project.unknown', { typed: state.askedProject!.bad!, projects: listed }) };
    if (asked !== undefined && !codes.includes(asked)) return { refused: (t) => t.t('core.project.unknown', { typed: asked, projects: listed }) };
    if (named) return this.#context(named, 'asked');
    const bound = await this.#bindings.of(inv.user.platform, inv.where);
    if (bound && codes.includes(bound.project)) {
      if (asked !== undefined && asked !== bound.project) return { refused: (t) => t.t('core.project.boundElsewhere', { bound: bound.project, asked }) };
      return this.#context(bound.project, bound.scope);
    }
    if (asked) return this.#context(asked, 'asked');
    const memberOf: string[] = [];
    for (const scope of this.#projects) {
      const identity = new Identity(scope.store, scope.backend, scope.admins, this.#now);
      if (identity.memberIdFrom(inv.user, await identity.linkOf(inv.user.platform, inv.user.userId))) memberOf.push(scope.code);
    }
    if (memberOf.length === 1) return this.#context(memberOf[0]!, 'member');
    const sub = state.found?.sub;
    // Help, and `/tenant project` itself, answer here all the same: on the first project, saying none applies.
    // So does a click on no project's card (it is answered "not understood" or "expired"); a login whose project is forgotten is refused.
    const anywhere = inv.kind === 'click' || (inv.kind === 'command' && (!sub || sub.name === 'help' || sub.severalProjects));
    if (anywhere) return { ...this.#context(first!.code, 'none'), memberOf };
    return { refused: (t) => t.t('core.project.ambiguous', { projects: listed, n: memberOf.length }) };
  }

  /** A project the subcommand's own `project` argument names (`/tenant project bind GOV108009`), when it parses. */
  #namedByArgument(inv: CommandInvocation, sub: SubcommandSpec | undefined, rest: string): string | undefined {
    const arg = sub?.args.find((a) => a.kind === 'project');
    if (!sub || !arg) return undefined;
    const parsed = inv.options ? parseOptions(sub, inv.options) : parseText(sub, rest, inv.mentions);
    const value = parsed.ok ? parsed.args[arg.name] : undefined;
    return typeof value === 'string' ? value : undefined;
  }

  /** The channel `/tenant project approvals` chose for the project on `platform`. */
  async #approvalsChannelOf(scope: ProjectScope, platform: Platform): Promise<string | undefined> {
    return (await scope.store.collection<{ channelId: string }>('settings').get(`approvals:${platform}`))?.channelId;
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
    const run = async (control: SweepControl): Promise<R> => {
      if (this.#projects.length < 2) return sweep.run(this.#services, control);
      // Each project in turn, on its own services (its store view, backend and words); the reports' counts add up.
      let report: R | undefined;
      for (const { code } of this.#projects) {
        const one = await sweep.run(this.#servicesFor({ changed: false }, this.#context(code, 'asked')), control);
        report = report ? sumReports(report, one) : one;
      }
      return report!;
    };
    return new Sweeper<R>(sweep as unknown as Sweep<never, R>, run, store, logger, opts);
  }

  async #post(target: PostTarget, r: Reply): Promise<{ posted: boolean; ref?: PostedRef }> {
    const { logger } = this.#services;
    if (!mayPost(target, r)) {
      logger.error({ target: target.kind }, 'refused to post a secret to a channel');
      return { posted: false };
    }
    const platform = target.kind === 'dm' ? target.user.platform : target.kind === 'thread' ? target.ref.platform : target.platform;
    const messenger = this.#messengers.get(platform);
    if (!messenger) {
      logger.warn({ platform, target: target.kind }, 'no messenger for platform; post dropped');
      return { posted: false };
    }
    try {
      const ref = await messenger.post(target, r);
      return ref ? { posted: true, ref } : { posted: true };
    } catch (err) {
      logger.error({ err, platform, target: target.kind }, 'post failed');
      return { posted: false };
    }
  }

  async #edit(ref: PostedRef, r: Reply): Promise<boolean> {
    const { logger } = this.#services;
    const messenger = this.#messengers.get(ref.platform);
    if (!messenger?.edit || !mayPost({ kind: 'thread', ref }, r)) {
      logger.warn({ platform: ref.platform }, 'cannot edit a message on this platform; edit dropped');
      return false;
    }
    try {
      await messenger.edit(ref, r);
      return true;
    } catch (err) {
      logger.error({ err, platform: ref.platform }, 'edit failed');
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
    const project = await this.#projectOf(inv, state);
    if ('refused' in project) {
      const t = await this.#failureTranslator(inv, state, true);
      return answer(reply(project.refused(t)));
    }
    const words: { t?: Translator } = {};
    const services = this.#servicesFor(state.changes, project, words);
    const outcome = await this.#dispatchIn(services, words, inv, state);
    if (!project.several) return outcome;
    // A `/tenant login` modal's answer comes back without its command: the project it was for is kept meanwhile.
    if (outcome.kind === 'login-modal') await this.#store.collection<string>('meta').put(loginMemo(inv.user), project.code, LOGIN_MEMO_MS);
    return outcome.kind === 'reply' && project.why !== 'none' ? answer(withProjectNote(outcome.reply, state.translator!, project.code)) : outcome;
  }

  async #dispatchIn(services: Services, words: { t?: Translator }, inv: Invocation, state: InvocationState): Promise<Outcome> {
    const { identity, locales } = services;
    // The caller's link, read once for this invocation: their language and, for a command, who they are.
    const link = await identity.linkOf(inv.user.platform, inv.user.userId);
    // The member's setting, else the platform's locale, else English: every word below is in it.
    const t = await locales.translatorFor(inv.user, inv.locale, { memberId: identity.memberIdFrom(inv.user, link) });
    state.translator = t;
    words.t = t;
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
    const limited = await this.#scopeOf(services.project.code).limits.refusal(t, `${inv.command}.${sub.name}`, actor);
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

/** Two sweep reports as one: numbers added, flags true only when both are (`complete`), anything else the later one's. */
function sumReports<R extends object>(a: R, b: R): R {
  const sum: Record<string, unknown> = { ...(a as Record<string, unknown>) };
  for (const [k, v] of Object.entries(b)) {
    const before = sum[k];
    sum[k] = typeof v === 'number' && typeof before === 'number' ? before + v : typeof v === 'boolean' && typeof before === 'boolean' ? before && v : v;
  }
  return sum as R;
}

/** How long the project a `/tenant login` was for waits for its modal's answer. */
const LOGIN_MEMO_MS = 30 * 60 * 1000;
const loginMemo = (user: Pick<ChatUser, 'platform' | 'userId'>): string => `login-project:${user.platform}:${user.userId}`;

/** A reply or card, with the project it is about named under it, above its buttons (several projects only). */
function withProjectNote(r: Reply, t: AnyTranslator<string>, project: string): Reply {
  const at = r.blocks.findIndex((b) => b.type === 'buttons');
  const blocks = [...r.blocks];
  blocks.splice(at < 0 ? blocks.length : at, 0, text(t.t('core.project.named', { project })));
  return { ...r, blocks };
}

/** What the parser did to the input (a reason cut short), told after the handler's answer. */
function withNotes(outcome: Outcome, notes: string[]): Outcome {
  if (outcome.kind !== 'reply') return outcome;
  return { ...outcome, reply: { ...outcome.reply, blocks: [...outcome.reply.blocks, ...notes.map((n) => text(n))] } };
}
