import { defineMessages } from '../../core/i18n/messages.js';
import type { Translator as KernelTranslator } from '../../core/i18n/translator.js';

/**
 * What the grants feature says (time-bound grants, break-glass), in English and in Taiwanese Mandarin:
 * the same ids and ICU arguments in both (test/core/i18n/catalogs.test.ts). The quota feature's cards
 * and replies use the `grants.card.*`, `grants.breakGlass*` and term ids (src/features/quota/terms.ts).
 */
export const messages = defineMessages()(
  {
    // The terms on a quota change (src/features/quota/terms.ts).
    'grants.badDuration': '`for {text}` is not a duration: write a number and a unit (s, m, h, d) of at least 5s, e.g. `for 48h`. Nothing was requested.',
    'grants.nowOnlyRequest': '`now` (break-glass) is for `/quota request` only. Nothing was requested.',
    'grants.notBreakGlass':
      '`now` (break-glass) is only for the members BREAK_GLASS lists. Nothing was requested; write the reason without `now` to ask the tenant admins as usual.',
    'grants.breakGlassNoWrite':
      'Break-glass cannot work here: this bot cannot change quotas (TWCC_QUOTA_WRITE=off). Nothing was requested; ask without `now`.',
    'grants.card.for': 'For {wait}: the previous values come back when it ends.',
    'grants.card.extends': 'Asks to keep grant `{id}` for another {wait}.',
    'grants.card.breakGlass': '🚨 **BREAK-GLASS: already applied.** Approve to keep it; rejected, or not approved before this request expires, it is reverted.',
    'grants.breakGlassBy': '{name} (break-glass)',
    'grants.breakGlassDone':
      'Applied now (break-glass).{note} The tenant admins review it as request `{id}`; rejected, or not approved by {date}, it is reverted.',
    'grants.breakGlassDoneUnposted':
      'Applied now (break-glass).{note} But its review card could not be posted to the approvals channel; tell a tenant admin about request `{id}` (`/quota pending`): not approved by {date}, it is reverted.',
    'grants.breakGlassFailed': 'Break-glass: {note}',
    // The DM before a grant ends, and its buttons.
    'grants.endingSoon':
      'Your {service} grant ({change}) ends {date}; then the previous values come back. **Ask to extend** asks the tenant admins for another {wait}; **Return now** gives it back now.',
    'grants.extendButton': 'Ask to extend',
    'grants.returnButton': 'Return now',
    'grants.notActive': 'Grant `{id}` has already ended; nothing was changed.',
    'grants.extendAsked': 'Asked the tenant admins to keep grant `{id}` for another {wait} (request `{summary}`). You will hear the decision privately.',
    'grants.extendUnposted': 'Request `{summary}` was made, but its card could not be posted to the approvals channel; tell a tenant admin (`/quota pending`).',
    // Reverts.
    'grants.why': '{why, select, ended {its time is up} returned {given back} review {break-glass not approved} other {ended}}',
    'grants.reverted': 'Your {service} grant `{id}` ended ({why}): restored {change}.',
    'grants.revertedAndLeft': 'Your {service} grant `{id}` ended ({why}): restored {change}; left alone, because an admin changed them since: {same}.',
    'grants.leftAll': 'Your {service} grant `{id}` ended ({why}); nothing was restored: an admin changed {same} since, so those stay.',
    'grants.revertedChannel': '{service} grant `{id}` for {target} ended ({why}): restored {change}.{note}',
    'grants.leftChannel': ' Left alone (changed since): {same}.',
    'grants.revertFailed':
      '⚠️ Could not restore {service} grant `{id}` for {target} ({why}): {note} The bot tries again at its next sweep; until then {change} stays.',
    'grants.revertPortal':
      '⚠️ {service} grant `{id}` for {target} ended ({why}), but this bot cannot change quotas (TWCC_QUOTA_WRITE=off): a tenant admin should set {change} on [the portal’s Quota page](https://www.twcc.ai/). The bot reads TWCC and says here when it shows them.',
    'grants.stillShows': 'the backend still shows {values}.',
    'grants.reviewExpired': 'Expired before anyone decided. {note}',
    'grants.busy': 'Grant `{id}` is being ended right now; you will hear how it went.',
    'grants.nothingChanged': 'Nothing was changed.',
    'grants.portal.waiting':
      'Approved by {by}; waiting for the portal: a tenant admin ({by}, or another) should set {target}’s {service} quota to {values} on [the portal’s Quota page](https://www.twcc.ai/) (this bot cannot change TWCC quotas). The bot reads TWCC and says here when it shows them.',
    'grants.portal.applied': '✅ {service} quota request `{id}` for {target}: applied on the portal; TWCC now shows {values}.',
    'grants.portal.appliedDm': 'Your {service} quota request `{id}` was applied on the portal: TWCC now shows {values}.',
    'grants.portal.confirmed': '✅ {service} quota request `{id}` for {target}: applied after all; TWCC now shows {values}.',
    'grants.portal.confirmedDm': 'Your {service} quota request `{id}` was applied after all: TWCC now shows {values}.',
    'grants.portal.remind':
      '⏰ {service} quota request `{id}` for {target}, approved by {by} {age} ago, is still not applied on the portal: a tenant admin should set {values} on [the portal’s Quota page](https://www.twcc.ai/).',
    'grants.portal.restored': '✅ {service} grant `{id}` for {target}: restored on the portal; TWCC now shows {values}.',
    'grants.portal.restoredDm': 'Your {service} grant `{id}` has ended: the portal now shows {values}.',
  },
  {
    'grants.badDuration': '`for {text}` 不是一段時間：請寫數字加單位（s、m、h、d），至少 5s，例如 `for 48h`。沒有送出申請。',
    'grants.nowOnlyRequest': '`now`（緊急授權）只能用在 `/quota request`。沒有送出申請。',
    'grants.notBreakGlass': '`now`（緊急授權）只限 BREAK_GLASS 列出的成員使用。沒有送出申請；理由前不加 `now`，即可照常向租戶管理員申請。',
    'grants.breakGlassNoWrite': '這裡無法使用緊急授權：這個機器人無法變更配額（TWCC_QUOTA_WRITE=off）。沒有送出申請；請不加 `now` 申請。',
    'grants.card.for': '期限 {wait}：到期後恢復原本的數值。',
    'grants.card.extends': '申請將授權 `{id}` 再延長 {wait}。',
    'grants.card.breakGlass': '🚨 **緊急授權：已經套用。** 核准即保留；若被駁回，或在這個申請到期前沒有人核准，就會還原。',
    'grants.breakGlassBy': '{name}（緊急授權）',
    'grants.breakGlassDone': '已立即套用（緊急授權）。{note}租戶管理員會以申請 `{id}` 審核；若被駁回，或在 {date}前沒有核准，就會還原。',
    'grants.breakGlassDoneUnposted':
      '已立即套用（緊急授權）。{note}但審核卡片無法張貼到核准頻道；請告知租戶管理員申請 `{id}`（`/quota pending`）：在 {date}前沒有核准就會還原。',
    'grants.breakGlassFailed': '緊急授權：{note}',
    'grants.endingSoon':
      '你的 {service} 授權（{change}）將於 {date}結束，屆時恢復原本的數值。**申請延長** 向租戶管理員申請再延長 {wait}；**立即歸還** 現在就歸還。',
    'grants.extendButton': '申請延長',
    'grants.returnButton': '立即歸還',
    'grants.notActive': '授權 `{id}` 已經結束；沒有做任何變更。',
    'grants.extendAsked': '已請租戶管理員將授權 `{id}` 再延長 {wait}（申請 `{summary}`）。你會私下收到決定。',
    'grants.extendUnposted': '已建立申請 `{summary}`，但卡片無法張貼到核准頻道；請告知租戶管理員（`/quota pending`）。',
    'grants.why': '{why, select, ended {期限已到} returned {已歸還} review {緊急授權未獲核准} other {已結束}}',
    'grants.reverted': '你的 {service} 授權 `{id}` 已結束（{why}）：已恢復 {change}。',
    'grants.revertedAndLeft': '你的 {service} 授權 `{id}` 已結束（{why}）：已恢復 {change}；以下項目在此期間已由管理員變更，維持不動：{same}。',
    'grants.leftAll': '你的 {service} 授權 `{id}` 已結束（{why}）；沒有恢復任何項目：{same} 在此期間已由管理員變更，維持不動。',
    'grants.revertedChannel': '{target} 的 {service} 授權 `{id}` 已結束（{why}）：已恢復 {change}。{note}',
    'grants.leftChannel': '維持不動（期間已變更）：{same}。',
    'grants.revertFailed': '⚠️ 無法還原 {target} 的 {service} 授權 `{id}`（{why}）：{note}機器人會在下次排程時再試；在那之前 {change} 維持不變。',
    'grants.revertPortal':
      '⚠️ {target} 的 {service} 授權 `{id}` 已結束（{why}），但這個機器人無法變更配額（TWCC_QUOTA_WRITE=off）：請租戶管理員到[入口網站的「配額」頁面](https://www.twcc.ai/)設定 {change}。TWCC 顯示新數值時，機器人會在這裡通知。',
    'grants.stillShows': '後端仍顯示 {values}。',
    'grants.reviewExpired': '在有人決定之前就已過期。{note}',
    'grants.busy': '授權 `{id}` 正在結束中；完成後會通知你。',
    'grants.nothingChanged': '沒有做任何變更。',
    'grants.portal.waiting':
      '已由 {by} 核准，等待入口網站套用：請租戶管理員（{by} 或其他人）到[入口網站的「配額」頁面](https://www.twcc.ai/)將 {target} 的 {service} 配額設為 {values}（這個機器人無法變更 TWCC 配額）。TWCC 顯示新數值時，機器人會在這裡通知。',
    'grants.portal.applied': '✅ {target} 的 {service} 配額申請 `{id}`：已在入口網站套用；TWCC 目前顯示 {values}。',
    'grants.portal.appliedDm': '你的 {service} 配額申請 `{id}` 已在入口網站套用：TWCC 目前顯示 {values}。',
    'grants.portal.confirmed': '✅ {target} 的 {service} 配額申請 `{id}`：確認已經套用；TWCC 目前顯示 {values}。',
    'grants.portal.confirmedDm': '你的 {service} 配額申請 `{id}` 確認已經套用：TWCC 目前顯示 {values}。',
    'grants.portal.remind':
      '⏰ {target} 的 {service} 配額申請 `{id}` 已由 {by} 於 {age} 前核准，但仍未在入口網站套用：請租戶管理員到[入口網站的「配額」頁面](https://www.twcc.ai/)設定 {values}。',
    'grants.portal.restored': '✅ {target} 的 {service} 授權 `{id}`：已在入口網站恢復；TWCC 目前顯示 {values}。',
    'grants.portal.restoredDm': '你的 {service} 授權 `{id}` 已結束：入口網站目前顯示 {values}。',
  },
);

export type MessageId = keyof typeof messages.en;
export type Translator = KernelTranslator<MessageId>;
