import { z } from 'zod';
import { QuotaValues, Service, type Resources } from '../../backends/port.js';
import { auditBase } from '../../core/audit.js';
import { approvalFlow, type ApprovalAction } from '../../core/flows/actions.js';
import type { PendingAction } from '../../core/flows/pending.js';
import { describeError, listOf } from '../../core/i18n.js';
import { formatCount, formatMemory } from '../../core/units.js';
import type { MessageId, Translator } from './messages.js';

/** Quotas as the backend reported them when the change was asked: a negative one is unlimited (TWCC's -1). */
const ReportedQuotas = z.object({ cpu: z.number().optional(), gpu: z.number().optional(), memory: z.number().optional() });

export const QuotaChangeArgs = z.object({
  /** `set`: an admin changes a member's quota; `request`: a member asks for their own. */
  kind: z.enum(['set', 'request']),
  target: z.string(),
  /** How the target was named (`@alice`), for the card. */
  targetLabel: z.string(),
  service: Service,
  current: ReportedQuotas,
  requested: QuotaValues,
  reason: z.string().optional(),
});
export type QuotaChangeArgs = z.infer<typeof QuotaChangeArgs>;

/** A quota as people read it: memory in M or G, a negative quota as "unlimited". */
export const formatQuotaValue = (t: Translator, resource: keyof QuotaValues, v: number): string =>
  resource === 'memory' ? formatMemory(v, t) : formatCount(v, t);

/** Whether `want` lowers the quota `was` (a negative quota is unlimited: any number is less). */
export const lowersQuota = (was: number, want: number): boolean => was < 0 || want < was;

export function formatQuotaChange(t: Translator, a: Pick<QuotaChangeArgs, 'current' | 'requested'>): string {
  const parts: string[] = [];
  for (const k of ['cpu', 'gpu', 'memory'] as const) {
    const want = a.requested[k];
    if (want === undefined) continue;
    const was = a.current[k];
    // Only `/quota set` may lower a quota; the card says so, so that nobody approves it as "more".
    parts.push(
      t.t(was !== undefined && lowersQuota(was, want) ? 'quota.change.itemDecrease' : 'quota.change.item', {
        resource: k,
        was: was === undefined ? '?' : formatQuotaValue(t, k, was),
        want: formatQuotaValue(t, k, want),
      }),
    );
  }
  return listOf(t, parts);
}

/** "cpu 16, gpu 2, memory 64G": the quotas a backend shows. */
function formatQuotas(t: Translator, r: Resources): string {
  return t.t('quota.values', { cpu: formatCount(r.cpu.quota, t), gpu: formatCount(r.gpu.quota, t), memory: formatMemory(r.memory.quota, t) });
}

function describe(t: Translator, p: PendingAction, a: QuotaChangeArgs): string {
  const who = p.requester.name ? `@${p.requester.name}` : p.requesterMember;
  const service = a.service.toUpperCase();
  const head = a.kind === 'set' ? t.t('quota.card.headSet', { who, target: a.targetLabel, service }) : t.t('quota.card.headRequest', { who, service });
  return [
    t.t('quota.card.body', { head, change: formatQuotaChange(t, a) }),
    a.reason ? t.t('quota.card.reason', { reason: a.reason }) : '',
    t.t('quota.card.footer', { id: p.id, expires: t.dateTime(p.expiresAt) }),
  ]
    .filter(Boolean)
    .join('\n');
}

/** `/quota set` and `/quota request`: a second admin's approval applies the change through the backend. */
export const quotaChangeAction: ApprovalAction<QuotaChangeArgs, MessageId> = {
  flow: 'approval',
  args: QuotaChangeArgs,
  auditPrefix: 'quota',
  auditTarget: (a) => `${a.target}/${a.service}`,
  describe,
  summary: (t, p, a) => t.t('quota.summary', { service: a.service.toUpperCase(), id: p.id, change: formatQuotaChange(t, a) }),
  async execute({ services, actor, user, where, args, t }, by) {
    const base = auditBase(user, where, actor);
    const target = quotaChangeAction.auditTarget(args);
    if (!services.backend.capabilities.quotaWrite) {
      await services.audit.append({ ...base, action: 'quota.approved', target, outcome: 'ok', detail: 'apply on portal' });
      return { status: 'approved', note: t.t('quota.note.portal', { by }) };
    }
    await services.audit.append({ ...base, action: 'quota.approved', target, outcome: 'ok' });
    const applied = await services.changing(services.backend.setQuota(actor, args.target, args.service, args.requested));
    if (!applied.ok) {
      // maybe_applied: sent, but the answer was lost or late; never "not applied".
      const maybe = applied.code === 'maybe_applied';
      await services.audit.append({ ...base, action: 'quota.applied', target, outcome: maybe ? 'unknown' : 'failed', detail: applied.code });
      const why = describeError(t, applied.code, applied.detail);
      return maybe ? { status: 'approved', note: t.t('quota.note.maybe', { by, why }) } : { status: 'failed', note: t.t('quota.note.failed', { by, why }) };
    }
    // The backend read the quota back: the card says only what it shows.
    const { verdict, shown, answer } = applied.value;
    const audited = verdict === 'applied' ? 'ok' : verdict === 'not_applied' ? 'failed' : 'unknown';
    await services.audit.append({ ...base, action: 'quota.applied', target, outcome: audited, detail: `${verdict} ${JSON.stringify(args.requested)}` });
    if (verdict === 'applied') return { status: 'applied', note: t.t('quota.note.applied', { by }) };
    const shows = shown ? t.t('quota.note.shows', { values: formatQuotas(t, shown) }) : t.t('quota.note.unreadable');
    const twccSaid = answer ? t.t('core.twccSaid', { answer }) : '';
    if (verdict === 'not_applied') return { status: 'failed', note: t.t('quota.note.notApplied', { by, shows, twccSaid }) };
    return { status: 'approved', note: t.t('quota.note.unconfirmed', { by, shows, twccSaid }) };
  },
};

/** The one flow both `/quota set` and `/quota request` start. */
export const quotaChangeFlow = approvalFlow(quotaChangeAction);

/** The flow actions of quota changes, as stored on their pending records. */
export const isQuotaChange = (action: string): action is 'quota.set' | 'quota.request' => action === 'quota.set' || action === 'quota.request';
