import type { CommandHandler } from '../context.js';
import type { Sub } from '../commands/types.js';
import { answer } from '../outcome.js';
import { reply } from '../reply.js';
import { reminderSettingTexts } from './texts.js';

/** `/apikey reminders [on|off]`: the caller's own setting, for every platform they are linked on. */
export const remindersCommand: CommandHandler<Sub<'apikey', 'reminders'>> = async ({ services, actor, args }) => {
  const days = services.reminderDays;
  if (args.state === undefined) {
    const off = await services.reminderOptOut.isOff(actor.memberId);
    return answer(reply(reminderSettingTexts.state(!off, days)));
  }
  await services.reminderOptOut.set(actor.memberId, args.state === 'on');
  return answer(reply(args.state === 'on' ? reminderSettingTexts.turnedOn(days) : reminderSettingTexts.turnedOff));
};
