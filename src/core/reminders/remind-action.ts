import { z } from 'zod';
import { extendKeyBy } from '../commands/apikey.js';
import { encodeAction, type PendingAction } from '../flows/pending.js';
import type { ConfirmAction } from '../flows/registry.js';
import { formatExpiry } from '../format.js';
import type { Translator } from '../i18n.js';
import { reply, text, type Reply } from '../reply.js';

/** What the Extend button adds to a reminded key. */
export const EXTEND_DAYS = 90;

export const RemindArgs = z.object({
  keyId: z.string(),
  name: z.string().optional(),
  /** The expiry the reminder was about (ISO): the card's body, and part of its claim. */
  expiresAt: z.string(),
  /** The threshold this reminder is for (REMINDER_DAYS). */
  days: z.number().int().positive(),
});
export type RemindArgs = z.infer<typeof RemindArgs>;

/**
 * `apikey.remind`: a reminder card is a confirmation its owner answers with Extend (the key gets
 * EXTEND_DAYS more, under the same rules as `/apikey extend`) or Not now (nothing changes).
 */
export const remindAction: ConfirmAction<RemindArgs> = {
  flow: 'confirm',
  args: RemindArgs,
  cancelled: (t) => t.t('reminders.notNow'),
  execute: (ctx) => extendKeyBy(ctx, ctx.args.keyId, EXTEND_DAYS),
};

/** The card sent by DM: the key, its expiry with "in N days", Extend and Not now. */
export function reminderCard(t: Translator, p: PendingAction, args: RemindArgs, now: number): Reply {
  const key = args.name ? t.t('reminders.keyLabelNamed', { id: args.keyId, name: args.name }) : t.t('reminders.keyLabel', { id: args.keyId });
  return reply(
    [
      text(t.t('reminders.body', { key, expiry: formatExpiry(t, args.expiresAt, now), extendDays: EXTEND_DAYS })),
      {
        type: 'buttons',
        buttons: [
          { id: encodeAction({ flow: 'confirm', id: p.id, choice: 'ok' }), label: t.t('reminders.extendButton', { days: EXTEND_DAYS }), style: 'primary' },
          { id: encodeAction({ flow: 'confirm', id: p.id, choice: 'cancel' }), label: t.t('reminders.notNowButton'), style: 'default' },
        ],
      },
    ],
    'dm',
  );
}
