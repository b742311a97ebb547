import { auditBase } from '../audit.js';
import type { Services } from '../context.js';
import { texts } from '../i18n.js';
import type { ClickInvocation } from '../invocation.js';
import { answer, type Outcome } from '../outcome.js';
import { reply, text, type ConfirmDialog, type Reply } from '../reply.js';
import { encodeAction, type ActionRef, type PendingAction } from './pending.js';
import { flowActions, type FlowAction } from './registry.js';

/** A confirmation card: what will happen, a danger button with a confirm dialog, and Cancel. */
export function confirmationCard(p: PendingAction, body: string, confirmLabel: string, dialog: ConfirmDialog): Reply {
  return reply([
    text(body),
    {
      type: 'buttons',
      buttons: [
        { id: encodeAction({ flow: 'confirm', id: p.id, choice: 'ok' }), label: confirmLabel, style: 'danger', confirm: dialog },
        { id: encodeAction({ flow: 'confirm', id: p.id, choice: 'cancel' }), label: 'Cancel', style: 'default' },
      ],
    },
  ]);
}

type ApprovalFlow = Extract<FlowAction, { flow: 'approval' }>;

/** Pending: the action's description, Approve and Reject buttons for a second admin. */
export function approvalCard(p: PendingAction, action: ApprovalFlow): Reply {
  return reply(
    [
      text(action.describe(p)),
      {
        type: 'buttons',
        buttons: [
          { id: encodeAction({ flow: 'approval', id: p.id, choice: 'approve' }), label: 'Approve', style: 'primary' },
          {
            id: encodeAction({ flow: 'approval', id: p.id, choice: 'reject' }),
            label: 'Reject',
            style: 'danger',
            confirm: { title: 'Reject this request?', text: 'The requester will be told it was rejected.', confirm: 'Reject', deny: 'Back' },
          },
        ],
      },
    ],
    'channel',
  );
}

/** Decided: the same body, the buttons replaced by the outcome. */
export function decidedCard(p: PendingAction, action: ApprovalFlow): Reply {
  return reply([text(`${action.describe(p)}\n${p.note ?? ''}`)], 'channel', { replaceOriginal: true });
}

const edited = (message: string): Outcome => answer(reply(message, 'ephemeral', { replaceOriginal: true }));
const notice = (message: string): Outcome => answer(reply(message));

/**
 * A click on any flow's card. The record and its action are looked up; the click must be the right
 * person's; the decision is claimed atomically (a double click, or one on two replicas, runs once);
 * authorization is checked again; the outcome replaces the card. If the decision's work fails, the
 * claim is released so the request can be decided again.
 */
export async function decideFlow(services: Services, inv: ClickInvocation, ref: ActionRef): Promise<Outcome> {
  const pending = await services.pending.get(ref.id);
  const action = pending ? flowActions[pending.action] : undefined;
  if (!pending || !action || action.flow !== ref.flow || pending.flow !== ref.flow) {
    return ref.flow === 'confirm' && !pending ? edited(texts.expired) : notice(texts.unknownAction);
  }
  return ref.flow === 'confirm' ? decideConfirmation(services, inv, ref, pending) : decideApproval(services, inv, ref, pending);
}

async function decideConfirmation(services: Services, inv: ClickInvocation, ref: Extract<ActionRef, { flow: 'confirm' }>, pending: PendingAction): Promise<Outcome> {
  const action = flowActions[pending.action];
  if (action?.flow !== 'confirm') return notice(texts.unknownAction);
  const isRequester = pending.requester.platform === inv.user.platform && pending.requester.userId === inv.user.userId;
  if (!isRequester) return notice(texts.confirmOnlyRequester(pending.requester.name ? `@${pending.requester.name}` : 'the person'));
  // Closed by something else meanwhile (a reminder's key was extended or deleted): say why, run nothing.
  if (pending.status === 'cancelled' && pending.note !== undefined) return edited(pending.note);
  const lease = await services.pending.claim(pending);
  if (!lease) return notice(texts.alreadyDecided);
  if (services.pending.isExpired(pending)) return edited(texts.expired);
  if (ref.choice === 'cancel') {
    await services.pending.save({ ...pending, status: 'cancelled' });
    return edited(action.cancelled);
  }
  // Authorization again, at execution: a role or link may have changed since the command.
  const actor = await services.identity.resolve(inv.user);
  if (!actor) return edited('You are no longer linked to a tenant member; nothing was changed.');
  try {
    const outcome = await action.execute({ services, actor, user: inv.user, where: inv.where, pending, args: pending.args });
    await services.pending.save({ ...pending, status: 'done', note: outcome });
    return edited(outcome);
  } catch (err) {
    await lease.release();
    throw err;
  }
}

async function decideApproval(services: Services, inv: ClickInvocation, ref: Extract<ActionRef, { flow: 'approval' }>, pending: PendingAction): Promise<Outcome> {
  const action = flowActions[pending.action];
  if (action?.flow !== 'approval') return notice(texts.unknownAction);
  if (pending.status === 'cancelled') return notice(texts.cancelledByRequester(pending.note));
  if (pending.status !== 'pending') return notice(texts.alreadyDecided);
  const approver = await services.identity.resolve(inv.user);
  if (!approver || approver.role !== 'admin') return notice('Only a tenant admin can approve or reject quota changes.');
  // The two-person rule compares members, not chat identities: one person on two platforms is one person.
  const sameChatUser = approver.chatKey === `${pending.requester.platform}:${pending.requester.userId}`;
  if (sameChatUser || approver.memberId === pending.requesterMember) {
    return notice(texts.ownRequest(services.backend.capabilities.adminLinks));
  }
  const lease = await services.pending.claim(pending);
  if (!lease) return notice(texts.alreadyDecided);

  const by = inv.user.name ? `@${inv.user.name}` : approver.memberId;
  const base = auditBase(inv.user, inv.where, approver);
  const target = action.auditTarget(pending);
  let decided: PendingAction;
  try {
    const decision = { decidedBy: approver.chatKey, decidedByName: by, decidedAt: services.now() };
    if (services.pending.isExpired(pending)) {
      decided = { ...pending, ...decision, status: 'expired', note: 'Expired before anyone decided; nothing was changed.' };
      await services.audit.append({ ...base, action: `${action.auditPrefix}.expired`, target, outcome: 'expired' });
    } else if (ref.choice === 'reject') {
      decided = { ...pending, ...decision, status: 'rejected', note: `Rejected by ${by}.` };
      await services.audit.append({ ...base, action: `${action.auditPrefix}.rejected`, target, outcome: 'rejected' });
    } else {
      const result = await action.execute({ services, actor: approver, user: inv.user, where: inv.where, pending, args: pending.args }, by);
      decided = { ...pending, ...decision, ...result };
    }
    await services.pending.save(decided);
  } catch (err) {
    await lease.release();
    throw err;
  }
  await services.post({ kind: 'dm', user: pending.requester }, reply(`Your ${action.summary(pending)}: ${decided.note ?? ''}`, 'dm'));
  return answer(decidedCard(decided, action));
}
