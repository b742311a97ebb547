import type { webApi } from '@slack/bolt';
import type { Messenger, PostedRef, PostTarget } from '../../src/core/outcome.js';
import type { Reply } from '../../src/core/reply.js';
import { assertNever } from '../../src/result.js';
import { renderReply, type SlackMessage } from './render.js';

/**
 * Posts outside the conversation in hand: approval requests to the approvals channel (or the
 * channel the request came from), private notices as a DM through conversations.open; a request
 * still waiting to the escalation channel, and reminders as thread replies under its card.
 */
export class SlackMessenger implements Messenger {
  constructor(
    private readonly client: webApi.WebClient,
    private readonly approvalsChannel: string | undefined,
    /** ESCALATION_CHANNEL; without it, nothing is escalated on Slack. */
    private readonly escalationChannel?: string,
  ) {}

  async post(target: PostTarget, reply: Reply): Promise<PostedRef | void> {
    switch (target.kind) {
      case 'approvals': {
        const channel = this.approvalsChannel ?? target.origin.channelId;
        return this.posted(await this.client.chat.postMessage({ channel, ...renderReply(reply) }));
      }
      case 'escalation': {
        if (!this.escalationChannel) return;
        const posted = this.posted(await this.client.chat.postMessage({ channel: this.escalationChannel, ...renderReply(reply) }));
        return posted && { ...posted, escalation: true };
      }
      case 'thread':
        await this.client.chat.postMessage({ channel: target.ref.channelId, thread_ts: target.ref.messageId, ...renderReply(reply) });
        return;
      case 'dm':
        await this.dm(target.user.userId, renderReply(reply));
        return;
      default:
        assertNever(target);
    }
  }

  /** chat.update: the card, edited in place (its buttons replaced by what happened). */
  async edit(ref: PostedRef, reply: Reply): Promise<void> {
    await this.client.chat.update({ channel: ref.channelId, ts: ref.messageId, ...renderReply(reply) });
  }

  private posted(answer: { channel?: string; ts?: string }): PostedRef | undefined {
    return answer.channel && answer.ts ? { platform: 'slack', channelId: answer.channel, messageId: answer.ts } : undefined;
  }

  /** A direct message from the bot to one user (scope im:write). */
  async dm(userId: string, message: SlackMessage): Promise<void> {
    const opened = await this.client.conversations.open({ users: userId });
    const channel = opened.channel?.id;
    if (!channel) throw new Error('conversations.open returned no channel');
    await this.client.chat.postMessage({ channel, ...message });
  }
}
