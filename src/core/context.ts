import type { Actor, Backend } from '../backends/port.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/port.js';
import type { ActorFor, ArgsOf } from './args.js';
import type { AuditLog } from './audit.js';
import type { Translator } from './i18n/translator.js';
import type { Identity, Link } from './identity.js';
import type { LocaleSettings } from './i18n/settings.js';
import type { ChatUser, Where } from './invocation.js';
import type { Outcome, PostTarget } from './outcome.js';
import type { PendingActions } from './flows/pending.js';
import type { Reply } from './reply.js';
import type { KeyReminders } from './reminders/key-reminders.js';
import type { ReminderOptOut } from './reminders/opt-out.js';
import type { SubcommandSpec } from './specs/types.js';

/** What command handlers and flows may use. Private to the core: adapters never see it. */
export interface Services {
  store: Store;
  backend: Backend;
  identity: Identity;
  audit: AuditLog;
  pending: PendingActions;
  logger: Logger;
  now: () => number;
  /** How far ahead a key may expire, in days from today. */
  keyMaxDays: number;
  /** REMINDER_DAYS: days before expiry at which a key's owner is reminded, largest first; empty: none. */
  reminderDays: readonly number[];
  reminderOptOut: ReminderOptOut;
  /** Open reminder cards per key, closed when the key is extended or deleted. */
  keyReminders: KeyReminders;
  /** TZ: the deployment's time zone, in which every date and time is shown. */
  timeZone: string;
  /** Member language settings (`/tenant lang`) and the translator they choose. */
  locales: LocaleSettings;
  /** Posts through the messenger of the target's platform; false (and logged) when it could not. */
  post(target: PostTarget, reply: Reply): Promise<boolean>;
}

/** What one subcommand's handler receives; `actor` is optional only where unlinked callers may run it. */
export interface CommandContext<S extends SubcommandSpec = SubcommandSpec> {
  services: Services;
  user: ChatUser;
  where: Where;
  actor: ActorFor<S['who'], Actor>;
  args: ArgsOf<S>;
  /** The caller's words: their `/tenant lang` setting, else their platform's locale, else English. */
  t: Translator;
  /** The locale the caller's platform reported (Discord's interaction locale, Slack's user locale), if any. */
  platformLocale: string | undefined;
  /** The caller's link as the core read it (or made it) to find `actor`; undefined when unlinked. */
  callerLink: Link | undefined;
}

export type CommandHandler<S extends SubcommandSpec = SubcommandSpec> = (ctx: CommandContext<S>) => Promise<Outcome>;
