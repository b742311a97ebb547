import { z } from 'zod';
import { CommandName, type Invocation, type MentionRef } from '../../src/core/invocation.js';
import type { ActionContext, DialogState, MattermostSeals, Opened } from './context.js';
import { LOGIN_DIALOG } from './render.js';

type Of<K extends Invocation['kind']> = Extract<Invocation, { kind: K }>;

/**
 * An inbound Mattermost request, closed on `kind`. A click or a dialog submission whose sealed context
 * does not open is `refused` (with the user, to tell them in words), never handed to the core.
 */
export type MattermostInbound =
  | { kind: 'command'; invocation: Of<'command'>; triggerId: string; responseUrl: string; mentioned: string[] }
  | { kind: 'click'; invocation: Of<'click'>; postId: string; context: ActionContext }
  | { kind: 'login'; invocation: Of<'login'>; state: DialogState }
  | { kind: 'refused'; what: 'click' | 'dialog'; userId: string; reason: Exclude<Opened<unknown>, { ok: true }>['reason'] }
  /** Malformed or not ours; `reason` names the part (never a value: it may be a key). */
  | { kind: 'unsupported'; reason: string };

const id = z.string().min(1).max(64);

/** A slash command as Mattermost POSTs it (form-encoded): https://developers.mattermost.com/integrate/slash-commands/custom/ */
const SlashCommand = z.object({
  command: z.string(),
  text: z.string().default(''),
  team_id: id,
  channel_id: id,
  user_id: id,
  user_name: z.string().optional(),
  response_url: z.string().url(),
  trigger_id: z.string().min(1).max(200),
  /** Mattermost names the users a command mentions (comma-separated, in the same order as their ids). */
  user_mentions: z.string().optional(),
  user_mentions_ids: z.string().optional(),
});

/** A button click: https://developers.mattermost.com/integrate/plugins/interactive-messages/ */
const ButtonClick = z.object({
  user_id: id,
  user_name: z.string().optional(),
  team_id: z.string().default(''),
  channel_id: id,
  post_id: id,
  trigger_id: z.string().max(200).optional(),
  context: z.object({ sealed: z.string().max(2000) }),
});

const DialogSubmission = z.object({
  type: z.literal('dialog_submission'),
  callback_id: z.string(),
  state: z.string().max(4000),
  user_id: id,
  team_id: z.string().default(''),
  channel_id: z.string().optional(),
  submission: z.record(z.string(), z.unknown()).default({}),
  cancelled: z.boolean().optional(),
});

const where = (issues: z.ZodError['issues']) => issues.map((i) => i.path.join('.') || '(root)').join(', ');

const MENTION_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/** `@bob` in the text → bob's user id, from the names and ids Mattermost sends along. */
function mentionsFrom(names: string | undefined, ids: string | undefined): Record<string, MentionRef> {
  const mentions: Record<string, MentionRef> = {};
  const n = (names ?? '').split(',').map((s) => s.trim());
  const i = (ids ?? '').split(',').map((s) => s.trim());
  n.forEach((name, k) => {
    const userId = i[k];
    if (name && userId && MENTION_NAME.test(name.toLowerCase())) mentions[name.toLowerCase()] = { userId, name };
  });
  return mentions;
}

/** Every `@name` typed in `text` (Mattermost usernames are lower case), for those Mattermost did not resolve. */
export const typedMentions = (text: string): string[] =>
  [...new Set([...text.matchAll(/(?<![\w@])@([a-z0-9][a-z0-9._-]{0,63})/gi)].map((m) => m[1]!.toLowerCase().replace(/[.]+$/, '')))];

export function parseSlashCommand(body: Record<string, unknown>): MattermostInbound {
  const parsed = SlashCommand.safeParse(body);
  if (!parsed.success) return { kind: 'unsupported', reason: `slash command: bad ${where(parsed.error.issues)}` };
  const c = parsed.data;
  const command = CommandName.safeParse(c.command.replace(/^\//, '').toLowerCase());
  if (!command.success) return { kind: 'unsupported', reason: 'slash command: not one of ours' };
  const mentions = mentionsFrom(c.user_mentions, c.user_mentions_ids);
  return {
    kind: 'command',
    invocation: {
      kind: 'command',
      user: { platform: 'mattermost', workspace: c.team_id, userId: c.user_id, ...(c.user_name ? { name: c.user_name } : {}) },
      where: { workspace: c.team_id, channelId: c.channel_id },
      command: command.data,
      text: c.text,
      mentions,
      deliveryId: `command:${c.trigger_id}`,
    },
    triggerId: c.trigger_id,
    responseUrl: c.response_url,
    mentioned: typedMentions(c.text).filter((name) => mentions[name] === undefined),
  };
}

/** A button click or a dialog submission (both arrive at /mattermost/actions), its sealed part opened. */
export function parseAction(body: unknown, seals: MattermostSeals, now: number): MattermostInbound {
  if (typeof body !== 'object' || body === null) return { kind: 'unsupported', reason: 'not an object' };
  if ('type' in body && body.type === 'dialog_submission') return parseDialogSubmission(body, seals, now);
  const parsed = ButtonClick.safeParse(body);
  if (!parsed.success) return { kind: 'unsupported', reason: `action: bad ${where(parsed.error.issues)}` };
  const a = parsed.data;
  const opened = seals.openAction(a.context.sealed, a.user_id, now);
  if (!opened.ok) return { kind: 'refused', what: 'click', userId: a.user_id, reason: opened.reason };
  return {
    kind: 'click',
    invocation: {
      kind: 'click',
      user: { platform: 'mattermost', workspace: a.team_id, userId: a.user_id, ...(a.user_name ? { name: a.user_name } : {}) },
      where: { workspace: a.team_id, channelId: a.channel_id },
      actionId: opened.value.a,
      // Mattermost sends a trigger id with every click; two clicks are two deliveries, and the core's claim decides once.
      ...(a.trigger_id ? { deliveryId: `click:${a.trigger_id}` } : {}),
      messageIsPrivate: opened.value.p,
      messageId: a.post_id,
    },
    postId: a.post_id,
    context: opened.value,
  };
}

function parseDialogSubmission(body: object, seals: MattermostSeals, now: number): MattermostInbound {
  const parsed = DialogSubmission.safeParse(body);
  if (!parsed.success) return { kind: 'unsupported', reason: `dialog_submission: bad ${where(parsed.error.issues)}` };
  const d = parsed.data;
  if (d.callback_id !== LOGIN_DIALOG.callbackId) return { kind: 'unsupported', reason: 'dialog_submission: not our dialog' };
  if (d.cancelled) return { kind: 'unsupported', reason: 'dialog_submission: cancelled' };
  const opened = seals.openDialog(d.state, d.user_id, now);
  if (!opened.ok) return { kind: 'refused', what: 'dialog', userId: d.user_id, reason: opened.reason };
  const apiKey = d.submission[LOGIN_DIALOG.field];
  return {
    kind: 'login',
    invocation: {
      kind: 'login',
      user: { platform: 'mattermost', workspace: opened.value.t, userId: d.user_id },
      where: { workspace: opened.value.t, channelId: opened.value.c },
      apiKey: typeof apiKey === 'string' ? apiKey.trim() : '',
    },
    state: opened.value,
  };
}
