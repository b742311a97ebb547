import { userText } from '../inline.js';

/**
 * The ICU arguments that carry text from people, platforms or a backend: reasons, chat and member
 * names, key names, what was typed, TWCC's own words. The translator passes them as user text
 * (src/core/inline.ts), so they are shown as typed and never read as marks, links or mentions. Every
 * argument of every catalog is either here or in MADE_VALUES (test/core/i18n/user-values.test.ts):
 * a new one must be sorted before it is used.
 */
export const USER_VALUES: ReadonlySet<string> = new Set([
  'answer',
  'by',
  'channel',
  'detail',
  'flag',
  'label',
  'line',
  'member',
  'members',
  'name',
  'others',
  'pair',
  'raw',
  'reason',
  'target',
  'text',
  'token',
  'typed',
  'unit',
  'user',
  'username',
  'value',
  'who',
  'word',
]);

/** Values with their user-text arguments marked as such; numbers and the bot's own words pass as they are. */
export function markUserValues<Values extends Record<string, string | number>>(values: Values): Values {
  let marked: Values | undefined;
  for (const name in values) {
    const v = values[name];
    if (typeof v === 'string' && USER_VALUES.has(name)) (marked ??= { ...values })[name as keyof Values] = userText(v) as Values[keyof Values];
  }
  return marked ?? values;
}
