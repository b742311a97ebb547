import { z } from 'zod';
import { QuotaValues, Service, type Resources } from '../../backends/port.js';
import { auditBase } from '../../core/audit.js';
import { approvalFlow, type ApprovalAction } from '../../core/flows/actions.js';
import type { PendingAction } from '../../core/flows/pending.js';
import { describeError, listOf } from '../../core/i18n.js';
import { withLock } from '../../store/lock.js';
import type { Services } from '../../core/feature.js';
import { reply } from '../../core/reply.js';
import { formatCount, formatMemory } from '../../core/units.js';
import type { MessageId, Translator } from './messages.js';
import { GrantTerms, portalNote, termsLine, valuesIn } from './terms.js';

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
  // Time-bound grants and break-glass (src/features/grants/).
  ...GrantTerms.shape,
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
    termsLine(t, a),
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
  async execute({ services, actor, user, where, args, t, pending }, by) {
    const base = { ...auditBase(user, where, actor), ref: pending.id };
    const target = quotaChangeAction.auditTarget(args);
    if (!services.backend.capabilities.quotaWrite) {
      await services.audit.append({ ...base, action: 'quota.approved', target, outcome: 'ok', detail: 'apply on portal' });
      // The grants feature reads the quota back until TWCC shows it (src/features/grants/portal.ts).
      await services.publish({ type: 'quota.awaiting_portal', requestId: pending.id, member: args.target, service: args.service, values: args.requested, by: actor });
      return { status: 'approved', note: portalNote(t, args, by) };
    }
    await services.audit.append({ ...base, action: 'quota.approved', target, outcome: 'ok' });
    // Under the member's lock, on every backend (two approvals for one member must not overlap: TWCC
    // writes the whole triple), with the quota read again: only what still differs is written.
    return withLock(services.store, `quota-apply:${args.service}:${args.target}`, () => apply({ services, actor, args, t, pending }, by, base, target), APPLY_LOCK);
  },
};

/** Held while the backend writes and reads back (TWCC may take 30 s); renewed meanwhile, waited for a minute. */
export const APPLY_LOCK = { ttlMs: 15_000, waitMs: 60_000 };

type ApplyContext = Pick<Parameters<typeof quotaChangeAction.execute>[0], 'services' | 'actor' | 'args' | 't' | 'pending'>;
type Decided = Awaited<ReturnType<typeof quotaChangeAction.execute>>;

/**
 * What `requested` would change of the quota `now`: the resources that differ (and those already so), or
 * the first resource a request would lower (a request asks for more). Asked when a change is asked for
 * (commands.ts words it) and again under the apply lock (another approval may have changed it since).
 */
export type QuotaDelta =
  | { ok: true; values: QuotaValues; same: { resource: keyof QuotaValues; value: number }[] }
  | { ok: false; resource: keyof QuotaValues; was: number; want: number };

export function quotaDelta(kind: QuotaChangeArgs['kind'], requested: QuotaValues, now: Partial<Record<keyof QuotaValues, number>>): QuotaDelta {
  const values: QuotaValues = {};
  const same: { resource: keyof QuotaValues; value: number }[] = [];
  for (const r of ['cpu', 'gpu', 'memory'] as const) {
    const want = requested[r];
    const was = now[r];
    if (want === undefined) continue;
    if (want === was) {
      same.push({ resource: r, value: want });
      continue;
    }
    if (kind === 'request' && was !== undefined && lowersQuota(was, want)) return { ok: false, resource: r, was, want };
    values[r] = want;
  }
  return { ok: true, values, same };
}

type AuditBase = ReturnType<typeof auditBase> & { ref?: string };

