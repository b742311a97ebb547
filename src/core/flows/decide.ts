import { auditBase } from '../audit.js';
import type { Services } from '../context.js';
import { texts, type Translator } from '../i18n.js';
import type { ClickInvocation } from '../invocation.js';
import { answer, type Outcome } from '../outcome.js';
import { reply, text, type ConfirmDialog, type Reply } from '../reply.js';
import { cardTranslator, encodeAction, type ActionRef, type PendingAction } from './pending.js';
import { flowActions, type FlowAction } from './registry.js';

/** A confirmation card: what will happen, a danger button with a confirm dialog, and Cancel. */
export function confirmationCard(t: Translator, p: PendingAction, body: string, confirmLabel: string, dialog: ConfirmDialog): Reply {
  return reply([
    text(body),
    {
      type: 'buttons',
      buttons: [
        { id: encodeAction({ flow: 'confirm', id: p.id, choice: 'ok' }), label: confirmLabel, style: 'danger', confirm: dialog },
        { id: encodeAction({ flow: 'confirm', id: p.id, choice: 'cancel' }), label: t.t('flow.cancel'), style: 'default' },
      ],
    },
  ]);
}

type ApprovalFlow = Extract<FlowAction, { flow: 'approval' }>;

/**
 * Pending: the action's description, Approve and Reject buttons for a second admin. The card is in its
 * requester's language (`t`, kept on the record), and stays in it when decided.
 */
export function approvalCard(t: Translator, p: PendingAction, action: ApprovalFlow): Reply {
  return reply(
    [
      text(action.describe(t, p)),
      {
        type: 'buttons',
        buttons: [
          { id: encodeAction({ flow: 'approval', id: p.id, choice: 'approve' }), label: t.t('flow.approve'), style: 'primary' },
          {
            id: encodeAction({ flow: 'approval', id: p.id, choice: 'reject' }),
            label: t.t('flow.reject'),
            style: 'danger',
            confirm: {
              title: t.t('flow.rejectDialog.title'),
              text: t.t('flow.rejectDialog.text'),
              confirm: t.t('flow.rejectDialog.confirm'),
              deny: t.t('flow.rejectDialog.deny'),
            },
          },
        ],
      },
    ],
    'channel',
  );
}

/** Decided: the same body, the buttons replaced by the outcome. */
export function decidedCard(t: Translator, p: PendingAction, action: ApprovalFlow): Reply {
  return reply([text(`${action.describe(t, p)}\n${p.note ?? ''}`)], 'channel', { replaceOriginal: true });
}

const edited = (message: string): Outcome => answer(reply(message, 'ephemeral', { replaceOriginal: true }));
const notice = (message: string): Outcome => answer(reply(message));

/**
 * A click on any flow's card. The record and its action are looked up; the click must be the right
 * person's; the decision is claimed atomically (a double click, or one on two replicas, runs once);
 * authorization is checked again; the outcome replaces the card. If the decision's work fails, the
 * claim is released so the request can be decided again.
 */
export async function decideFlow(services: Services, t: Translator, inv: ClickInvocation, ref: ActionRef): Promise<Outcome> {
  const pending = await services.pending.get(ref.id);
  const action = pending ? flowActions[pending.action] : undefined;
  if (!pending || !action || action.flow !== ref.flow || pending.flow !== ref.flow) {
    return ref.flow === 'confirm' && !pending ? edited(texts.expired(t)) : notice(texts.unknownAction(t));
  }
  return ref.flow === 'confirm' ? decideConfirmation(services, t, inv, ref, pending) : decideApproval(services, t, inv, ref, pending);
}

