import type { CommandHandler } from '../context.js';
import type { Sub } from '../commands/types.js';
import { listOf, type Translator } from '../i18n.js';
import { answer } from '../outcome.js';
import { reply } from '../reply.js';

/** `14, 3 and 1` (en), `14、3、1` (zh-TW). */
export function dayList(t: Translator, days: readonly number[]): string {
  if (days.length <= 1) return String(days[0] ?? '');
  return t.t('reminders.dayList', { most: listOf(t, days.slice(0, -1).map(String)), last: days[days.length - 1]! });
}

/** `/apikey reminders [on|off]`: the caller's own setting, for every platform they are linked on. */
export const remindersCommand: CommandHandler<Sub<'apikey', 'reminders'>> = async ({ services, actor, args, t }) => {
  const days = services.reminderDays;
  const say = (message: string) => answer(reply(message));
  if (args.state === undefined) {
    if (days.length === 0) return say(t.t('reminders.offForBot'));
    const off = await services.reminderOptOut.isOff(actor.memberId);
    return say(off ? t.t('reminders.stateOff') : t.t('reminders.stateOn', { days: dayList(t, days) }));
  }
  await services.reminderOptOut.set(actor.memberId, args.state === 'on');
  if (args.state === 'off') return say(t.t('reminders.turnedOff'));
  return say(days.length === 0 ? t.t('reminders.turnedOnButBotOff') : t.t('reminders.turnedOn', { days: dayList(t, days) }));
};
