/**
 * The approval sweep: a request nobody decided expires (its cards edited in place, its requester told
 * privately); one still waiting is brought up again under its card, and escalated. It runs on the one
 * replica holding its lease, and each step on a request is taken under that request's decision claim
 * and marked on its record, so a step is done once across replicas and restarts, and never races a click.
 */
import type { FlowAction } from '../../core/flows/actions.js';
import { approvalCard, decidedCard } from '../../core/flows/cards.js';
import { cardTranslator, type PendingAction } from '../../core/flows/pending.js';
import type { Services } from '../../core/feature.js';
import { formatAge } from '../../core/format.js';
import { listOf } from '../../core/i18n.js';
import { reply } from '../../core/reply.js';
import type { SweepControl } from '../../core/sweeper.js';
import type { Translator } from './messages.js';
import type { ApprovalSettings } from './settings.js';

type ApprovalFlow = Extract<FlowAction, { flow: 'approval' }>;

export interface ApprovalSweepReport {
  expired: number;
  reminded: number;
  escalated: number;
  failed: number;
  /** False when the sweep stopped early (its lease lost, the process stopping). */
  complete: boolean;
}

type Step = 'expire' | 'escalate' | 'remind';

/** What is due for a waiting request now, if anything. */
function dueStep(services: Services, s: ApprovalSettings, p: PendingAction): Step | undefined {
  const now = services.now();
  if (services.pending.isExpired(p)) return 'expire';
  if (s.escalateAfterMs !== undefined && p.escalatedAt === undefined && now - p.createdAt >= s.escalateAfterMs) return 'escalate';
  if (s.remindAfterMs !== undefined && now - (p.remindedAt ?? p.createdAt) >= s.remindAfterMs) return 'remind';
  return undefined;
}

/** The audit entry of something the bot did by itself, on the request's platform and channel. */
const byTheBot = (p: PendingAction) => ({ actor: 'bot:approval-sweep', platform: p.requester.platform, workspace: p.where.workspace, channel: p.where.channelId });

export async function sweepApprovals(
  services: Services,
  flows: ReadonlyMap<string, ApprovalFlow>,
  settings: ApprovalSettings,
  control: Pick<SweepControl, 'mayContinue'>,
  /**
   * Requests whose expiry another feature closes (a break-glass review: the grants sweep reverts the change and
   * edits its cards once, saying both): this sweep reminds and escalates them, but leaves their expiry alone.
   */
  expiresElsewhere: (services: Services, p: PendingAction) => Promise<boolean> = async () => false,
): Promise<ApprovalSweepReport> {
  const report: ApprovalSweepReport = { expired: 0, reminded: 0, escalated: 0, failed: 0, complete: true };
  const due = async (p: PendingAction): Promise<Step | undefined> => {
    const step = dueStep(services, settings, p);
    return step === 'expire' && (await expiresElsewhere(services, p)) ? undefined : step;
  };
  for (const listed of await services.pending.waitingApprovals()) {
    const flow = flows.get(listed.action);
    if (!flow || (await due(listed)) === undefined) continue;
    if (!(await control.mayContinue())) {
      report.complete = false;
      break;
    }
    // The request's decision claim: a click being decided now, or this step on another replica, goes first.
    const lease = await services.pending.claim(listed);
    if (!lease) continue;
    try {
      const fresh = await services.pending.get(listed.id);
      const step = fresh?.status === 'pending' ? await due(fresh) : undefined;
      if (fresh && step === 'expire') await expire(services, flow, fresh);
      if (fresh && step === 'escalate') await escalate(services, flow, fresh);
      if (fresh && step === 'remind') await remind(services, flow, fresh);
      // Expired: closed for good. Reminded or escalated: still open, so the claim is given back for the next click.
      if (step === 'expire' || step === undefined) lease.done();
      else await lease.release();
      if (step === 'expire') report.expired++;
      if (step === 'escalate') report.escalated++;
      if (step === 'remind') report.reminded++;
    } catch (err) {
      await lease.release();
      report.failed++;
      services.logger.error({ err, request: listed.id }, 'approval sweep: a step failed; the next sweep tries again');
    }
  }
  return report;
}

