import { auditBase } from '../audit.js';
import type { Services } from '../services.js';
import { listOf, texts, type Translator } from '../i18n.js';
import type { ClickInvocation } from '../invocation.js';
import { answer, type Outcome } from '../outcome.js';
import { reply } from '../reply.js';
import type { FlowAction } from './actions.js';
import { approvalCard, decidedCard } from './cards.js';
import { cardTranslator, type ActionRef, type PendingAction } from './pending.js';

/** Every flow action the features registered, keyed `command.sub` (`apikey.delete`). */
export type FlowActions = ReadonlyMap<string, FlowAction>;

const edited = (message: string): Outcome => answer(reply(message, 'ephemeral', { replaceOriginal: true }));
const notice = (message: string): Outcome => answer(reply(message));

/**
 * A click on any flow's card. The record and its action are looked up; the click must be the right
 * person's; the decision is claimed atomically (a double click, or one on two replicas, runs once);
 * authorization is checked again; the outcome replaces the card. If the decision's work fails, the
 * claim is released so the request can be decided again.
 */
export async function decideFlow(services: Services, flows: FlowActions, t: Translator<string>, inv: ClickInvocation, ref: ActionRef): Promise<Outcome> {
  const pending = await services.pending.get(ref.id);
  const action = pending ? flows.get(pending.action) : undefined;
  if (!pending || !action || action.flow !== ref.flow || pending.flow !== ref.flow) {
    return ref.flow === 'confirm' && !pending ? edited(texts.expired(t)) : notice(texts.unknownAction(t));
  }
  return ref.flow === 'confirm' ? decideConfirmation(services, action, t, inv, ref, pending) : decideApproval(services, action, t, inv, ref, pending);
}

/** Only the requester clicks a confirmation: everything here is in the clicker's language. */
async function decideConfirmation(
  services: Services,
  action: FlowAction,
  t: Translator<string>,
  inv: ClickInvocation,
  ref: Extract<ActionRef, { flow: 'confirm' }>,
  pending: PendingAction,
): Promise<Outcome> {
  if (action.flow !== 'confirm') return notice(texts.unknownAction(t));
  const isRequester = pending.requester.platform === inv.user.platform && pending.requester.userId === inv.user.userId;
  if (!isRequester) return notice(texts.confirmOnlyRequester(t, pending.requester.name ? `@${pending.requester.name}` : undefined));
  // Closed by something else meanwhile (a reminder's key was extended or deleted): say why, run nothing.
  if (pending.status === 'cancelled' && pending.note !== undefined) return edited(pending.note);
  return decidingOnce(services, pending, t, async (fresh) => {
    if (services.pending.isExpired(fresh)) return edited(texts.expired(t));
    if (ref.choice === 'cancel') {
      await services.pending.save({ ...fresh, status: 'cancelled' });
      return edited(action.cancelled(t));
    }
    // Authorization again, at execution: a role or link may have changed since the command.
    const actor = await services.identity.resolve(inv.user);
    if (!actor) return edited(t.t('flow.noLongerLinked'));
    const outcome = await action.execute({ services, actor, user: inv.user, where: inv.where, pending: fresh, args: fresh.args, t });
    await services.pending.save({ ...fresh, status: 'done', note: outcome });
    return edited(outcome);
  });
}

/**
 * Runs one decision on `pending` while holding its claim (src/core/flows/pending.ts): the record is
 * read again under the claim, so a decision saved by another click meanwhile is seen and not made
 * twice; the claim is given back if the work throws, and expires soon after a holder that died.
 */
