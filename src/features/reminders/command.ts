import type { HandlersFor } from '../../core/feature.js';
import { listOf } from '../../core/i18n.js';
import { answer } from '../../core/outcome.js';
import { reply } from '../../core/reply.js';
import type { MessageId, Translator } from './messages.js';
import { ReminderOptOut } from './opt-out.js';
import type { remindersSpec } from './spec.js';

/** `14, 3 and 1` (en), `14、3、1` (zh-TW). */
export function dayList(t: Translator, days: readonly number[]): string {
  if (days.length <= 1) return String(days[0] ?? '');
  return t.t('reminders.dayList', { most: listOf(t, days.slice(0, -1).map(String)), last: days[days.length - 1]! });
}

/** `/apikey reminders [on|off]`: the caller's own setting, for every platform they are linked on. */
export const remindersCommand =
  (days: readonly number[]): HandlersFor<typeof remindersSpec, MessageId>['reminders'] =>
  async ({ services, actor, args, t }) => {
  const optOut = new ReminderOptOut(services.store);
  const say = (message: string) => answer(reply(message));
  if (args.state === undefined) {
    if (days.length === 0) return say(t.t('reminders.offForBot'));
    const off = await optOut.isOff(actor.memberId);
    return say(off ? t.t('reminders.stateOff') : t.t('reminders.stateOn', { days: dayList(t, days) }));
  }
  await optOut.set(actor.memberId, args.state === 'on');
  if (args.state === 'off') return say(t.t('reminders.turnedOff'));
  return say(days.length === 0 ? t.t('reminders.turnedOnButBotOff') : t.t('reminders.turnedOn', { days: dayList(t, days) }));
};
