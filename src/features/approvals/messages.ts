import { defineMessages } from '../../core/i18n/messages.js';
import type { Translator as KernelTranslator } from '../../core/i18n/translator.js';

/**
 * What the approval sweep says (src/features/approvals/sweep.ts): reminders under a waiting request's
 * card and the escalated copy, in English and in Taiwanese Mandarin.
 */
export const messages = defineMessages()(
  {
    'approvals.reminder': 'Still waiting for a decision after {age}: {summary}. {who} may approve or reject it; it expires {expires}.',
    'approvals.anyAdmin': 'Any tenant admin other than {by}',
    'approvals.groupMembers': '{by} (@{what})',
    'approvals.escalated': '**Escalated:** this request has waited {age} with no decision. A decision here or in the approvals channel decides both.',
  },
  {
    'approvals.reminder': '等待決定已經 {age}：{summary}。{who} 可以核准或駁回；到期時間：{expires}。',
    'approvals.anyAdmin': '除了 {by} 以外的任何租戶管理員',
    'approvals.groupMembers': '{by}（@{what}）',
    'approvals.escalated': '**已升級處理：**這項申請已經等待 {age}，仍沒有人決定。在這裡或在核准頻道做的決定，兩邊都會生效。',
  },
);

export type MessageId = keyof typeof messages.en;
export type Translator = KernelTranslator<MessageId>;
