import { z } from 'zod';

/** `local` is the shell adapter's platform. */
export const Platform = z.enum(['slack', 'discord', 'local']);
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

export const CommandName = z.enum(['apikey', 'quota', 'tenant']);
export type CommandName = z.infer<typeof CommandName>;

/**
 * What an adapter hands the core. A command's arguments come as the text typed after the command,
 * exactly as in Slack (`extend k1 30`); Discord's typed options are turned into the same text by
 * `textFromOptions` in src/core/parser.ts, so one parser serves every platform.
 */
export const Invocation = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('command'), user: ChatUser, where: Where, command: CommandName, text: z.string() }),
  /** A button click; `actionId` is the Button id the core rendered. */
  z.object({ kind: z.literal('click'), user: ChatUser, where: Where, actionId: z.string().max(100) }),
  /** The `/tenant login` modal was submitted with the member's TWCC API key. */
  z.object({ kind: z.literal('login'), user: ChatUser, where: Where, apiKey: z.string() }),
]);
export type Invocation = z.infer<typeof Invocation>;

/** Stable identity of a chat user across restarts: `slack:U123`, `discord:456`, `local:admin`. */
export const chatKey = (u: Pick<ChatUser, 'platform' | 'userId'>): string => `${u.platform}:${u.userId}`;
