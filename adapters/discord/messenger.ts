import { Routes, type APIChannel, type REST } from 'discord.js';
import type { Messenger, PostTarget } from '../../src/core/outcome.js';
import type { Reply } from '../../src/core/reply.js';
import type { Logger } from '../../src/log.js';
import { assertNever } from '../../src/result.js';
import { renderReply } from './render.js';
import { DiscordRequestFailed } from './safe-error.js';

export interface DiscordMessengerOptions {
  rest: REST;
  /** DISCORD_APPROVALS_CHANNEL; without it, approval requests go to the channel they came from. */
  approvalsChannel: string | undefined;
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

  async post(target: PostTarget, reply: Reply): Promise<void> {
    if (this.closed) {
      this.opts.logger.warn({ target: target.kind }, 'discord is stopping; post dropped');
      return;
    }
    switch (target.kind) {
      case 'approvals': {
        await this.send(target.channel ?? this.opts.approvalsChannel ?? target.origin.channelId, reply);
        return;
      }
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

  private async send(channelId: string, reply: Reply): Promise<void> {
    const body = { ...renderReply(reply), allowed_mentions: { parse: [] } };
    await this.call(() => this.opts.rest.post(Routes.channelMessages(channelId), { body }));
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
