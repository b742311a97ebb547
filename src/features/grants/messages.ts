import { defineMessages } from '../../core/i18n/messages.js';
import type { Translator as KernelTranslator } from '../../core/i18n/translator.js';

/**
 * What the grants feature says (time-bound grants, break-glass), in English and in Taiwanese Mandarin:
 * the same ids and ICU arguments in both (test/core/i18n/catalogs.test.ts). What the quota feature says
 * of grants (the `for` and `now` terms, break-glass, the portal hand-off) is in its own catalog.
 */
export const messages = defineMessages()(
  {
    // The terms on a quota change (src/features/quota/terms.ts).
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
