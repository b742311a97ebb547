import { type Actor, type QuotaValues, type Resources } from '../../backends/port.js';
import { withLock } from '../../store/lock.js';
import { auditBase } from '../../core/audit.js';
import type { HandlersFor, Services } from '../../core/feature.js';
import { approvalCard, decidedCard } from '../../core/flows/cards.js';
import { cardTranslator, type PendingAction } from '../../core/flows/pending.js';
import { formatAge, formatResources } from '../../core/format.js';
import { describeError, texts } from '../../core/i18n.js';
import type { ChatUser, Where } from '../../core/invocation.js';
import { memberOfMention } from '../../core/mentions.js';
import { answer } from '../../core/outcome.js';
import { mayManageMember } from '../../core/policy.js';
import { reply, text, type Block } from '../../core/reply.js';
import type { MessageId, Translator } from './messages.js';
import { formatQuotaChange, formatQuotaValue, isQuotaChange, QuotaChangeArgs, quotaChangeFlow, quotaDelta } from './quota-change.js';
import type { quotaSpec } from './spec.js';
import { breakGlassNow } from './break-glass.js';
import { changeTerms, type BreakGlassOptions } from './terms.js';
import { policyFor } from '../approvals/policy.js';
import { DEFAULT_APPROVALS, type ApprovalSettings } from '../approvals/settings.js';
import { approvalNeeds, policyColumns } from './approval-policy.js';

type Handlers = HandlersFor<typeof quotaSpec, MessageId>;

const say = (message: string) => answer(reply(message));

const current = (r: Resources): QuotaValues => ({ cpu: r.cpu.quota, gpu: r.gpu.quota, memory: r.memory.quota });

const show: Handlers['show'] = async ({ services, user, actor, args, t }) => {
  let memberId: string | undefined;
  if (args.member) {
    const m = await memberOfMention(services, t, user, args.member);
    if (!m.ok) return say(m.message);
    if (!mayManageMember(actor, m.memberId)) return say(t.t('quota.show.othersForbidden'));
    memberId = m.memberId;
  } else if (actor.role !== 'admin') {
    memberId = actor.memberId;
  }
  const blocks: Block[] = [];
  // Only the services this deployment offers (TWCC: CCS only with TWCC_CCS_SITE); a named one is asked, and refused by the backend.
  for (const service of args.service ? [args.service] : services.backend.capabilities.services) {
    const report = await services.backend.getQuotas(actor, service, memberId);
    if (!report.ok) {
      blocks.push(text(t.t('quota.show.serviceError', { service: service.toUpperCase(), error: describeError(t, report.code, report.detail) })));
      continue;
    }
    const [cpu, gpu, memory] = formatResources(t, report.value.project);
    blocks.push(text(t.t('quota.show.project', { service: service.toUpperCase(), cpu, gpu, memory })));
    blocks.push({
      type: 'table',
      columns: [t.t('quota.column.member'), t.t('quota.column.cpu'), t.t('quota.column.gpu'), t.t('quota.column.memory')],
      rows: report.value.members.map((m) => [m.member.username, ...formatResources(t, m.resources)]),
    });
  }
  return answer(reply(blocks));
};

interface ApprovalAsk {
  services: Services;
  user: ChatUser;
  where: Where;
  actor: Actor;
  change: Omit<QuotaChangeArgs, 'current'>;
  t: Translator;
  /** BREAK_GLASS_REVIEW: how long a break-glass change's approval waits. */
  reviewMs?: number;
  approvals: ApprovalSettings;
}

const RESOURCES = ['cpu', 'gpu', 'memory'] as const;

/**
 * What of `requested` would change the current quota, or why the ask is refused: nothing changes,
 * or a request (for more) would lower a quota. A `set` may lower one; the card shows it as a decrease.
 */
