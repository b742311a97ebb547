import { Routes, type APIChannel, type APIMessage, type REST } from 'discord.js';
import type { Messenger, PostedRef, PostTarget } from '../../src/core/outcome.js';
import type { Reply } from '../../src/core/reply.js';
import type { Logger } from '../../src/log.js';
import { assertNever } from '../../src/result.js';
import { renderReply } from './render.js';
import { DiscordRequestFailed } from './safe-error.js';

export interface DiscordMessengerOptions {
  rest: REST;
  /** DISCORD_APPROVALS_CHANNEL; without it, approval requests go to the channel they came from. */
  approvalsChannel: string | undefined;
  /** DISCORD_ESCALATION_CHANNEL; without it, nothing is escalated on Discord. */
  escalationChannel?: string | undefined;
  logger: Logger;
}

/**
 * Posts outside the conversation in hand: approval requests as channel messages with their
 * buttons, notices to one user through a DM channel. Plain REST calls, so no channel needs to be
 * cached and no gateway intent is required.
 */
export class DiscordMessenger implements Messenger {
  private closed = false;

  constructor(private readonly opts: DiscordMessengerOptions) {}

  /** After stop, posts are dropped (and logged) instead of failing on a destroyed client. */
  close(): void {
    this.closed = true;
  }

  async post(target: PostTarget, reply: Reply): Promise<PostedRef | void> {
    if (this.closed) {
      this.opts.logger.warn({ target: target.kind }, 'discord is stopping; post dropped');
      return;
    }
    switch (target.kind) {
      case 'approvals':
        return this.send(this.opts.approvalsChannel ?? target.origin.channelId, reply);
      case 'escalation': {
        if (!this.opts.escalationChannel) return;
        return { ...(await this.send(this.opts.escalationChannel, reply)), escalation: true };
      }
      case 'thread':
        // A reply to the card: Discord shows it quoted under its message.
        await this.send(target.ref.channelId, reply, target.ref.messageId);
        return;
      case 'dm': {
        if (target.user.platform !== 'discord') return;
        const channel = (await this.call(() => this.opts.rest.post(Routes.userChannels(), { body: { recipient_id: target.user.userId } }))) as APIChannel;
        await this.send(channel.id, reply);
        return;
      }
      default:
        assertNever(target);
    }
  }

  /** Edits a message the bot posted (an approval card), in place. */
  async edit(ref: PostedRef, reply: Reply): Promise<void> {
    if (this.closed) return;
    const body = { ...renderReply(reply), allowed_mentions: { parse: [] } };
    await this.call(() => this.opts.rest.patch(Routes.channelMessage(ref.channelId, ref.messageId), { body }));
  }

  private async send(channelId: string, reply: Reply, replyTo?: string): Promise<PostedRef> {
    const reference = replyTo ? { message_reference: { message_id: replyTo, fail_if_not_exists: false } } : {};
    const body = { ...renderReply(reply), allowed_mentions: { parse: [] }, ...reference };
    const sent = (await this.call(() => this.opts.rest.post(Routes.channelMessages(channelId), { body }))) as APIMessage;
    return { platform: 'discord', channelId, messageId: sent.id };
  }

  /** REST errors carry the request body; the core logs what we throw, so throw a summary instead. */
  private async call<T>(request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (err) {
      throw new DiscordRequestFailed(err);
    }
  }
}
