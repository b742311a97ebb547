import { z } from 'zod';
import { QuotaValues, Service, type Resources } from '../../backends/port.js';
import { auditBase } from '../audit.js';
import { describeError } from '../i18n.js';
import type { PendingAction } from './pending.js';
import { formatCount, formatMemory } from '../units.js';
import type { ApprovalAction } from './registry.js';

export const QuotaChangeArgs = z.object({
  /** `set`: an admin changes a member's quota; `request`: a member asks for their own. */
  kind: z.enum(['set', 'request']),
  target: z.string(),
  /** How the target was named (`@alice`), for the card. */
  targetLabel: z.string(),
  service: Service,
  current: QuotaValues,
  requested: QuotaValues,
  reason: z.string().optional(),
});
export type QuotaChangeArgs = z.infer<typeof QuotaChangeArgs>;

export function formatQuotaChange(a: Pick<QuotaChangeArgs, 'current' | 'requested'>): string {
  const parts: string[] = [];
  for (const k of ['cpu', 'gpu', 'memory'] as const) {
    const want = a.requested[k];
    if (want === undefined) continue;
    const fmt = k === 'memory' ? formatMemory : String;
    const was = a.current[k];
    // Only `/quota set` may lower a quota; the card says so, so that nobody approves it as "more".
    const lower = was !== undefined && (was < 0 || want < was);
    parts.push(`${k} ${was === undefined ? '?' : fmt(was)} → ${fmt(want)}${lower ? ' (decrease)' : ''}`);
  }
  return parts.join(', ');
}

/** "cpu 16, gpu 2, memory 64G": the quotas a backend shows. */
function formatQuotas(r: Resources): string {
  return `cpu ${formatCount(r.cpu.quota)}, gpu ${formatCount(r.gpu.quota)}, memory ${formatMemory(r.memory.quota)}`;
}

function describe(p: PendingAction, a: QuotaChangeArgs): string {
  const who = p.requester.name ? `@${p.requester.name}` : p.requesterMember;
  const svc = a.service.toUpperCase();
  const head = a.kind === 'set' ? `${who} asks to set ${a.targetLabel}’s ${svc} quota` : `${who} asks for more ${svc} quota`;
  const expires = new Date(p.expiresAt).toISOString().slice(0, 16).replace('T', ' ');
  return [`${head}: ${formatQuotaChange(a)}.`, a.reason ? `Reason: ${a.reason}` : '', `Request \`${p.id}\`, expires ${expires} UTC.`].filter(Boolean).join('\n');
}

/** `/quota set` and `/quota request`: a second admin's approval applies the change through the backend. */
export const quotaChangeAction: ApprovalAction<QuotaChangeArgs> = {
  flow: 'approval',
  args: QuotaChangeArgs,
  auditPrefix: 'quota',
  auditTarget: (a) => `${a.target}/${a.service}`,
  describe,
  summary: (p, a) => `${a.service.toUpperCase()} quota request \`${p.id}\` (${formatQuotaChange(a)})`,
  async execute({ services, actor, user, where, args }, by) {
    const base = auditBase(user, where, actor);
    const target = quotaChangeAction.auditTarget(args);
    if (!services.backend.capabilities.quotaWrite) {
      await services.audit.append({ ...base, action: 'quota.approved', target, outcome: 'ok', detail: 'apply on portal' });
      return { status: 'approved', note: `Approved by ${by}: apply it on the portal’s Quota page (this bot cannot change TWCC quotas).` };
    }
    await services.audit.append({ ...base, action: 'quota.approved', target, outcome: 'ok' });
    const applied = await services.backend.setQuota(actor, args.target, args.service, args.requested);
    if (!applied.ok) {
      // maybe_applied: sent, but the answer was lost or late; never "not applied".
      const maybe = applied.code === 'maybe_applied';
      await services.audit.append({ ...base, action: 'quota.applied', target, outcome: maybe ? 'unknown' : 'failed', detail: applied.code });
      const why = describeError(applied.code, applied.detail);
      return maybe ? { status: 'approved', note: `Approved by ${by}; ${why}` } : { status: 'failed', note: `Approved by ${by}, but not applied: ${why}` };
    }
    // The backend read the quota back: the card says only what it shows.
    const { verdict, shown, answer } = applied.value;
    const audited = verdict === 'applied' ? 'ok' : verdict === 'not_applied' ? 'failed' : 'unknown';
    await services.audit.append({ ...base, action: 'quota.applied', target, outcome: audited, detail: `${verdict} ${JSON.stringify(args.requested)}` });
    if (verdict === 'applied') return { status: 'applied', note: `Approved by ${by} and applied.` };
    const shows = shown ? `TWCC now shows ${formatQuotas(shown)}` : 'TWCC’s quota could not be read back';
    const twccSaid = answer ? ` (TWCC answered: ${answer})` : '';
    if (verdict === 'not_applied') {
      return { status: 'failed', note: `Approved by ${by}, but not applied: ${shows}.${twccSaid} Apply it on the portal’s Quota page.` };
    }
    return { status: 'approved', note: `Approved by ${by}; it may have been applied, but this is not confirmed: ${shows}.${twccSaid} Check with \`/quota show\`.` };
  },
};
