import { z } from 'zod';
import type { ConfirmAction } from '../../core/flows/actions.js';
import { approvalCard } from '../../core/flows/cards.js';
import { cardTranslator, encodeAction, type PendingAction } from '../../core/flows/pending.js';
import { auditBase } from '../../core/audit.js';
import { reply, text, type Reply } from '../../core/reply.js';
import { quotaChangeFlow, type QuotaChangeArgs } from '../quota/quota-change.js';
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

/** **Ask to extend**: a new request for the same values, for the same duration again, to the tenant admins. */
export const extendAction: ConfirmAction<GrantRef, MessageId> = {
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
    const pending = await services.pending.create({ flow: 'approval', action: 'quota.request', requester: user, requesterMember: actor.memberId, where: g.where, args: change, locale: t.locale });
    await services.audit.append({ ...auditBase(user, g.where, actor), action: 'quota.requested', target: `${g.member}/${g.service}`, outcome: 'ok', detail: `extend ${g.id} ${JSON.stringify(g.granted)}` });
    const posted = await services.post({ kind: 'approvals', platform: g.requester.platform, origin: g.where }, approvalCard(cardTranslator(services, pending), pending, quotaChangeFlow));
    if (!posted) return t.t('grants.extendUnposted', { summary: pending.id });
    return t.t('grants.extendAsked', { id: g.id, wait: formatDuration(g.forMs), summary: pending.id });
  },
};

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
