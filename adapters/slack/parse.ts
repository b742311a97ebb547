import { z } from 'zod';
import { CommandName, type ChatUser, type Invocation, type MentionRef } from '../../src/core/invocation.js';
import { openLoginContext, type LoginModalContext } from './modal-context.js';


/** The `/tenant login` modal: its callback id and the one input Slack hands back on submission. */
export const LOGIN_MODAL = { callbackId: 'tenant-login', blockId: 'api-key', actionId: 'api-key' } as const;

/** The message a clicked button sits on: ephemeral ones are edited through response_url, others by chat.update. */
export interface ClickedMessage {
  channelId: string;
  ts: string;
  ephemeral: boolean;
}

type Of<K extends Invocation['kind']> = Extract<Invocation, { kind: K }>;

/**
 * An inbound Slack payload, closed on `kind`. The invocation's `deliveryId` names one delivery (a retry
 * of it carries the same trigger_id), so the core runs it once.
 */
export type SlackInbound =
  | { kind: 'command'; invocation: Of<'command'>; triggerId: string; responseUrl: string }
  | { kind: 'click'; invocation: Of<'click'>; responseUrl: string | undefined; message: ClickedMessage | undefined }
  | { kind: 'login'; invocation: Of<'login'>; modal: LoginModalContext }
  /** Parsed but not for us, or malformed; `reason` names the part (never a value: it may be a key). */
  | { kind: 'unsupported'; reason: string };

const id = z.string().min(1);

const SlashCommand = z.object({
  command: z.string(),
  text: z.string().default(''),
  team_id: id,
  channel_id: id,
  user_id: id,
  user_name: z.string().optional(),
  response_url: z.string().url(),
  trigger_id: id,
});

const SlackUser = z.object({ id, username: z.string().optional(), name: z.string().optional(), team_id: z.string().optional() });

const BlockActions = z.object({
  type: z.literal('block_actions'),
  trigger_id: id,
  user: SlackUser,
  team: z.object({ id }).nullish(),
  channel: z.object({ id }).nullish(),
  container: z
    .object({ type: z.string(), channel_id: z.string().optional(), message_ts: z.string().optional(), is_ephemeral: z.boolean().optional() })
    .optional(),
  response_url: z.string().url().optional(),
  actions: z.array(z.object({ action_id: z.string(), action_ts: z.string().optional() })).min(1),
});

const ViewSubmission = z.object({
  type: z.literal('view_submission'),
  trigger_id: id,
  user: SlackUser,
  team: z.object({ id }).nullish(),
  view: z.object({
    callback_id: z.string(),
    private_metadata: z.string().default(''),
    state: z.object({ values: z.record(z.string(), z.record(z.string(), z.object({ value: z.string().nullish() }))) }),
  }),
});

const where = (issues: z.ZodError['issues']) => issues.map((i) => i.path.join('.') || '(root)').join(', ');

function chatUser(u: z.infer<typeof SlackUser>, teamId: string): ChatUser {
  const name = u.username ?? u.name;
  return { platform: 'slack', workspace: teamId, userId: u.id, ...(name ? { name } : {}) };
}

const SLACK_MENTION = /<@([UW][A-Z0-9]+)(?:\|([^<>]*))?>/g;
const MENTION_NAME = /^[\p{L}\p{N}][\p{L}\p{N}._-]{0,63}$/u;

/**
 * Slack writes a mention as `<@U123|bob>` (with should_escape). The core reads `@name`: each mention
 * becomes `@bob` (or `@U123` when the name will not do), and `mentions` maps that word to the user.
 */
export function neutralMentions(text: string): { text: string; mentions: Record<string, MentionRef> } {
  const mentions: Record<string, MentionRef> = {};
  const out = text.replace(SLACK_MENTION, (_m, userId: string, name: string | undefined) => {
    const taken = (w: string) => mentions[w] !== undefined && mentions[w]!.userId !== userId;
    const word = name && MENTION_NAME.test(name) && !taken(name) ? name : userId;
    mentions[word] = { userId, ...(name ? { name } : {}) };
    return `@${word}`;
  });
  return { text: out, mentions };
}

const SLACK_ENTITY = /&(amp|lt|gt);/g;
const ENTITY_CHAR: Record<string, string> = { amp: '&', lt: '<', gt: '>' };

/**
 * Slack sends the three characters it reserves (`&`, `<`, `>`) in a slash command's text as
 * `&amp;`, `&lt;` and `&gt;` (https://api.slack.com/reference/surfaces/formatting#escaping): the core
 * gets the text as typed, and the renderer escapes it again. One pass, so a typed `&lt;` (sent as
 * `&amp;lt;`) stays `&lt;`. After the mentions are read: a typed `<@U1>` arrives escaped and stays text.
 */
