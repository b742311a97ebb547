import type { Actor } from '../../backends/port.js';
import { auditBase } from '../../core/audit.js';
import type { Services } from '../../core/feature.js';
import { approvalCard } from '../../core/flows/cards.js';
import { cardTranslator, type PendingAction } from '../../core/flows/pending.js';
import type { ChatUser, Where } from '../../core/invocation.js';
import { withLock } from '../../store/lock.js';
import type { Translator } from './messages.js';
import { apply, APPLY_LOCK, QuotaChangeArgs, quotaChangeFlow } from './quota-change.js';

interface BreakGlassAsk {
  services: Services;
  user: ChatUser;
  where: Where;
  actor: Actor;
  t: Translator;
  /** The approval record the review runs on: an ordinary `quota.request`, expiring at BREAK_GLASS_REVIEW. */
  pending: PendingAction;
}

/**
 * `/quota request … now <reason>` by a BREAK_GLASS member: applied at once, on the member's own
 * BREAK_GLASS authority, through the same apply, read-back and audit as an approved change; then the
 * loud card asks the tenant admins for the approval the change still needs. The grants feature keeps
 * it (the `quota.applied` event), and reverts it when the card is rejected or left undecided.
 */
export async function breakGlassNow({ services, user, where, actor, t, pending }: BreakGlassAsk): Promise<string> {
  const args = QuotaChangeArgs.parse(pending.args);
  const card = cardTranslator(services, pending);
  const name = user.name ? `@${user.name}` : actor.memberId;
  const base = auditBase(user, where, actor);
  const target = `${args.target}/${args.service}`;
  await services.audit.append({ ...base, action: 'quota.break_glass', target, outcome: 'ok', detail: JSON.stringify(args.requested) });
  const applier: Actor = { ...actor, role: 'admin' };
  const by = t.t('grants.breakGlassBy', { name });
  const result = await withLock(services.store, `quota-apply:${args.service}:${args.target}`, () => apply({ services, actor: applier, args, t: card, pending }, by, base, target), APPLY_LOCK);
  if (result.status === 'failed') {
    await services.pending.save({ ...pending, status: 'failed', note: result.note, decidedAt: services.now() });
    return t.t('grants.breakGlassFailed', { note: result.note });
  }
  // Kept, like any request's card (./commands.ts): edited when decided or expired, answered when its approvers are reminded.
  const loud = approvalCard(card, pending, quotaChangeFlow);
  const { posted, ref } = await services.postMessage({ kind: 'approvals', platform: user.platform, origin: where }, loud);
  if (ref) await services.pending.addCard(pending, ref);
  // Loud: in the escalation channel too, when the platform has one; a decision on either card decides both.
  const escalated = await services.postMessage({ kind: 'escalation', platform: user.platform }, loud);
  if (escalated.ref) {
    const fresh = (await services.pending.get(pending.id)) ?? pending;
    // Already there: the approval sweep does not escalate it again.
    await services.pending.save({ ...fresh, escalatedAt: services.now() });
    await services.pending.addCard(fresh, escalated.ref);
  }
  const until = t.dateTime(pending.expiresAt);
  // Applied and read back: said once; an outcome the read-back could not confirm is said as it is.
  const note = result.status === 'applied' ? '' : `${t.t('core.sentenceGap')}${result.note}`;
  return t.t(posted ? 'grants.breakGlassDone' : 'grants.breakGlassDoneUnposted', { id: pending.id, date: until, note });
}