function effectiveChange(t: Translator, kind: QuotaChangeArgs['kind'], now: QuotaValues, requested: QuotaValues): { ok: true; value: QuotaValues } | { ok: false; message: string } {
  const delta = quotaDelta(kind, requested, now);
  if (!delta.ok) {
    const { resource, was, want } = delta;
    return { ok: false, message: t.t('quota.requestIsLess', { resource, was: formatQuotaValue(t, resource, was), want: formatQuotaValue(t, resource, want) }) };
  }
  if (Object.keys(delta.values).length > 0) return { ok: true, value: delta.values };
  const same = delta.same.map(({ resource, value }) => t.t('quota.alreadyIs', { resource, value: formatQuotaValue(t, resource, value) }));
  return { ok: false, message: t.t('quota.changesNothing', { same: same.join(', ') }) };
}

/** A resource both asks change for the same member and service, to different values. */
const conflictingResource = (a: QuotaChangeArgs, b: Omit<QuotaChangeArgs, 'current'>): (typeof RESOURCES)[number] | undefined =>
  a.target === b.target && a.service === b.service
    ? RESOURCES.find((r) => a.requested[r] !== undefined && b.requested[r] !== undefined && a.requested[r] !== b.requested[r])
    : undefined;

const sameAsk = (a: QuotaChangeArgs, b: Omit<QuotaChangeArgs, 'current'>) =>
  a.kind === b.kind && a.target === b.target && a.service === b.service && JSON.stringify(a.requested) === JSON.stringify(b.requested);

/** `set` (admin, for a member) and `request` (a member, for themselves) both end in an approval. */
async function askApproval({ services, user, where, actor, change: asked, t, approvals, reviewMs }: ApprovalAsk) {
  const { service, target } = asked;
  const now = await services.backend.getQuotas(actor, service, target);
  if (!now.ok) return say(describeError(t, now.code, now.detail));
  const row = now.value.members.find((m) => m.member.id === target);
  if (!row) return say(describeError(t, 'member_not_found'));
  for (const r of RESOURCES) {
    const total = now.value.project[r].quota;
    const want = asked.requested[r];
    if (want !== undefined && total >= 0 && want > total) return say(t.t('quota.exceedsProject', { error: describeError(t, 'quota_exceeds_project', `${r}`) }));
  }
  const effective = effectiveChange(t, asked.kind, current(row.resources), asked.requested);
  if (!effective.ok) return say(effective.message);
  const change = { ...asked, requested: effective.value };
  const action = `quota.${change.kind}` as const;
  const flow = quotaChangeFlow;
  // Under the requester's lock: the same ask typed twice at once makes one request.
  const made = await withLock(services.store, `quota-ask:${actor.memberId}`, async () => {
    for (const open of await services.pending.openApprovals(actor.memberId)) {
      const args = QuotaChangeArgs.safeParse(open.args);
      if (open.action === action && args.success && sameAsk(args.data, change)) return { kind: 'duplicate' as const, pending: open };
      // The same resource asked for twice with different values would leave two cards that undo each other.
      const clash = args.success ? conflictingResource(args.data, change) : undefined;
      if (clash && args.success) return { kind: 'conflict' as const, pending: open, resource: clash, want: args.data.requested[clash]! };
    }
    const args: QuotaChangeArgs = { ...change, current: current(row.resources) };
    // APPROVAL_POLICY's first matching rule, fixed on the request; APPROVAL_TTL from now (a break-glass review: BREAK_GLASS_REVIEW).
    const policy = policyFor(approvals.rules, approvals.groups, { ...args, project: services.project.code });
    const p = { flow: 'approval' as const, action, requester: user, requesterMember: actor.memberId, where, args, locale: t.locale, policy };
    const lasts = change.breakGlass && reviewMs ? { until: services.now() + reviewMs } : { waitMs: approvals.ttlMs };
    return { kind: 'made' as const, pending: await services.pending.create(p, lasts) };
  });
  if (made.kind === 'duplicate') {
    const first = made.pending;
    return say(t.t('quota.duplicate', { id: first.id, age: formatAge(t, services.now() - first.createdAt) }));
  }
  if (made.kind === 'conflict') {
    return say(t.t('quota.conflict', { id: made.pending.id, resource: made.resource, want: formatQuotaValue(t, made.resource, made.want) }));
  }
  const { pending } = made;
  await services.audit.append({
    ...auditBase(user, where, actor),
    action: 'quota.requested',
    target: `${target}/${service}`,
    ref: pending.id,
    outcome: 'ok',
    detail: JSON.stringify(change.requested),
  });
  // Break-glass: applied at once, and the card asks for the approval afterwards (./break-glass.ts).
  if (change.breakGlass) return say(await breakGlassNow({ services, user, where, actor, t, pending }));
  // The card is worded in the requester's language, and keeps it when decided (src/core/flows/decide.ts).
  const { posted, ref } = await services.postMessage({ kind: 'approvals', platform: user.platform, origin: where }, approvalCard(t, pending, flow));
  // Kept, so that the card can be edited when it expires and answered when its approvers are reminded.
  if (ref) await services.pending.addCard(pending, ref);
  const nobody = (await services.identity.otherAdmins(actor.memberId)) === 0 ? `${t.t('core.sentenceGap')}${texts.noOtherAdmin(t, services.backend.capabilities.adminLinks)}` : '';
  if (!posted) return say(texts.approvalNotPosted(t, pending.id) + nobody);
  return say(t.t('quota.asked', { service: service.toUpperCase(), target: change.targetLabel, id: pending.id, nobody }) + approvalNeeds(t, pending));
}

