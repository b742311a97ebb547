import { randomBytes } from 'node:crypto';
import type { Backend } from '../backends/port.js';
import { silentLogger, type Logger } from '../log.js';
import type { Store } from '../store/types.js';
import { Approvals } from './approvals.js';
import { AuditLog } from './audit.js';
import { handleApprovalClick } from './commands/approval-flow.js';
import { handleConfirmationClick } from './commands/confirmation-flow.js';
import { commandHandlers } from './commands/index.js';
import { completeLogin } from './commands/tenant.js';
import { Confirmations } from './confirmations.js';
import { helpReply, unknownSubcommandReply, badArgsReply } from './help.js';
import { texts } from './i18n.js';
import { Identity } from './identity.js';
import { Invocation, type Platform } from './invocation.js';
import type { Messenger, Outcome, PostTarget } from './outcome.js';
import { findSubcommand, parseArgs } from './parser.js';
import { mayRun } from './policy.js';
import { reply, type Reply } from './reply.js';
import type { Services } from './services.js';

export interface CoreOptions {
  store: Store;
  backend: Backend;
  /** Chat identities that are admins from the start: `slack:U123`, `local:admin`. */
  admins?: readonly string[];
  logger?: Logger;
  /** Injected clock, for expiries in tests. */
  now?: () => number;
}

/**
 * The command core: `handle(invocation) → outcome`, platform-neutral. Adapters turn platform events
 * into invocations, render the outcome, and register a Messenger to receive posts (approval
 * requests, private notices).
 */
export class Core {
  readonly services: Services;
  private readonly messengers = new Map<Platform, Messenger>();

  constructor(opts: CoreOptions) {
    const now = opts.now ?? Date.now;
    const logger = opts.logger ?? silentLogger();
    this.services = {
      store: opts.store,
      backend: opts.backend,
      identity: new Identity(opts.store, opts.backend, new Set(opts.admins ?? []), now),
      audit: new AuditLog(opts.store, now),
      confirmations: new Confirmations(opts.store, now),
      approvals: new Approvals(opts.store, now),
      logger,
      now,
      post: (target, r) => this.post(target, r),
    };
  }

  registerMessenger(platform: Platform, messenger: Messenger): void {
    this.messengers.set(platform, messenger);
  }

  private async post(target: PostTarget, r: Reply): Promise<boolean> {
    const platform = target.kind === 'approvals' ? target.platform : target.user.platform;
    const messenger = this.messengers.get(platform);
    if (!messenger) {
      this.services.logger.warn({ platform, target: target.kind }, 'no messenger for platform; post dropped');
      return false;
    }
    try {
      await messenger.post(target, r);
      return true;
    } catch (err) {
      this.services.logger.error({ err, platform, target: target.kind }, 'post failed');
      return false;
    }
  }

  /** Never throws: unexpected failures are logged with a reference and answered in words. */
  async handle(input: Invocation): Promise<Outcome> {
    const parsed = Invocation.safeParse(input);
    if (!parsed.success) {
      return { kind: 'reply', reply: reply('That request was not understood; nothing was changed.') };
    }
    const inv = parsed.data;
    try {
      switch (inv.kind) {
        case 'command':
          return await this.command(inv);
        case 'click':
          return await this.click(inv);
        case 'login':
          return await completeLogin(this.services, inv);
      }
    } catch (err) {
      const ref = randomBytes(4).toString('hex');
      this.services.logger.error({ err, ref, kind: inv.kind }, 'invocation failed');
      return { kind: 'reply', reply: reply(texts.internal(ref)) };
    }
  }

  private async command(inv: Extract<Invocation, { kind: 'command' }>): Promise<Outcome> {
    const { identity } = this.services;
    const { sub, word, rest } = findSubcommand(inv.command, inv.text);
    const actor = await identity.resolve(inv.user);
    if (!sub || sub.name === 'help') {
      if (word && !sub) return { kind: 'reply', reply: unknownSubcommandReply(inv.command, word, actor) };
      return { kind: 'reply', reply: helpReply(inv.command, actor) };
    }
    const label = `/${inv.command} ${sub.name}`;
    const verdict = mayRun(sub.who, actor);
    if (verdict === 'unlinked') {
      const r = this.services.backend.capabilities.login ? texts.unlinkedTwcc(label) : texts.unlinkedLocal(label);
      return { kind: 'reply', reply: reply(r) };
    }
    if (verdict === 'admin-only') return { kind: 'reply', reply: reply(texts.adminOnly(label)) };
    const args = parseArgs(inv.command, sub, rest);
    if (!args.ok) return { kind: 'reply', reply: badArgsReply(inv.command, sub, args.message) };
    const handler = commandHandlers[inv.command][sub.name];
    if (!handler) throw new Error(`no handler for ${label}`);
    return handler({ services: this.services, user: inv.user, where: inv.where, actor, args: args.args });
  }

  private async click(inv: Extract<Invocation, { kind: 'click' }>): Promise<Outcome> {
    const [kind] = inv.actionId.split(':');
    if (kind === 'c') return handleConfirmationClick(this.services, inv);
    if (kind === 'a') return handleApprovalClick(this.services, inv);
    return { kind: 'reply', reply: reply(texts.unknownAction) };
  }
}
