import { defineMessages } from '../../core/i18n/messages.js';
import type { Translator as KernelTranslator } from '../../core/i18n/translator.js';
import type { SpecTextIds } from '../../core/i18n/spec-texts.js';
import type { remindersSpec } from './spec.js';

/**
 * What the reminders feature says (`/apikey reminders`), in English and in Taiwanese Mandarin: the same ids and ICU
 * arguments in both (test/core/i18n/catalogs.test.ts). The spec's own English texts come from
 * ./spec.ts; their zh-TW words are here.
 */
export const messages = defineMessages<SpecTextIds<typeof remindersSpec>>()(
  {
    // Key-expiry reminders (src/features/reminders/).
    'reminders.body':
      'Your API key {key} expires {expiry}.\n**Extend {extendDays} days** moves it on; **Not now** leaves it as it is. `/apikey reminders off` stops these messages.',
    'reminders.keyLabel': '`{id}`',
    'reminders.keyLabelNamed': '`{id}` ({name})',
    'reminders.extendButton': 'Extend {days} days',
    'reminders.notNowButton': 'Not now',
    'reminders.notNow': 'Not now: the key keeps its expiry; nothing was changed.',
    'reminders.voidedByExtension': 'Key `{id}` was extended after this reminder was sent; nothing was changed.',
    'reminders.voidedByDeletion': 'Key `{id}` was deleted after this reminder was sent; there is nothing to extend.',
    'reminders.dayList': '{most} and {last}',
    'reminders.offForBot': 'Key-expiry reminders are off for this whole bot (REMINDER_DAYS=off), whatever your own setting.',
    'reminders.stateOn': 'Your key-expiry reminders are on: a direct message {days} days before a key expires. `/apikey reminders off` turns them off.',
    'reminders.stateOff': 'Your key-expiry reminders are off. `/apikey reminders on` turns them back on.',
    'reminders.turnedOff': 'Key-expiry reminders turned off: you will get none until `/apikey reminders on`.',
    'reminders.turnedOnButBotOff': 'Key-expiry reminders turned on for you, but they are off for this whole bot (REMINDER_DAYS=off).',
    'reminders.turnedOn': 'Key-expiry reminders turned on: a direct message {days} days before a key expires.',
  },
  {
    'spec.apikey.reminders.summary': '關閉或開啟你的金鑰到期提醒；不加參數則顯示目前是否開啟',
    'spec.apikey.reminders.arg.state': 'off：不再提醒；on：恢復提醒',
    // 金鑰到期提醒（src/features/reminders/）。
    'reminders.body':
      '你的 API 金鑰 {key} 將於 {expiry}到期。\n按 **展延 {extendDays} 天** 延後到期日；按 **稍後再說** 則維持不變。輸入 `/apikey reminders off` 即可停止這類訊息。',
    'reminders.keyLabel': '`{id}`',
    'reminders.keyLabelNamed': '`{id}`（{name}）',
    'reminders.extendButton': '展延 {days} 天',
    'reminders.notNowButton': '稍後再說',
    'reminders.notNow': '稍後再說：金鑰維持原到期日，沒有任何變更。',
    'reminders.voidedByExtension': '金鑰 `{id}` 在這則提醒送出後已展延，這次沒有任何變更。',
    'reminders.voidedByDeletion': '金鑰 `{id}` 在這則提醒送出後已刪除，沒有可展延的金鑰。',
    'reminders.dayList': '{most}、{last}',
    'reminders.offForBot': '這個機器人已整體關閉金鑰到期提醒（REMINDER_DAYS=off），不論你自己的設定為何。',
    'reminders.stateOn': '你的金鑰到期提醒已開啟：金鑰到期前 {days} 天會以私訊通知你。輸入 `/apikey reminders off` 可關閉。',
    'reminders.stateOff': '你的金鑰到期提醒已關閉。輸入 `/apikey reminders on` 可重新開啟。',
    'reminders.turnedOff': '已關閉金鑰到期提醒：在你輸入 `/apikey reminders on` 之前都不會再收到。',
    'reminders.turnedOnButBotOff': '已為你開啟金鑰到期提醒，但這個機器人已整體關閉提醒（REMINDER_DAYS=off）。',
    'reminders.turnedOn': '已開啟金鑰到期提醒：金鑰到期前 {days} 天會以私訊通知你。',
  },
);

/** The words this feature's code may use: its own and the kernel's. */
export type MessageId = keyof typeof messages.en;
export type Translator = KernelTranslator<MessageId>;