const decodeSlackEntities = (text: string): string => text.replace(SLACK_ENTITY, (_m, name: string) => ENTITY_CHAR[name]!);

function parseSlashCommand(body: unknown): SlackInbound {
  const parsed = SlashCommand.safeParse(body);
  if (!parsed.success) return { kind: 'unsupported', reason: `slash command: bad ${where(parsed.error.issues)}` };
  const c = parsed.data;
  // Command names in any case: `/APIKEY list` is `/apikey list`.
  const command = CommandName.safeParse(c.command.replace(/^\//, '').toLowerCase());
  if (!command.success) return { kind: 'unsupported', reason: 'slash command: not one of ours' };
  return {
    kind: 'command',
    invocation: {
      kind: 'command',
      user: { platform: 'slack', workspace: c.team_id, userId: c.user_id, ...(c.user_name ? { name: c.user_name } : {}) },
      where: { workspace: c.team_id, channelId: c.channel_id },
      command: command.data,
      ...typedText(c.text),
      deliveryId: `command:${c.trigger_id}`,
    },
    triggerId: c.trigger_id,
    responseUrl: c.response_url,
  };
}

/** The text as the user typed it, with its mentions read off Slack's markup first. */
function typedText(slackText: string): { text: string; mentions: Record<string, MentionRef> } {
  const { text, mentions } = neutralMentions(slackText);
  return { text: decodeSlackEntities(text), mentions };
}

function parseBlockActions(body: unknown): SlackInbound {
  const parsed = BlockActions.safeParse(body);
  if (!parsed.success) return { kind: 'unsupported', reason: `block_actions: bad ${where(parsed.error.issues)}` };
  const a = parsed.data;
  const teamId = a.team?.id ?? a.user.team_id;
  const channelId = a.channel?.id ?? a.container?.channel_id;
  if (!teamId || !channelId) return { kind: 'unsupported', reason: 'block_actions: no team or channel' };
  const action = a.actions[0]!;
  if (action.action_id.length > 100) return { kind: 'unsupported', reason: 'block_actions: action_id too long' };
  const c = a.container;
  const message = c?.type === 'message' && c.message_ts ? { channelId: c.channel_id ?? channelId, ts: c.message_ts, ephemeral: c.is_ephemeral === true } : undefined;
  return {
    kind: 'click',
    invocation: {
      kind: 'click',
      user: chatUser(a.user, teamId),
      where: { workspace: teamId, channelId },
      actionId: action.action_id,
      deliveryId: `click:${a.trigger_id}`,
      messageIsPrivate: message?.ephemeral ?? false,
      ...(message ? { messageId: message.ts } : {}),
    },
    responseUrl: a.response_url,
    message,
  };
}

function parseViewSubmission(body: unknown, signingSecret: string, now: number): SlackInbound {
  const parsed = ViewSubmission.safeParse(body);
  if (!parsed.success) return { kind: 'unsupported', reason: `view_submission: bad ${where(parsed.error.issues)}` };
  const v = parsed.data;
  if (v.view.callback_id !== LOGIN_MODAL.callbackId) return { kind: 'unsupported', reason: 'view_submission: not our modal' };
  const teamId = v.team?.id ?? v.user.team_id;
  if (!teamId) return { kind: 'unsupported', reason: 'view_submission: no team' };
  // The context is the bot's own, sealed when the modal opened: never a URL the submission chose.
  const modal = openLoginContext(signingSecret, v.view.private_metadata, v.user.id, now);
  if (!modal.ok) return { kind: 'unsupported', reason: `view_submission: private_metadata ${modal.reason}` };
  const apiKey = v.view.state.values[LOGIN_MODAL.blockId]?.[LOGIN_MODAL.actionId]?.value ?? '';
  return {
    kind: 'login',
    invocation: {
      kind: 'login',
      user: chatUser(v.user, teamId),
      where: { workspace: teamId, channelId: modal.value.channelId },
      apiKey: apiKey.trim(),
      deliveryId: `login:${v.trigger_id}`,
    },
    modal: modal.value,
  };
}

/**
 * Any payload Bolt hands a listener (slash command, block_actions, view_submission) → a SlackInbound.
 * `signingSecret` opens the login modal's sealed context (modal-context.ts).
 */
export function parseSlackPayload(body: unknown, signingSecret: string, now = Date.now()): SlackInbound {
  if (typeof body !== 'object' || body === null) return { kind: 'unsupported', reason: 'not an object' };
  if ('command' in body) return parseSlashCommand(body);
  const type = 'type' in body ? body.type : undefined;
  if (type === 'block_actions') return parseBlockActions(body);
  if (type === 'view_submission') return parseViewSubmission(body, signingSecret, now);
  return { kind: 'unsupported', reason: `payload type ${typeof type === 'string' ? type.slice(0, 40) : 'unknown'}` };
}
