import { z } from 'zod';
import type { ConfirmAction } from '../../core/flows/actions.js';
import { approvalCard } from '../../core/flows/cards.js';
import { cardTranslator, encodeAction, type PendingAction } from '../../core/flows/pending.js';
import { auditBase } from '../../core/audit.js';
import { reply, text, type Reply } from '../../core/reply.js';
import { quotaChangeFlow, type QuotaChangeArgs } from '../quota/quota-change.js';
import { policyFor } from '../approvals/policy.js';
import type { ApprovalSettings } from '../approvals/settings.js';
import { formatDuration } from '../quota/terms.js';
import { Grants, type Grant } from './grant-store.js';
import type { MessageId, Translator } from './messages.js';
import { listValues } from './common.js';
import { revertGrant } from './revert.js';

export const GrantRef = z.object({ grantId: z.string() });
export type GrantRef = z.infer<typeof GrantRef>;

/** **Return now**: the grant ends at once, by the same revert as at its end. */
export const returnAction: ConfirmAction<GrantRef, MessageId> = {
  flow: 'confirm',
  args: GrantRef,
  cancelled: (t) => t.t('grants.nothingChanged'),
  async execute({ services, user, args, t }) {
    const r = await revertGrant(services, args.grantId, 'returned', `${user.platform}:${user.userId}`);
    if (r.kind === 'gone') return t.t('grants.notActive', { id: args.grantId });
    if (r.kind === 'busy') return t.t('grants.busy', { id: args.grantId });
    return r.note;
  },
};

/**
 * **Ask to extend**: a new request for the same values, for the same duration again, to the tenant admins,
 * under APPROVAL_POLICY and APPROVAL_TTL like any request (src/features/quota/commands.ts); its card is
 * kept, so that it is edited when decided or expired, and reminded and escalated like any.
 */
export const extendAction = (approvals: ApprovalSettings): ConfirmAction<GrantRef, MessageId> => ({
  flow: 'confirm',
  args: GrantRef,
  cancelled: (t) => t.t('grants.nothingChanged'),
  async execute({ services, user, actor, args, t }) {
    const g = await new Grants(services.store, services.now).get(args.grantId);
    if (!g || g.status !== 'active' || !g.forMs) return t.t('grants.notActive', { id: args.grantId });
    const change: QuotaChangeArgs = {
      kind: 'request',
      target: g.member,
      targetLabel: g.targetLabel,
      service: g.service,
      current: g.previous,
      requested: g.granted as QuotaChangeArgs['requested'],
      forMs: g.forMs,
      extendsGrant: g.id,
    };
    const policy = policyFor(approvals.rules, approvals.groups, { ...change, project: services.project.code });
    const asked = { flow: 'approval' as const, action: 'quota.request', requester: user, requesterMember: actor.memberId, where: g.where, args: change, locale: t.locale, policy };
    const pending = await services.pending.create(asked, { waitMs: approvals.ttlMs });
    await services.audit.append({ ...auditBase(user, g.where, actor), action: 'quota.requested', target: `${g.member}/${g.service}`, ref: pending.id, outcome: 'ok', detail: `extend ${g.id} ${JSON.stringify(g.granted)}` });
    const card = approvalCard(cardTranslator(services, pending), pending, quotaChangeFlow);
    const { posted, ref } = await services.postMessage({ kind: 'approvals', platform: g.requester.platform, origin: g.where }, card);
    if (ref) await services.pending.addCard(pending, ref);
    if (!posted) return t.t('grants.extendUnposted', { summary: pending.id });
    return t.t('grants.extendAsked', { id: g.id, wait: formatDuration(g.forMs), summary: pending.id });
  },
});

/** The DM before a grant ends: when it ends, **Ask to extend** and **Return now** (each its own confirmation record). */
export function endingCard(t: Translator, g: Grant, extend: PendingAction, back: PendingAction): Reply {
  return reply(
    [
      text(t.t('grants.endingSoon', { service: g.service.toUpperCase(), change: listValues(t, g.granted), date: t.dateTime(g.endsAt!), wait: formatDuration(g.forMs!) })),
      {
        type: 'buttons',
        buttons: [
          { id: encodeAction({ flow: 'confirm', id: extend.id, choice: 'ok' }), label: t.t('grants.extendButton'), style: 'primary' },
          { id: encodeAction({ flow: 'confirm', id: back.id, choice: 'ok' }), label: t.t('grants.returnButton'), style: 'default' },
        ],
      },
    ],
    'dm',
  );
}
