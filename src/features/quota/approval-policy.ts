import type { PendingAction } from '../../core/flows/pending.js';
import { listOf } from '../../core/i18n.js';
import type { Translator } from './messages.js';

const groupOf = (t: Translator, p: PendingAction): string => (p.policy?.group ? t.t('quota.policy.from', { who: p.policy.group }) : '');

/** " It needs 2 approvals from @gpu-owners.": told to the asker when a configured rule asks for more than the default. */
export const approvalNeeds = (t: Translator, p: PendingAction): string =>
  p.policy?.rule ? t.t('quota.needs', { n: p.policy.required, how: groupOf(t, p) }) : '';

/** `/quota pending`'s policy and approvals-so-far cells: "2 approvals from @gpu-owners", "1 of 2: @dave". */
export function policyColumns(t: Translator, p: PendingAction): [string, string] {
  const n = p.policy?.required ?? 1;
  const approvals = p.approvals ?? [];
  const so = approvals.length > 0 ? t.t('quota.pending.approvalsBy', { count: approvals.length, n, by: listOf(t, approvals.map((a) => a.name)) }) : t.t('quota.pending.approvals', { count: 0, n });
  return [t.t('quota.pending.policy', { n, how: groupOf(t, p) }), so];
}
