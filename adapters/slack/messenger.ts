import type { webApi } from '@slack/bolt';
import type { Messenger, PostTarget } from '../../src/core/outcome.js';
import type { Reply } from '../../src/core/reply.js';
import { assertNever } from '../../src/result.js';
import { renderReply, type SlackMessage } from './render.js';

/**
 * Posts outside the conversation in hand: approval requests to the approvals channel (or the
 * channel the request came from), private notices as a DM through conversations.open. Each post
 * goes out with the token of the workspace it is for (the one token, or that workspace's installation).
 */
export class SlackMessenger implements Messenger {
  constructor(
    private readonly clientFor: (workspace: string) => Promise<webApi.WebClient>,
    private readonly approvalsChannel: string | undefined,
  ) {}

  async post(target: PostTarget, reply: Reply): Promise<void> {
    switch (target.kind) {
      case 'approvals': {
        const channel = this.approvalsChannel ?? target.origin.channelId;
        await (await this.clientFor(target.origin.workspace)).chat.postMessage({ channel, ...renderReply(reply) });
        return;
      }
      case 'dm':
        await this.dm(target.user.workspace, target.user.userId, renderReply(reply));
        return;
      default:
        assertNever(target);
    }
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
