import { z } from 'zod';
import type { ConfirmAction } from '../../core/flows/actions.js';
import { encodeAction, type PendingAction } from '../../core/flows/pending.js';
import { formatExpiry } from '../../core/format.js';
import { reply, text, type Reply } from '../../core/reply.js';
import { extendKeyBy } from '../apikey/extend.js';
import type { Translator as KernelTranslator } from '../../core/i18n/translator.js';
import type { MessageId, Translator } from './messages.js';

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
export const remindAction = (keyMaxDays: number): ConfirmAction<RemindArgs, MessageId> => ({
  flow: 'confirm',
  args: RemindArgs,
  cancelled: (t) => t.t('reminders.notNow'),
  // The words are the card owner's, in the apikey feature's catalog (both are registered).
  execute: (ctx) => extendKeyBy({ ...ctx, t: ctx.t as KernelTranslator<string> }, ctx.args.keyId, EXTEND_DAYS, keyMaxDays),
});

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
