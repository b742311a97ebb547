import type { Actor, Backend } from '../backends/port.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/types.js';
import type { Approvals } from './approvals.js';
import type { AuditLog, AuditEntry } from './audit.js';
import type { Confirmations } from './confirmations.js';
import type { Identity } from './identity.js';
import type { ChatUser, Invocation, Where } from './invocation.js';
import type { Outcome, PostTarget } from './outcome.js';
import type { ParsedArgs } from './parser.js';
import type { Reply } from './reply.js';

/** What every command handler and flow may use. */
export interface Services {
  store: Store;
  backend: Backend;
  identity: Identity;
  audit: AuditLog;
  confirmations: Confirmations;
  approvals: Approvals;
  logger: Logger;
  now: () => number;
  /** Posts through the messenger of the target's platform; false (and logged) when it could not. */
  post(target: PostTarget, reply: Reply): Promise<boolean>;
}

export interface CommandContext {
  services: Services;
  user: ChatUser;
  where: Where;
  /** Undefined only for `anyone` subcommands run by an unlinked user. */
  actor: Actor | undefined;
  args: ParsedArgs;
}

export type CommandHandler = (ctx: CommandContext) => Promise<Outcome>;

/** Audit fields common to every entry made on behalf of `user` in `where`. */
export function auditBase(user: ChatUser, where: Where, actor: Actor | undefined): Pick<AuditEntry, 'actor' | 'member' | 'platform' | 'workspace' | 'channel'> {
  return {
    actor: `${user.platform}:${user.userId}`,
    ...(actor ? { member: actor.memberId } : {}),
    platform: user.platform,
    workspace: where.workspace,
    channel: where.channelId,
  };
}

export type ClickInvocation = Extract<Invocation, { kind: 'click' }>;