const set = (approvals: ApprovalSettings): Handlers['set'] => async ({ services, user, where, actor, args, t }) => {
  const m = await memberOfMention(services, t, user, args.member);
  if (!m.ok) return say(t.t('quota.notRequested', { message: m.message }));
  // `for 48h` at the start of the reason: a time-bound grant (./terms.ts).
  const terms = changeTerms(t, 'set', args.reason, actor.memberId, undefined, services.backend.capabilities.quotaWrite);
  if (!terms.ok) return say(terms.message);
  const change = { kind: 'set' as const, target: m.memberId, targetLabel: m.label, service: args.service, requested: args.quota, ...terms.terms };
  return askApproval({ services, user, where, actor, change, t, approvals });
};

/** `/quota request`; `for 48h` and (BREAK_GLASS members) `now` at the start of the reason. */
const request =
  (approvals: ApprovalSettings, breakGlass: BreakGlassOptions | undefined): Handlers['request'] =>
  async ({ services, user, where, actor, args, t }) => {
    const targetLabel = user.name ? `@${user.name}` : actor.memberId;
    const terms = changeTerms(t, 'request', args.reason, actor.memberId, breakGlass, services.backend.capabilities.quotaWrite);
    if (!terms.ok) return say(terms.message);
    // APPROVAL_REASON=required: a member says why (`for 48h` alone is not a reason), or nothing is asked.
    if (approvals.reason === 'required' && !terms.terms.reason) return say(t.t('quota.reasonRequired', { service: args.service }));
    const change = { kind: 'request' as const, target: actor.memberId, targetLabel, service: args.service, requested: args.quota, ...terms.terms };
    return askApproval({ services, user, where, actor, change, t, approvals, ...(breakGlass ? { reviewMs: breakGlass.reviewMs } : {}) });
  };

const by = (p: PendingAction) => (p.requester.name ? `@${p.requester.name}` : p.requesterMember);