export async function apply(
  { services, actor, args, t, pending }: ApplyContext,
  by: string,
  base: AuditBase,
  target: string,
): Promise<Decided> {
  const read = await services.backend.getQuotas(actor, args.service, args.target);
  const row = read.ok ? read.value.members.find((m) => m.member.id === args.target) : undefined;
  if (!read.ok || !row) {
    const code = read.ok ? 'member_not_found' : read.code;
    await services.audit.append({ ...base, action: 'quota.applied', target, outcome: 'failed', detail: code });
    return { status: 'failed', note: t.t('quota.note.failed', { by, why: describeError(t, code, read.ok ? undefined : read.detail) }) };
  }
  const now = { cpu: row.resources.cpu.quota, gpu: row.resources.gpu.quota, memory: row.resources.memory.quota };
  const todo = quotaDelta(args.kind, args.requested, now);
  if (!todo.ok) {
    const { resource, was, want } = todo;
    await services.audit.append({ ...base, action: 'quota.applied', target, outcome: 'failed', detail: `no longer an increase: ${resource} is ${was}, the request asks ${want}` });
    return {
      status: 'failed',
      note: t.t('quota.note.noLongerMore', { by, resource, now: formatQuotaValue(t, resource, was), want: formatQuotaValue(t, resource, want) }),
    };
  }
  if (Object.keys(todo.values).length === 0) {
    await services.audit.append({ ...base, action: 'quota.applied', target, outcome: 'ok', detail: `already ${JSON.stringify(args.requested)}` });
    // Already in place (an earlier click applied it and then failed to record the decision): applied.
    await services.publish({ type: 'quota.applied', requestId: pending.id, member: args.target, service: args.service, before: {}, applied: {}, verdict: 'applied', by: actor });
    return { status: 'applied', note: t.t('quota.note.applied', { by }) };
  }
  const applied = await services.changing(services.backend.setQuota(actor, args.target, args.service, todo.values));
  if (!applied.ok) {
    // maybe_applied: sent, but the answer was lost or late; never "not applied".
    const maybe = applied.code === 'maybe_applied';
    if (maybe) await services.publish({ type: 'quota.applied', requestId: pending.id, member: args.target, service: args.service, before: valuesIn(now, todo.values), applied: todo.values, verdict: 'unknown', by: actor });
    await services.audit.append({ ...base, action: 'quota.applied', target, outcome: maybe ? 'unknown' : 'failed', detail: applied.code });
    const why = describeError(t, applied.code, applied.detail);
    return maybe ? { status: 'approved', note: t.t('quota.note.maybe', { by, why }) } : { status: 'failed', note: t.t('quota.note.failed', { by, why }) };
  }
  // The backend read the quota back: the card says only what it shows.
  const { verdict, shown, answer } = applied.value;
  const audited = verdict === 'applied' ? 'ok' : verdict === 'not_applied' ? 'failed' : 'unknown';
  await services.audit.append({ ...base, action: 'quota.applied', target, outcome: audited, detail: `${verdict} ${JSON.stringify(todo.values)}` });
  if (verdict !== 'not_applied') {
    const applied = { type: 'quota.applied', requestId: pending.id, member: args.target, service: args.service, verdict: verdict === 'applied' ? 'applied' : 'unknown', by: actor } as const;
    await services.publish({ ...applied, before: valuesIn(now, todo.values), applied: todo.values });
  }
  // An admin changed a member's quota: the member hears of it (lowered or raised), in their own words.
  if (args.kind === 'set' && verdict !== 'not_applied') await tellMember(services, args, by);
  if (verdict === 'applied') return { status: 'applied', note: t.t('quota.note.applied', { by }) };
  const shows = shown ? t.t('quota.note.shows', { values: formatQuotas(t, shown) }) : t.t('quota.note.unreadable');
  const twccSaid = answer ? t.t('core.twccSaid', { answer }) : '';
  if (verdict === 'not_applied') return { status: 'failed', note: t.t('quota.note.notApplied', { by, shows, twccSaid }) };
  return { status: 'approved', note: t.t('quota.note.unconfirmed', { by, shows, twccSaid }) };
}

/** The one flow both `/quota set` and `/quota request` start. */
export const quotaChangeFlow = approvalFlow(quotaChangeAction);

/** The flow actions of quota changes, as stored on their pending records. */
export const isQuotaChange = (action: string): action is 'quota.set' | 'quota.request' => action === 'quota.set' || action === 'quota.request';

/** A private notice to each chat identity of the member whose quota `/quota set` changed. */
async function tellMember(services: Services, args: QuotaChangeArgs, by: string): Promise<void> {
  for (const user of await services.identity.chatUsersOf(args.target)) {
    const t: Translator = await services.locales.translatorFor(user, undefined, { memberId: args.target });
    await services.post({ kind: 'dm', user }, reply(t.t('quota.changedNotice', { service: args.service.toUpperCase(), by, change: formatQuotaChange(t, args) }), 'dm'));
  }
}
