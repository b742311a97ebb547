import { createReadStream } from 'node:fs';
import type { webApi } from '@slack/bolt';
import { request } from 'undici';
import type { Messenger, PostedRef, PostTarget } from '../../src/core/outcome.js';
import type { FileAttachment, Reply } from '../../src/core/reply.js';
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
    /** SLACK_API_URL: a test's fake Slack hands out upload URLs on its own origin. */
    private readonly slackApiUrl?: string,
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
    await client.chat.postMessage({ channel: await dmChannel(client, userId), ...message });
  }

  /**
   * Uploads a file to the DM of a user of `workspace`, as files.uploadV2 does (scope files:write): the
   * upload URL asked with the file's length, the bytes streamed to it from disk (never read whole into
   * memory), then the upload completed into the DM with `comment` beside it.
   */
  async uploadToDm(workspace: string, userId: string, file: FileAttachment, comment: string): Promise<void> {
    const client = await this.clientFor(workspace);
    const channel = await dmChannel(client, userId);
    const asked = await client.files.getUploadURLExternal({ filename: file.name, length: file.bytes });
    if (!asked.upload_url || !asked.file_id) throw new Error('files.getUploadURLExternal returned no upload URL');
    if (!mayUploadTo(asked.upload_url, this.slackApiUrl)) throw Object.assign(new Error('the upload URL is not a Slack host; not sent'), { code: 'slack_upload_url_refused' });
    const res = await request(asked.upload_url, {
      method: 'POST',
      headers: { 'content-type': file.contentType, 'content-length': String(file.bytes) },
      body: createReadStream(file.path),
    });
    await res.body.dump();
    if (res.statusCode < 200 || res.statusCode >= 300) throw Object.assign(new Error(`the file upload answered ${res.statusCode}`), { code: 'slack_upload_failed' });
    await client.files.completeUploadExternal({ files: [{ id: asked.file_id, title: file.name }], channel_id: channel, initial_comment: comment });
  }
}

/** The DM channel with `userId` (conversations.open). */
async function dmChannel(client: webApi.WebClient, userId: string): Promise<string> {
  const opened = await client.conversations.open({ users: userId });
  const channel = opened.channel?.id;
  if (!channel) throw new Error('conversations.open returned no channel');
  return channel;
}

/** Slack's upload hosts over https, or SLACK_API_URL's origin (a test's fake Slack). */
function mayUploadTo(url: string, slackApiUrl: string | undefined): boolean {
  try {
    const u = new URL(url);
    if (u.protocol === 'https:' && (u.hostname === 'files.slack.com' || u.hostname.endsWith('.slack.com')) && u.port === '') return true;
    return slackApiUrl !== undefined && u.origin === new URL(slackApiUrl).origin;
  } catch {
    return false;
  }
}