async function decidingOnce(
  services: Services,
  pending: PendingAction,
  t: Translator<string>,
  decide: (fresh: PendingAction) => Promise<Outcome>,
  /** True when the decision left the request open (one approval of several): the claim is given back at once. */
  stillOpen: () => boolean = () => false,
): Promise<Outcome> {
  const lease = await services.pending.claim(pending);
  if (!lease) {
    // One of several approvals being recorded by someone else is not a decision made: this click may count next.
    const now = (pending.policy?.required ?? 1) > 1 ? await services.pending.get(pending.id) : undefined;
    return notice(now?.status === 'pending' ? t.t('flow.beingDecided') : texts.alreadyDecided(t));
  }
  try {
    const fresh = await services.pending.get(pending.id);
    if (fresh?.status !== 'pending') {
      lease.done();
      return fresh?.status === 'cancelled' ? notice(texts.cancelledByRequester(t, fresh.note)) : notice(texts.alreadyDecided(t));
    }
    const outcome = await decide(fresh);
    if (stillOpen()) await lease.release();
    else lease.done();
    return outcome;
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
  action: FlowAction,
  t: Translator<string>,
  inv: ClickInvocation,
  ref: Extract<ActionRef, { flow: 'approval' }>,
  pending: PendingAction,
): Promise<Outcome> {
  if (action.flow !== 'approval') return notice(texts.unknownAction(t));
  if (pending.status === 'cancelled') return notice(texts.cancelledByRequester(t, pending.decidedByName));
  if (pending.status !== 'pending') return notice(texts.alreadyDecided(t));
  const approver = await services.identity.resolve(inv.user);
  if (!approver || approver.role !== 'admin') return notice(t.t('flow.onlyAdminsDecide'));
  // The two-person rule compares members, not chat identities: one person on two platforms is one person.
  const sameChatUser = approver.chatKey === `${pending.requester.platform}:${pending.requester.userId}`;
  if (sameChatUser || approver.memberId === pending.requesterMember) {
    return notice(texts.ownRequest(t, services.backend.capabilities.adminLinks));
  }
  // APPROVAL_POLICY's `approvers=@group`: only its members (by member or chat identity) decide.
  const group = pending.policy?.approvers;
  if (group && !group.includes(approver.memberId) && !group.includes(approver.chatKey)) {
    return notice(t.t('flow.notApprover', { who: pending.policy?.group ?? '' }));
  }
  const card = cardTranslator(services, pending);
  const by = inv.user.name ? `@${inv.user.name}` : approver.memberId;
  // The request's id goes with every entry about it (the exported event's request_id).
  const base = { ...auditBase(inv.user, inv.where, approver), ref: pending.id };
  const target = action.auditTarget(pending);
  let open = false;
  return decidingOnce(
    services,
    pending,
    t,
    async (fresh) => {
        let decided: PendingAction;
        const decision = { decidedBy: approver.chatKey, decidedByName: by, decidedAt: services.now() };
        const approvals = fresh.approvals ?? [];
        if (services.pending.isExpired(fresh)) {
          decided = { ...fresh, ...decision, status: 'expired', note: card.t('flow.expiredUndecided') };
          await services.audit.append({ ...base, action: `${action.auditPrefix}.expired`, target, outcome: 'expired' });
        } else if (ref.choice === 'reject') {
          decided = { ...fresh, ...decision, status: 'rejected', note: card.t('flow.rejectedBy', { by }) };
          await services.audit.append({ ...base, action: `${action.auditPrefix}.rejected`, target, outcome: 'rejected' });
        } else if (approvals.some((a) => a.memberId === approver.memberId)) {
          // One vote per person, whichever platform they click on: read under the claim, so a double click counts once.
          open = true;
          return notice(t.t('flow.alreadyApprovedByYou'));
        } else if (approvals.length + 1 < (fresh.policy?.required ?? 1)) {
          // One approval of several: recorded, and the card shows it; the change waits for the rest.
          const vote = { chatKey: approver.chatKey, memberId: approver.memberId, name: by, at: services.now() };
          const voted: PendingAction = { ...fresh, approvals: [...approvals, vote] };
          await services.pending.save(voted);
          await services.audit.append({ ...base, action: `${action.auditPrefix}.approval`, target, outcome: 'ok', detail: `${voted.approvals!.length} of ${fresh.policy?.required ?? 1}` });
          const updated = approvalCard(card, voted, action, { replaceOriginal: true });
          await editOtherCards(services, voted, inv, updated);
          open = true;
          return answer(updated);
        } else {
          const all = listOf(card, [...approvals.map((a) => a.name), by]);
          const result = await action.execute({ services, actor: approver, user: inv.user, where: inv.where, pending: fresh, args: fresh.args, t: card }, all);
          const last = { chatKey: approver.chatKey, memberId: approver.memberId, name: by, at: services.now() };
          decided = { ...fresh, ...decision, ...result, ...(fresh.policy ? { approvals: [...approvals, last] } : {}) };
        }
        await services.pending.save(decided);
        await services.post({ kind: 'dm', user: fresh.requester }, reply(card.t('flow.decisionNotice', { summary: action.summary(card, fresh), note: decided.note ?? '' }), 'dm'));
        const outcome = decidedCard(card, decided, action);
        // A decision on either card (the approvals channel's, the escalation channel's) decides both.
        await editOtherCards(services, decided, inv, outcome);
        return answer(outcome);
    },
    () => open,
  );
}

/**
 * Edits the request's other cards (the approvals channel's, the escalation channel's) to what the clicked
 * one now shows; the clicked one is edited by the click's own answer. Without the clicked message's id,
 * a card in the channel clicked in is taken to be the clicked one.
 */
async function editOtherCards(services: Services, p: PendingAction, inv: ClickInvocation, card: ReturnType<typeof decidedCard>): Promise<void> {
  for (const ref of await services.pending.cardsOf(p.id)) {
    const clicked = inv.messageId !== undefined ? ref.messageId === inv.messageId : ref.channelId === inv.where.channelId;
    if (!clicked) await services.edit(ref, card);
  }
}
