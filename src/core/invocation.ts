import { z } from 'zod';

/** `local` is the shell adapter's platform. */
export const Platform = z.enum(['slack', 'discord', 'mattermost', 'local']);
export type Platform = z.infer<typeof Platform>;

export const ChatUser = z.object({
  platform: Platform,
  /** Slack team id, Discord guild id, `local` for the shell. */
  workspace: z.string(),
  userId: z.string().min(1),
  /** Display name, for messages only; never used for identity. */
  name: z.string().optional(),
});
export type ChatUser = z.infer<typeof ChatUser>;

export const Where = z.object({
  workspace: z.string(),
  channelId: z.string(),
});
export type Where = z.infer<typeof Where>;

/**
 * A slash command's name, without the slash. Which commands exist is the features' to say (the core
 * derives the list from them); one it does not know is answered "not a command".
 */
export const CommandName = z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/);
export type CommandName = z.infer<typeof CommandName>;

/** A chat user named in a command; it counts only once linked to a member. */
export const MentionRef = z.object({
  userId: z.string().min(1),
  /** The display name the platform sends along, for messages only. */
  name: z.string().optional(),
});
export type MentionRef = z.infer<typeof MentionRef>;

/** A typed option as a platform with typed options (Discord) hands it over: no text round-trip. */
export const OptionValue = z.union([z.string(), z.number(), z.boolean(), MentionRef]);
export type OptionValue = z.infer<typeof OptionValue>;

const Common = {
  user: ChatUser,
  where: Where,
  /**
   * One delivery of one platform event (Slack's trigger_id, Discord's interaction id): a retried or
   * duplicated delivery with the same id runs once, across replicas.
   */
  deliveryId: z.string().max(200).optional(),
  /**
   * The user's language as the platform reports it (Discord's interaction `locale`, Slack's user locale
   * from `users.info`): `zh-TW`, `en-US`… The member's own `/tenant lang` setting wins over it.
   */
  locale: z.string().max(35).optional(),
};

/**
 * What an adapter hands the core, validated at the adapter's edge (the core trusts its type).
 * A command carries either the text typed after it, as in Slack (`extend k1 30`, mentions written as
 * `@name` and resolved through `mentions`), or the subcommand and its typed `options` (Discord).
 */
export const Invocation = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('command'),
    ...Common,
    command: CommandName,
    text: z.string(),
    /** `@name` in `text` → the chat user it names (Slack's `<@U1|bob>` becomes `@bob`). */
    mentions: z.record(z.string(), MentionRef).optional(),
    /** Typed options; with them, `text` is only the subcommand. */
    options: z.record(z.string(), OptionValue).optional(),
  }),
  /** A button click; `actionId` is the Button id the core rendered. */
  z.object({
    kind: z.literal('click'),
    ...Common,
    actionId: z.string().max(100),
    /** Whether the clicked message is private (ephemeral, or the terminal): a secret may replace only such a one. */
    messageIsPrivate: z.boolean().optional(),
    /** The clicked message (Slack's ts, Discord's message id): of an approval's several cards, the one the click edits itself. */
    messageId: z.string().max(100).optional(),
  }),
  /** The `/tenant login` modal was submitted with the member's TWCC API key. */
  z.object({ kind: z.literal('login'), ...Common, apiKey: z.string() }),
]);
export type Invocation = z.infer<typeof Invocation>;
export type CommandInvocation = Extract<Invocation, { kind: 'command' }>;
export type ClickInvocation = Extract<Invocation, { kind: 'click' }>;
export type LoginInvocation = Extract<Invocation, { kind: 'login' }>;

/** Stable identity of a chat user across restarts: `slack:U123`, `discord:456`, `local:admin`. */
export const chatKey = (u: Pick<ChatUser, 'platform' | 'userId'>): string => `${u.platform}:${u.userId}`;