/** Admins: every request still waiting; members: their own. Each with its id and age. */
const pending: Handlers['pending'] = async ({ services, actor, t }) => {
  const everyone = actor.role === 'admin';
  const open = (await services.pending.openApprovals(everyone ? undefined : actor.memberId)).filter((p) => p.action.startsWith('quota.'));
  if (open.length === 0) return say(everyone ? t.t('quota.pending.noneAll') : t.t('quota.pending.noneOwn'));
  const now = services.now();
  const rows = open.map((p) => {
    const a = QuotaChangeArgs.parse(p.args);
    return [
      p.id,
      by(p),
      t.t('quota.pending.change', { service: a.service.toUpperCase(), target: a.targetLabel, change: formatQuotaChange(t, a) }),
      ...policyColumns(t, p),
      t.t('quota.pending.ago', { age: formatAge(t, now - p.createdAt) }),
      t.t('quota.pending.in', { age: formatAge(t, p.expiresAt - now) }),
    ];
  });
  const how = everyone ? t.t('quota.pending.howAdmin') : t.t('quota.pending.howMember');
  const columns = (['request', 'by', 'change', 'policy', 'approvals', 'asked', 'expires'] as const).map((c) => t.t(`quota.column.${c}`));
  return answer(reply([text(t.t('quota.pending.head', { n: open.length })), { type: 'table', columns, rows }, text(how)]));
};

/** The requester withdraws a request still waiting; its card then answers that it was cancelled. */
const cancel: Handlers['cancel'] = async ({ services, user, where, actor, args, t }) => {
  const id = args['request-id'];
  const p = await services.pending.get(id);
  const flow = quotaChangeFlow;
  if (!p || p.flow !== 'approval' || !isQuotaChange(p.action) || flow.flow !== 'approval') {
    return say(t.t('quota.cancel.unknown', { id }));
  }
  if (p.requesterMember !== actor.memberId) return say(t.t('quota.cancel.notYours', { by: by(p), id }));
  if (p.status !== 'pending') return say(t.t('quota.cancel.alreadyStatus', { id, status: t.t('quota.status', { status: p.status }) }));
  if (services.pending.isExpired(p)) return say(t.t('quota.cancel.expired', { id }));
  const lease = await services.pending.claim(p);
  if (!lease) return say(t.t('quota.cancel.beingDecided', { id }));
  const name = user.name ? `@${user.name}` : actor.memberId;
  // The card's words (its note, the channel notice) are in the card's language.
  const card = cardTranslator(services, p);
  let cancelled: PendingAction;
  try {
    // Read again under the claim: an approval that finished meanwhile is not cancelled afterwards.
    const fresh = await services.pending.get(id);
    if (fresh?.status !== 'pending') {
      lease.done();
      return say(t.t('quota.cancel.alreadyStatus', { id, status: t.t('quota.status', { status: fresh?.status ?? 'expired' }) }));
    }
    const note = card.t('quota.cancel.note', { name });
    cancelled = { ...fresh, status: 'cancelled', decidedBy: actor.chatKey, decidedByName: name, decidedAt: services.now(), note };
    await services.pending.save(cancelled);
    lease.done();
  } catch (err) {
    await lease.release();
    throw err;
  }
  await services.audit.append({ ...auditBase(user, where, actor), action: 'quota.cancelled', target: flow.auditTarget(p), outcome: 'cancelled', ref: p.id });
  // Its cards (the approvals channel's, an escalated copy) are edited in place: the buttons go, the note says who
  // cancelled. Where the platform gave no card to edit, a notice in the channel says it instead.
  let edited = 0;
  for (const ref of await services.pending.cardsOf(p.id)) if (await services.edit(ref, decidedCard(card, cancelled, flow))) edited++;
  if (edited === 0) {
    await services.post({ kind: 'approvals', platform: p.requester.platform, origin: p.where }, reply(card.t('quota.cancel.posted', { summary: flow.summary(card, p), name }), 'channel'));
  }
  return say(t.t('quota.cancel.done', { summary: flow.summary(t, p) }));
};

/** The handlers with APPROVAL_* and BREAK_GLASS (./terms.ts) in force. */
export const quotaHandlers = (approvals: ApprovalSettings = DEFAULT_APPROVALS, breakGlass?: BreakGlassOptions): Handlers => ({
  show,
  set: set(approvals),
  request: request(approvals, breakGlass),
  pending,
  cancel,
});
