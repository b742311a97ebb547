import { z } from 'zod';
import { hmacSealer, type HmacSealer } from '../../src/crypto/hmac-seal.js';

/**
 * Mattermost signs neither a button's click nor a dialog's submission: it POSTs back the `context` (or
 * `state`) the bot put on them. So both are sealed with an HMAC keyed from the bot token (every replica
 * has it), and carry who may use them and until when; whatever else a request claims is not trusted.
 */

/** A button's context: the core's button id, who may click it, whether its post is private, until when. */
const ActionContext = z.object({
  /** The core's Button id (`c:<id>:ok`, `a:<id>:approve`). */
  a: z.string().min(1).max(100),
  /** The one user who may click (the reader of an ephemeral answer or a DM); absent: anyone who sees it (the core decides). */
  u: z.string().min(1).optional(),
  /** The post is private (ephemeral or a DM): a secret may replace it. */
  p: z.boolean(),
  /** Epoch ms after which a click is refused. */
  x: z.number().int(),
});
export type ActionContext = z.infer<typeof ActionContext>;

/** The `/tenant login` dialog's state: who opened it, where, the command's response_url, until when. */
const DialogState = z.object({
  u: z.string().min(1),
  c: z.string().min(1),
  t: z.string(),
  r: z.string().url(),
  x: z.number().int(),
});
export type DialogState = z.infer<typeof DialogState>;

export type Opened<T> = { ok: true; value: T } | { ok: false; reason: 'not sealed' | 'bad seal' | 'not JSON' | 'bad shape' | 'another user' | 'expired' };

/** Buttons on an ephemeral answer: a confirmation waits 5 minutes; a day is ample, and the core's record decides. */
export const PRIVATE_ANSWER_TTL_MS = 24 * 60 * 60 * 1000;
/** Cards posted to a channel or a DM (approvals wait days, a reminder until its key expires): the core's record decides. */
export const POSTED_CARD_TTL_MS = 400 * 24 * 60 * 60 * 1000;
/** A response_url lives 30 minutes; so does the dialog that answers through it. */
export const DIALOG_TTL_MS = 30 * 60 * 1000;

export class MattermostSeals {
  readonly #actions: HmacSealer;
  readonly #dialogs: HmacSealer;

  constructor(botToken: string) {
    this.#actions = hmacSealer(botToken, 'mattermost button context v1');
    this.#dialogs = hmacSealer(botToken, 'mattermost login dialog state v1');
  }

  sealAction(context: ActionContext): string {
    return this.#actions.seal(context);
  }

  sealDialog(state: DialogState): string {
    return this.#dialogs.seal(state);
  }

  /** The context, when this bot sealed it for `userId` (or for anyone) and it has not expired. */
  openAction(sealed: string, userId: string, now: number): Opened<ActionContext> {
    return check(this.#actions, ActionContext, sealed, (c) => (c.u !== undefined && c.u !== userId ? 'another user' : c.x < now ? 'expired' : undefined));
  }

  openDialog(sealed: string, userId: string, now: number): Opened<DialogState> {
    return check(this.#dialogs, DialogState, sealed, (s) => (s.u !== userId ? 'another user' : s.x < now ? 'expired' : undefined));
  }
}

function check<T>(sealer: HmacSealer, schema: z.ZodType<T>, sealed: string, refuse: (value: T) => 'another user' | 'expired' | undefined): Opened<T> {
  const opened = sealer.open(sealed);
  if (!opened.ok) return { ok: false, reason: opened.reason };
  const parsed = schema.safeParse(opened.value);
  if (!parsed.success) return { ok: false, reason: 'bad shape' };
  const refused = refuse(parsed.data);
  return refused ? { ok: false, reason: refused } : { ok: true, value: parsed.data };
}
