import type { webApi } from '@slack/bolt';
import type { Messenger, PostedRef, PostTarget } from '../../src/core/outcome.js';
import type { Reply } from '../../src/core/reply.js';
import { assertNever } from '../../src/result.js';
import { renderReply, type SlackMessage } from './render.js';

/**
 * Posts outside the conversation in hand: approval requests to the approvals channel (or the
 * channel the request came from), private notices as a DM through conversations.open; a request
 * still waiting to the escalation channel, and reminders as thread replies under its card. Each post
 * goes out with the token of the workspace it is for (the one token, or that workspace's installation).
 */
export class SlackMessenger implements Messenger {
  constructor(
    private readonly clientFor: (workspace: string) => Promise<webApi.WebClient>,
    private readonly approvalsChannel: string | undefined,
    /** ESCALATION_CHANNEL; without it, nothing is escalated on Slack. */
    private readonly escalationChannel?: string,
  ) {}

  async post(target: PostTarget, reply: Reply): Promise<PostedRef | void> {
    switch (target.kind) {
      case 'approvals': {
        const channel = target.channel ?? this.approvalsChannel ?? target.origin.channelId;
        const workspace = target.origin.workspace;
        return this.posted(await (await this.clientFor(workspace)).chat.postMessage({ channel, ...renderReply(reply) }), workspace);
      }
      case 'escalation': {
        // One channel id belongs to one workspace: ESCALATION_CHANNEL is refused with OAuth installs (config.ts).
        if (!this.escalationChannel) return;
        const posted = this.posted(await (await this.clientFor('')).chat.postMessage({ channel: this.escalationChannel, ...renderReply(reply) }), undefined);
        return posted && { ...posted, escalation: true };
      }
      case 'thread':
        await (await this.clientFor(target.ref.workspace ?? '')).chat.postMessage({ channel: target.ref.channelId, thread_ts: target.ref.messageId, ...renderReply(reply) });
        return;
      case 'dm':
        await this.dm(target.user.workspace, target.user.userId, renderReply(reply));
        return;
      default:
        assertNever(target);
    }
  }

  /** chat.update: the card, edited in place (its buttons replaced by what happened). */
  async edit(ref: PostedRef, reply: Reply): Promise<void> {
    await (await this.clientFor(ref.workspace ?? '')).chat.update({ channel: ref.channelId, ts: ref.messageId, ...renderReply(reply) });
  }

  private posted(answer: { channel?: string; ts?: string }, workspace: string | undefined): PostedRef | undefined {
    return answer.channel && answer.ts ? { platform: 'slack', channelId: answer.channel, messageId: answer.ts, ...(workspace ? { workspace } : {}) } : undefined;
  }

  /** A direct message from the bot to one user of `workspace` (scope im:write). */
  async dm(workspace: string, userId: string, message: SlackMessage): Promise<void> {
    const client = await this.clientFor(workspace);
    const opened = await client.conversations.open({ users: userId });
    const channel = opened.channel?.id;
    if (!channel) throw new Error('conversations.open returned no channel');
    await client.chat.postMessage({ channel, ...message });
  }
}
