import type { webApi } from '@slack/bolt';
import type { Messenger, PostTarget } from '../../src/core/outcome.js';
import type { Reply } from '../../src/core/reply.js';
import { assertNever } from '../../src/result.js';
import { renderReply, type SlackMessage } from './render.js';

/**
 * Posts outside the conversation in hand: approval requests to the approvals channel (or the
 * channel the request came from), private notices as a DM through conversations.open.
 */
export class SlackMessenger implements Messenger {
  constructor(
    private readonly client: webApi.WebClient,
    private readonly approvalsChannel: string | undefined,
  ) {}

  async post(target: PostTarget, reply: Reply): Promise<void> {
    switch (target.kind) {
      case 'approvals': {
        const channel = target.channel ?? this.approvalsChannel ?? target.origin.channelId;
        await this.client.chat.postMessage({ channel, ...renderReply(reply) });
        return;
      }
      case 'dm':
        await this.dm(target.user.userId, renderReply(reply));
        return;
      default:
        assertNever(target);
    }
  }

  /** A direct message from the bot to one user (scope im:write). */
  async dm(userId: string, message: SlackMessage): Promise<void> {
    const opened = await this.client.conversations.open({ users: userId });
    const channel = opened.channel?.id;
    if (!channel) throw new Error('conversations.open returned no channel');
    await this.client.chat.postMessage({ channel, ...message });
  }
}
