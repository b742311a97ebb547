import { z } from 'zod';
import { Platform, type ChatUser, type Where } from './invocation.js';
import type { Reply } from './reply.js';

/** What the core answers an invocation with. */
export type Outcome =
  | { kind: 'reply'; reply: Reply }
  /** `/tenant login` on a backend with credentials: the adapter opens a modal (or prompts) for the key. */
  | {
      kind: 'login-modal';
      title: string;
      label: string;
      placeholder: string;
      /** The modal's buttons (the core always words them; a renderer given none says `Log in`, `Cancel`). */
      submit?: string;
      cancel?: string;
      /** Where no modal can open (a deferred Discord reply): how to get one. */
      again?: string;
    }
  /** This delivery was already handled (a platform retry, or another replica): answer nothing. */
  | { kind: 'duplicate' };

/** A message the bot posted (an approval card): where it is, so that it can be edited or replied to. */
export const PostedRef = z.object({
  platform: Platform,
  channelId: z.string(),
  messageId: z.string(),
  /** Posted to the escalation channel. */
  escalation: z.boolean().optional(),
  /** The workspace it is in, where each workspace has its own token (Slack OAuth installs). */
  workspace: z.string().optional(),
});
export type PostedRef = z.infer<typeof PostedRef>;

/** Where the core posts outside the conversation in hand. */
export type PostTarget =
  /** The approvals channel of `platform` (APPROVALS_CHANNEL…), or `origin` when none is set. */
  | { kind: 'approvals'; platform: Platform; origin: Where }
  /** A private message to one chat user (the requester hears the decision so). */
  | { kind: 'dm'; user: ChatUser }
  /** The escalation channel of `platform` (ESCALATION_CHANNEL, DISCORD_ESCALATION_CHANNEL); not posted when none is set. */
  | { kind: 'escalation'; platform: Platform }
  /** A reply to a message the bot posted: a thread reply on Slack, a reply on Discord, an indented line in the shell. */
  | { kind: 'thread'; ref: PostedRef };

/** Each adapter has one; the core posts approval requests and private notices through it. */
export interface Messenger {
  /** Where the message went, when the platform says (so that it can be edited or replied to later). */
  post(target: PostTarget, reply: Reply): Promise<PostedRef | void>;
  /** Edits a message it posted, in place (an approval card that expired, or was decided on its other copy). */
  edit?(ref: PostedRef, reply: Reply): Promise<void>;
}

/** What every platform adapter (Slack, Discord, the shell) is to the process that runs it. */
export interface Adapter {
  readonly name: Platform;
  readonly messenger: Messenger;
  start(): Promise<void>;
  /** Stops taking new events, then lets acknowledged work finish. */
  stop(): Promise<void>;
}

export const answer = (reply: Reply): Outcome => ({ kind: 'reply', reply });