/** Nobody decided in time: the record is closed first, then every card says so and the requester hears it. */
async function expire(services: Services, flow: ApprovalFlow, p: PendingAction): Promise<void> {
  const card = cardTranslator(services, p);
  const decided: PendingAction = { ...p, status: 'expired', decidedAt: services.now(), note: card.t('flow.expiredUndecided') };
  await services.pending.save(decided);
  await services.audit.append({ ...byTheBot(p), action: `${flow.auditPrefix}.expired`, target: flow.auditTarget(p), outcome: 'expired', detail: 'nobody decided' });
  const edited = decidedCard(card, decided, flow);
  for (const ref of await services.pending.cardsOf(p.id)) await services.edit(ref, edited);
  // Privately, in the requester's language now (`/tenant lang` may have changed since they asked).
  const t = await services.locales.translatorFor(p.requester, undefined, { memberId: p.requesterMember });
  await services.post({ kind: 'dm', user: p.requester }, reply(t.t('flow.decisionNotice', { summary: flow.summary(t, p), note: t.t('flow.expiredUndecided') }), 'dm'));
}

/** Who may approve, by name: the policy's group, or the admins linked on the request's platform (but the requester). */
async function whoMayApprove(services: Services, t: Translator, p: PendingAction): Promise<string> {
  const links = await services.identity.all();
  const requester = p.requester.name ? `@${p.requester.name}` : p.requesterMember;
  const voted = new Set((p.approvals ?? []).map((a) => a.memberId));
  const nameOf = (entry: string): string => {
    const link = links.find((l) => l.chatKey === entry) ?? links.find((l) => l.memberId === entry && l.platform === p.requester.platform);
    return link?.name ? `@${link.name}` : `@${entry.replace(/^(slack|discord|local):/, '')}`;
  };
  const group = p.policy?.approvers;
  if (group && p.policy?.group) {
    const names = group.filter((e) => e !== p.requesterMember && !voted.has(e)).map(nameOf);
    return t.t('approvals.groupMembers', { by: listOf(t, [...new Set(names)]), what: p.policy.group });
  }
  const admins = links.filter((l) => l.role === 'admin' && l.platform === p.requester.platform && l.memberId !== p.requesterMember && !voted.has(l.memberId) && l.name);
  return admins.length > 0 ? listOf(t, [...new Set(admins.map((l) => `@${l.name}`))].sort()) : t.t('approvals.anyAdmin', { by: requester });
}

/** Brought up again under each of its cards (a thread reply on Slack, a reply on Discord), naming who may approve. */
async function remind(services: Services, flow: ApprovalFlow, p: PendingAction): Promise<void> {
  const reminded: PendingAction = { ...p, remindedAt: services.now() };
  // Marked first: a reminder is said at most once per period, even if this replica dies while posting.
  await services.pending.save(reminded);
  const t = cardTranslator(services, p) as Translator;
  const text = t.t('approvals.reminder', {
    age: formatAge(t, services.now() - p.createdAt),
    summary: flow.summary(t, p),
    who: await whoMayApprove(services, t, p),
    expires: t.dateTime(p.expiresAt),
  });
  const cards = await services.pending.cardsOf(p.id);
  if (cards.length === 0) await services.post({ kind: 'approvals', platform: p.requester.platform, origin: p.where }, reply(text, 'channel'));
  for (const ref of cards) await services.post({ kind: 'thread', ref }, reply(text, 'channel'));
  await services.audit.append({ ...byTheBot(p), action: `${flow.auditPrefix}.reminded`, target: flow.auditTarget(p), outcome: 'ok' });
}

/** Posted to the escalation channel as a card of its own: a click on it decides the request, as one on the first card does. */
async function escalate(services: Services, flow: ApprovalFlow, p: PendingAction): Promise<void> {
  const escalated: PendingAction = { ...p, escalatedAt: services.now() };
  await services.pending.save(escalated);
  const t = cardTranslator(services, p) as Translator;
  const head = t.t('approvals.escalated', { age: formatAge(t, services.now() - p.createdAt) });
  const posted = await services.postMessage({ kind: 'escalation', platform: p.requester.platform }, approvalCard(t, escalated, flow, { head }));
  if (posted.ref) await services.pending.addCard(escalated, posted.ref);
  await services.audit.append({
    ...byTheBot(p),
    action: `${flow.auditPrefix}.escalated`,
    target: flow.auditTarget(p),
    outcome: posted.ref ? 'ok' : 'failed',
    ...(posted.ref ? {} : { detail: 'no escalation channel on this platform, or the post failed' }),
  });
}
