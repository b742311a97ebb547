import type { Actor } from '../backends/port.js';
import type { ActorFor, ArgsOf } from './args.js';
import type { Listeners } from './events.js';
import type { FlowAction } from './flows/actions.js';
import type { MessageSet } from './i18n/messages.js';
import type { Translator } from './i18n/translator.js';
import type { Link } from './identity.js';
import type { ChatUser, LoginInvocation, Where } from './invocation.js';
import type { Outcome } from './outcome.js';
import type { Services } from './services.js';
import type { CommandExtension, CommandSpec, SubcommandSpec } from './spec.js';
import type { Sweep } from './sweeper.js';

export type { Services } from './services.js';

/**
 * What one subcommand's handler receives; `actor` is optional only where unlinked callers may run it.
 * `Id` are the message ids of the handler's feature (its `Translator`).
 */
export interface CommandContext<S extends SubcommandSpec = SubcommandSpec, Id extends string = never> {
  services: Services;
  user: ChatUser;
  where: Where;
  actor: ActorFor<S['who'], Actor>;
  args: ArgsOf<S>;
  /** The caller's words: their `/tenant lang` setting, else their platform's locale, else English. */
  t: Translator<Id>;
  /** The locale the caller's platform reported (Discord's interaction locale, Slack's user locale), if any. */
  platformLocale: string | undefined;
  /** The caller's link as the core read it (or made it) to find `actor`; undefined when unlinked. */
  callerLink: Link | undefined;
}

export type CommandHandler<S extends SubcommandSpec = SubcommandSpec, Id extends string = never> = (ctx: CommandContext<S, Id>) => Promise<Outcome>;

type SubsOf<S extends CommandSpec | CommandExtension> = S['subcommands'][number];

/** One handler for every subcommand of a spec except `help`, each typed by its own subcommand spec. */
export type HandlersFor<S extends CommandSpec | CommandExtension, Id extends string = never> = {
  [N in Exclude<SubsOf<S>['name'], 'help'>]: CommandHandler<Extract<SubsOf<S>, { name: N }>, Id>;
};

/** A command (or subcommands added to another feature's command) with its handlers, types erased once checked. */
export interface CommandDefinition {
  readonly spec: CommandSpec | CommandExtension;
  readonly handlers: Readonly<Record<string, CommandHandler<SubcommandSpec, string>>>;
}

/**
 * A command and one handler per subcommand, typed by the `as const` spec: a missing handler, or one
 * reading an argument its subcommand does not have, does not compile.
 */
export const defineCommand = <const S extends CommandSpec | CommandExtension, Id extends string = never>(
  spec: S,
  handlers: HandlersFor<S, Id>,
): CommandDefinition => ({
  spec,
  // The dispatcher checks the caller against the spec's audience and parses by the same spec first.
  handlers: handlers as unknown as Record<string, CommandHandler<SubcommandSpec, string>>,
});

/** Completes `/tenant login`: the modal (or prompt) came back with the member's TWCC key. */
export type LoginHandler = (services: Services, t: Translator<string>, inv: LoginInvocation) => Promise<Outcome>;

/**
 * One feature, registered with the core as a whole (as Bolt's `app.command`/`app.action` and Chat
 * SDK's `onSlashCommand`/`onAction` register handlers): its commands, the flows their buttons run
 * (keyed `command.sub`), what it listens to, the work it does on a schedule, and its words. The core
 * derives the command list from the features it is given; it imports none of them.
 */
export interface Feature {
  readonly name: string;
  readonly commands?: readonly CommandDefinition[];
  readonly flows?: Readonly<Record<string, FlowAction>>;
  readonly on?: Listeners<Services>;
  readonly sweeps?: readonly Sweep[];
  readonly messages?: MessageSet;
  readonly login?: LoginHandler;
}

export const defineFeature = (feature: Feature): Feature => feature;
