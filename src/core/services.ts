import type { Backend } from '../backends/port.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/port.js';
import type { AuditLog } from './audit.js';
import type { DomainEvent } from './events.js';
import type { PendingActions } from './flows/pending.js';
import type { LocaleSettings } from './i18n/settings.js';
import type { Identity } from './identity.js';
import type { PostedRef, PostTarget } from './outcome.js';
import type { Reply } from './reply.js';

/** What command handlers, flows, listeners and sweeps may use. Private to the core: adapters never see it. */
export interface Services {
  store: Store;
  backend: Backend;
  identity: Identity;
  audit: AuditLog;
  pending: PendingActions;
  logger: Logger;
  now: () => number;
  /** TZ: the deployment's time zone, in which every date and time is shown. */
  timeZone: string;
  /** Member language settings (`/tenant lang`) and the translator they choose. */
  locales: LocaleSettings;
  /**
   * A backend change, noted for the invocation when it was made or may have been (it threw): a later
   * failure then never says "nothing was changed". Every changing backend call goes through here.
   */
  changing<R>(change: Promise<R>): Promise<R>;
  /** Tells every feature that listens (src/core/events.ts); awaited, so its effects precede the answer. */
  publish(event: DomainEvent): Promise<void>;
  /** Posts through the messenger of the target's platform; false (and logged) when it could not. */
  post(target: PostTarget, reply: Reply): Promise<boolean>;
  /** Posts as `post` does, and says where the message went (undefined when it was not posted, or the platform does not say). */
  postMessage(target: PostTarget, reply: Reply): Promise<{ posted: boolean; ref?: PostedRef }>;
  /** Edits a message posted before; false (and logged) when it could not. */
  edit(ref: PostedRef, reply: Reply): Promise<boolean>;
}
