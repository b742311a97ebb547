import type { ChatUser, Platform, Where } from './invocation.js';
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

/** Where the core posts outside the conversation in hand. */
export type PostTarget =
  /** The approvals channel of `platform` (APPROVALS_CHANNEL…), or `origin` when none is set. */
  | { kind: 'approvals'; platform: Platform; origin: Where; /** The project's own approvals channel (`/tenant project approvals`), over APPROVALS_CHANNEL. */ channel?: string }
  /** A private message to one chat user (the requester hears the decision so). */
  | { kind: 'dm'; user: ChatUser };

/** Each adapter has one; the core posts approval requests and private notices through it. */
export interface Messenger {
  post(target: PostTarget, reply: Reply): Promise<void>;
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
