import type { Messenger, PostedRef, PostTarget } from '../../src/core/outcome.js';
import type { Button, FileAttachment, Reply } from '../../src/core/reply.js';
import { assertNever } from '../../src/result.js';
import type { MattermostClient, PostBody } from './client.js';
import { POSTED_CARD_TTL_MS, type MattermostSeals } from './context.js';
import { renderReply, type SealButton } from './render.js';

export interface MattermostMessengerOptions {
  client: MattermostClient;
  seals: MattermostSeals;
  /** MATTERMOST_BOT_URL's `/mattermost/actions`: where a button's click is POSTed. */
  actionsUrl: string;
  /** MATTERMOST_APPROVALS_CHANNEL; without it, approval requests go to the channel they came from. */
  approvalsChannel: string | undefined;
  /** MATTERMOST_ESCALATION_CHANNEL; without it, nothing is escalated on Mattermost. */
  escalationChannel?: string | undefined;
  /** The bot account's user id (GET /users/me at start): one end of every DM. */
  botUserId: () => string;
  now: () => number;
}

/**
 * Posts outside the conversation in hand: approval cards to the approvals channel (any admin who sees
 * one may click it: the core decides who counts), private notices and reminders as DMs (their buttons
 * sealed for their reader).
 */
export class MattermostMessenger implements Messenger {
  constructor(private readonly opts: MattermostMessengerOptions) {}

  /** Seals each button for `userId` (undefined: anyone who sees the post), with `ttlMs` to live. */
  sealer(userId: string | undefined, isPrivate: boolean, ttlMs: number): SealButton {
    const { seals, actionsUrl, now } = this.opts;
    return (b: Button) => ({ url: actionsUrl, sealed: seals.sealAction({ a: b.id, ...(userId ? { u: userId } : {}), p: isPrivate, x: now() + ttlMs }) });
  }

  async post(target: PostTarget, reply: Reply): Promise<PostedRef | void> {
    switch (target.kind) {
      case 'approvals': {
        // Anyone who sees the card may click it: the core decides who counts (an admin, not the requester).
        const card = renderReply(reply, this.sealer(undefined, false, POSTED_CARD_TTL_MS));
        const channelId = target.channel ?? this.opts.approvalsChannel ?? target.origin.channelId;
        const messageId = await this.opts.client.createPost(channelId, card);
        return { platform: 'mattermost', channelId, messageId };
      }
      case 'escalation': {
        // A copy of the card with its buttons; a decision on either edits both (the core keeps both refs).
        const channelId = this.opts.escalationChannel;
        if (!channelId) return;
        const messageId = await this.opts.client.createPost(channelId, renderReply(reply, this.sealer(undefined, false, POSTED_CARD_TTL_MS)));
        return { platform: 'mattermost', channelId, messageId, escalation: true };
      }
      case 'thread': {
        // A reply in the card's thread (root_id), as Slack's thread_ts.
        const body = renderReply(reply, this.sealer(undefined, false, POSTED_CARD_TTL_MS));
        await this.opts.client.createPost(target.ref.channelId, { ...body, root_id: target.ref.messageId });
        return;
      }
      case 'dm':
        if (target.user.platform !== 'mattermost') return;
        await this.dm(target.user.userId, renderReply(reply, this.sealer(target.user.userId, true, POSTED_CARD_TTL_MS)));
        return;
      default:
        assertNever(target);
    }
  }

  /** PUT /posts/{id}/patch: a card edited in place (expired, or decided on its other copy). */
  async edit(ref: PostedRef, reply: Reply): Promise<void> {
    await this.opts.client.patchPost(ref.messageId, renderReply(reply, this.sealer(undefined, false, POSTED_CARD_TTL_MS)));
  }

  /** A direct message from the bot to one user, through their direct channel. */
  async dm(userId: string, body: PostBody): Promise<void> {
    const channel = await this.opts.client.directChannel(this.opts.botUserId(), userId);
    await this.opts.client.createPost(channel, body);
  }

  /**
   * A file to one user, privately: uploaded into their direct channel with the bot (POST /files, streamed
   * from disk), then posted there (`file_ids`) with `message` beside it.
   */
  async uploadToDm(userId: string, file: FileAttachment, message: string): Promise<void> {
    const channel = await this.opts.client.directChannel(this.opts.botUserId(), userId);
    const fileId = await this.opts.client.uploadFile(channel, file);
    await this.opts.client.createPost(channel, { message, props: { attachments: [] }, file_ids: [fileId] });
  }
}
