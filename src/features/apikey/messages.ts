import { defineMessages } from '../../core/i18n/messages.js';
import type { Translator as KernelTranslator } from '../../core/i18n/translator.js';
import type { SpecTextIds } from '../../core/i18n/spec-texts.js';
import type { apikeySpec } from './spec.js';

/**
 * What the apikey feature says (`/apikey`), in English and in Taiwanese Mandarin: the same ids and ICU
 * arguments in both (test/core/i18n/catalogs.test.ts). The spec's own English texts come from
 * ./spec.ts; their zh-TW words are here.
 */
export const messages = defineMessages<SpecTextIds<typeof apikeySpec>>()(
  {
    // /apikey
    'apikey.disabled': '{id} (disabled)',
    'apikey.list.othersForbidden': 'Only a tenant admin may list another member’s keys.',
    'apikey.list.noneYours': 'You have no API keys. `/apikey create` makes one.',
    'apikey.list.noneTheirs': '{member} has no API keys. `/apikey create` makes one.',
    'apikey.list.headYours': 'You have {n, plural, one {# API key} other {# API keys}}:',
    'apikey.list.headTheirs': '{member} has {n, plural, one {# API key} other {# API keys}}:',
    'apikey.column.id': 'id',
    'apikey.column.key': 'key',
    'apikey.column.project': 'project',
    'apikey.column.created': 'created',
    'apikey.column.expires': 'expires',
    'apikey.created': 'New API key `{id}` created. Copy the secret now: it is shown this once, only to you.',
    'apikey.field.project': 'Project',
    'apikey.field.expires': 'Expires',
    'apikey.keyError': '`{id}`: {error}',
    'apikey.extend.limit': 'a key may expire at most {max} {max, plural, one {day} other {days}} from today',
    'apikey.extend.cannotNow': 'Key `{id}` expires {was}: {limit}, so it cannot be extended now. Nothing was changed.',
    'apikey.extend.atMost': 'Key `{id}` expires {was}, and {limit}: the most you can add now is {most} {most, plural, one {day} other {days}}. Nothing was changed.',
    'apikey.extend.applied': 'Key `{id}` now expires {shows} (was {was}).',
    'apikey.extend.notApplied': 'Key `{id}` was not extended: TWCC still shows it expiring {shows}.{twccSaid}',
    'apikey.extend.maybe': 'Key `{id}` may or may not have been extended: TWCC now shows it expiring {shows} (was {was}).{twccSaid} Check with `/apikey list` before trying again.',
    'apikey.delete.keyError': '`{id}`: {error} Nothing was deleted.',
    'apikey.delete.loginWarning':
      ' `{id}` is the key you logged in with: after deleting it the bot needs a new key, so run `/tenant login` with another one.',
    'apikey.delete.ask':
      'Delete {n, plural, one {# API key} other {# API keys}}: {names}? This cannot be undone; anything using {n, plural, one {it} other {them}} stops working.{loginWarning}',
    'apikey.delete.name': '`{id}` ({masked})',
    'apikey.delete.buttonLogin': 'Delete, I will log in again',
    'apikey.delete.button': '{n, plural, one {Delete} other {Delete # keys}}',
    'apikey.delete.loginDialog.title': 'Delete your login key?',
    'apikey.delete.loginDialog.text': '`{id}` is the key the bot uses for you. After this, run `/tenant login` with a new key.',
    'apikey.delete.loginDialog.confirm': 'Delete it',
    'apikey.delete.dialog.title': 'Delete for good?',
    'apikey.delete.dialog.text': '{n, plural, one {# key} other {# keys}} will be deleted. This cannot be undone.',
    'apikey.delete.dialog.confirm': 'Delete',
    'apikey.delete.dialog.deny': 'Keep',
    'apikey.delete.cancelled': 'Cancelled; nothing was deleted.',
    'apikey.delete.relogin': ' It was the key you logged in with: run `/tenant login` with another key.',
    'apikey.delete.deleted': 'Deleted `{id}`.{relogin}',
    'apikey.delete.maybe': '`{id}` may have been deleted: {error}{relogin}',
    'apikey.delete.notDeleted': '`{id}` was not deleted: {error}',
    'apikey.delete.nothing': 'Nothing was deleted.',
  },
  {
    'apikey.disabled': '{id}（已停用）',
    'apikey.list.othersForbidden': '只有租戶管理員可以列出其他成員的金鑰。',
    'apikey.list.noneYours': '你沒有任何 API 金鑰。`/apikey create` 可以建立一把。',
    'apikey.list.noneTheirs': '{member} 沒有任何 API 金鑰。`/apikey create` 可以建立一把。',
    'apikey.list.headYours': '你有 {n} 把 API 金鑰：',
    'apikey.list.headTheirs': '{member} 有 {n} 把 API 金鑰：',
    'apikey.column.id': 'ID',
    'apikey.column.key': '金鑰',
    'apikey.column.project': '專案',
    'apikey.column.created': '建立日期',
    'apikey.column.expires': '到期日',
    'apikey.created': '已建立新的 API 金鑰 `{id}`。請立即複製下面這把金鑰：它只會顯示這一次，而且只有你看得到。',
    'apikey.field.project': '專案',
    'apikey.field.expires': '到期日',
    'apikey.keyError': '`{id}`：{error}',
    'apikey.extend.limit': '金鑰的到期日最多只能在今天起 {max} 天內',
    'apikey.extend.cannotNow': '金鑰 `{id}` 的到期日是 {was}：{limit}，所以現在無法展延。沒有做任何變更。',
    'apikey.extend.atMost': '金鑰 `{id}` 的到期日是 {was}，而{limit}，所以現在最多只能再加 {most} 天。沒有做任何變更。',
    'apikey.extend.applied': '金鑰 `{id}` 的到期日改為 {shows}，原為 {was}。',
    'apikey.extend.notApplied': '金鑰 `{id}` 沒有展延：TWCC 顯示的到期日仍是 {shows}。{twccSaid}',
    'apikey.extend.maybe': '金鑰 `{id}` 可能已展延，也可能沒有：TWCC 目前顯示的到期日是 {shows}，原為 {was}。{twccSaid}再試一次之前，請先用 `/apikey list` 確認。',
    'apikey.delete.keyError': '`{id}`：{error}沒有刪除任何金鑰。',
    'apikey.delete.loginWarning': '`{id}` 是你登入用的金鑰：刪除後機器人需要新的金鑰，請用另一把金鑰執行 `/tenant login`。',
    'apikey.delete.ask': '要刪除 {n} 把 API 金鑰：{names}？刪除後無法復原，使用{n, plural, =1 {它} other {它們}}的服務都會停止運作。{loginWarning}',
    'apikey.delete.name': '`{id}`（{masked}）',
    'apikey.delete.buttonLogin': '刪除，我會重新登入',
    'apikey.delete.button': '{n, plural, =1 {刪除} other {刪除 # 把金鑰}}',
    'apikey.delete.loginDialog.title': '要刪除你的登入金鑰嗎？',
    'apikey.delete.loginDialog.text': '`{id}` 是機器人代你使用的金鑰。刪除後，請用新的金鑰執行 `/tenant login`。',
    'apikey.delete.loginDialog.confirm': '刪除',
    'apikey.delete.dialog.title': '確定要永久刪除嗎？',
    'apikey.delete.dialog.text': '將刪除 {n} 把金鑰，刪除後無法復原。',
    'apikey.delete.dialog.confirm': '刪除',
    'apikey.delete.dialog.deny': '保留',
    'apikey.delete.cancelled': '已取消，沒有刪除任何金鑰。',
    'apikey.delete.relogin': '這是你登入用的金鑰：請用另一把金鑰執行 `/tenant login`。',
    'apikey.delete.deleted': '已刪除 `{id}`。{relogin}',
    'apikey.delete.maybe': '`{id}` 可能已經刪除：{error}{relogin}',
    'apikey.delete.notDeleted': '`{id}` 沒有刪除：{error}',
    'apikey.delete.nothing': '沒有刪除任何金鑰。',
  
    // 指令規格的文字（說明、摘要、參數說明）：用於說明、用法與 Discord 的 description_localizations。
    'spec.apikey.description': '管理你的 TWCC API 金鑰',
    'spec.apikey.list.summary': '列出 API 金鑰（你自己的；管理員可以指定成員）',
    'spec.apikey.list.arg.member': '要看誰的金鑰（限管理員）',
    'spec.apikey.create.summary': '建立新的 API 金鑰；金鑰內容只顯示一次，而且只有你看得到',
    'spec.apikey.extend.summary': '將金鑰的到期日延後指定天數',
    'spec.apikey.extend.arg.key-id': '金鑰 ID，如 /apikey list 所示',
    'spec.apikey.extend.arg.days': '要增加的天數；新的到期日最多在 KEY_MAX_DAYS（預設 365）天內',
    'spec.apikey.delete.summary': '刪除金鑰，需先按按鈕確認',
    'spec.apikey.delete.arg.key-id': '金鑰 ID，以空格或逗號分隔',
    'spec.apikey.help.summary': '顯示你可以用 /apikey 做什麼',
  },
);

/** The words this feature's code may use: its own and the kernel's. */
export type MessageId = keyof typeof messages.en;
export type Translator = KernelTranslator<MessageId>;
