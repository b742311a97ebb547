/**
 * Every user-facing English string of key-expiry reminders, in one place, so that they move into the
 * `en` and `zh-TW` catalogs together.
 */

const list = (days: readonly number[]): string =>
  days.length <= 1 ? String(days[0] ?? '') : `${days.slice(0, -1).join(', ')} and ${days[days.length - 1]}`;

/** The reminder card, sent by DM. */
export const reminderTexts = {
  /** "Your API key `k-1` (ci-bot) expires 2027-01-14 (in 14 days)." */
  body: (keyLabel: string, expiry: string, extendDays: number) =>
    `Your API key ${keyLabel} expires ${expiry}.\n` +
    `**Extend ${extendDays} days** moves it on; **Not now** leaves it as it is. \`/apikey reminders off\` stops these messages.`,
  keyLabel: (keyId: string, name: string | undefined) => (name ? `\`${keyId}\` (${name})` : `\`${keyId}\``),
  extendButton: (days: number) => `Extend ${days} days`,
  notNowButton: 'Not now',
  /** The card after Not now. */
  notNow: 'Not now: the key keeps its expiry; nothing was changed.',
  /** The card's record was closed because the key changed meanwhile: a click says so and runs nothing. */
  voidedByExtension: (keyId: string) => `Key \`${keyId}\` was extended after this reminder was sent; nothing was changed.`,
  voidedByDeletion: (keyId: string) => `Key \`${keyId}\` was deleted after this reminder was sent; there is nothing to extend.`,
};

/** `/apikey reminders [on|off]`. */
export const reminderSettingTexts = {
  state: (on: boolean, days: readonly number[]) =>
    days.length === 0
      ? 'Key-expiry reminders are off for this whole bot (REMINDER_DAYS=off), whatever your own setting.'
      : on
        ? `Your key-expiry reminders are on: a direct message ${list(days)} days before a key expires. \`/apikey reminders off\` turns them off.`
        : 'Your key-expiry reminders are off. `/apikey reminders on` turns them back on.',
  turnedOff: 'Key-expiry reminders turned off: you will get none until `/apikey reminders on`.',
  turnedOn: (days: readonly number[]) =>
    days.length === 0
      ? 'Key-expiry reminders turned on for you, but they are off for this whole bot (REMINDER_DAYS=off).'
      : `Key-expiry reminders turned on: a direct message ${list(days)} days before a key expires.`,
  /** A line under `/tenant members`, for admins. */
  membersOff: (members: readonly string[]) => `Key-expiry reminders are off for: ${members.join(', ')}.`,
};