/** Only the requester clicks a confirmation: everything here is in the clicker's language. */
async function decideConfirmation(
  services: Services,
  t: Translator,
  inv: ClickInvocation,
  ref: Extract<ActionRef, { flow: 'confirm' }>,
  pending: PendingAction,
): Promise<Outcome> {
  const action = flowActions[pending.action];
  if (action?.flow !== 'confirm') return notice(texts.unknownAction(t));
  const isRequester = pending.requester.platform === inv.user.platform && pending.requester.userId === inv.user.userId;
  if (!isRequester) return notice(texts.confirmOnlyRequester(t, pending.requester.name ? `@${pending.requester.name}` : undefined));
  // Closed by something else meanwhile (a reminder's key was extended or deleted): say why, run nothing.
  if (pending.status === 'cancelled' && pending.note !== undefined) return edited(pending.note);
  const lease = await services.pending.claim(pending);
  if (!lease) return notice(texts.alreadyDecided(t));
  if (services.pending.isExpired(pending)) return edited(texts.expired(t));
  if (ref.choice === 'cancel') {
    await services.pending.save({ ...pending, status: 'cancelled' });
    return edited(action.cancelled(t));
  }
  // Authorization again, at execution: a role or link may have changed since the command.
  const actor = await services.identity.resolve(inv.user);
  if (!actor) return edited(t.t('flow.noLongerLinked'));
  try {
    const outcome = await action.execute({ services, actor, user: inv.user, where: inv.where, pending, args: pending.args, t });
    await services.pending.save({ ...pending, status: 'done', note: outcome });
    return edited(outcome);
  } catch (err) {
    await lease.release();
    throw err;
  }
}

/**
 * Notices to the clicker are in the clicker's language (`t`); the decided card and its note stay in the
 * card's language, and the requester's private notice is in the requester's (the same, kept on the record).
 */
async function decideApproval(
  services: Services,
  t: Translator,
  inv: ClickInvocation,
  ref: Extract<ActionRef, { flow: 'approval' }>,
  pending: PendingAction,
): Promise<Outcome> {
  const action = flowActions[pending.action];
  if (action?.flow !== 'approval') return notice(texts.unknownAction(t));
  if (pending.status === 'cancelled') return notice(texts.cancelledByRequester(t, pending.note));
  if (pending.status !== 'pending') return notice(texts.alreadyDecided(t));
  const approver = await services.identity.resolve(inv.user);
  if (!approver || approver.role !== 'admin') return notice(t.t('flow.onlyAdminsDecide'));
  // The two-person rule compares members, not chat identities: one person on two platforms is one person.
  const sameChatUser = approver.chatKey === `${pending.requester.platform}:${pending.requester.userId}`;
  if (sameChatUser || approver.memberId === pending.requesterMember) {
    return notice(texts.ownRequest(t, services.backend.capabilities.adminLinks));
  }
  const lease = await services.pending.claim(pending);
  if (!lease) return notice(texts.alreadyDecided(t));

  const card = cardTranslator(services, pending);
  const by = inv.user.name ? `@${inv.user.name}` : approver.memberId;
  const base = auditBase(inv.user, inv.where, approver);
  const target = action.auditTarget(pending);
  let decided: PendingAction;
  try {
    const decision = { decidedBy: approver.chatKey, decidedByName: by, decidedAt: services.now() };
    if (services.pending.isExpired(pending)) {
      decided = { ...pending, ...decision, status: 'expired', note: card.t('flow.expiredUndecided') };
      await services.audit.append({ ...base, action: `${action.auditPrefix}.expired`, target, outcome: 'expired' });
    } else if (ref.choice === 'reject') {
      decided = { ...pending, ...decision, status: 'rejected', note: card.t('flow.rejectedBy', { by }) };
      await services.audit.append({ ...base, action: `${action.auditPrefix}.rejected`, target, outcome: 'rejected' });
    } else {
      const result = await action.execute({ services, actor: approver, user: inv.user, where: inv.where, pending, args: pending.args, t: card }, by);
      decided = { ...pending, ...decision, ...result };
    }
    await services.pending.save(decided);
  } catch (err) {
    await lease.release();
    throw err;
  }
  await services.post({ kind: 'dm', user: pending.requester }, reply(card.t('flow.decisionNotice', { summary: action.summary(card, pending), note: decided.note ?? '' }), 'dm'));
  return answer(decidedCard(card, decided, action));
}
