import { type Actor, type QuotaValues, type Resources } from '../../backends/port.js';
import { auditBase } from '../audit.js';
import type { CommandHandler, Services } from '../context.js';
import { approvalCard } from '../flows/decide.js';
import { formatQuotaChange, QuotaChangeArgs } from '../flows/quota-change.js';
import type { PendingAction } from '../flows/pending.js';
import { flowActions } from '../flows/registry.js';
import { formatAge, formatResources } from '../format.js';
import { withLock } from '../../store/lock.js';
import { formatCount, formatMemory } from '../units.js';
import { describeError, texts } from '../i18n.js';
import type { ChatUser, Where } from '../invocation.js';
import { answer } from '../outcome.js';
import { mayManageMember } from '../policy.js';
import { reply, text, type Block } from '../reply.js';
import { memberOfMention } from './members.js';
import type { HandlerTable, Sub } from './types.js';

const say = (message: string) => answer(reply(message));

const current = (r: Resources): QuotaValues => ({ cpu: r.cpu.quota, gpu: r.gpu.quota, memory: r.memory.quota });

const show: CommandHandler<Sub<'quota', 'show'>> = async ({ services, user, actor, args }) => {
  let memberId: string | undefined;
  if (args.member) {
    const m = await memberOfMention(services, user, args.member);
    if (!m.ok) return say(m.message);
    if (!mayManageMember(actor, m.memberId)) return say('Only a tenant admin may see another member’s quota.');
    memberId = m.memberId;
  } else if (actor.role !== 'admin') {
    memberId = actor.memberId;
  }
  const blocks: Block[] = [];
  // Only the services this deployment offers (TWCC: CCS only with TWCC_CCS_SITE); a named one is asked, and refused by the backend.
  for (const service of args.service ? [args.service] : services.backend.capabilities.services) {
    const report = await services.backend.getQuotas(actor, service, memberId);
    if (!report.ok) {
      blocks.push(text(`**${service.toUpperCase()}**: ${describeError(report.code, report.detail)}`));
      continue;
    }
    const [cpu, gpu, memory] = formatResources(report.value.project);
    blocks.push(text(`**${service.toUpperCase()}** project: cpu ${cpu}, gpu ${gpu}, memory ${memory} (usage / quota)`));
    blocks.push({
      type: 'table',
      columns: ['member', 'cpu', 'gpu', 'memory'],
      rows: report.value.members.map((m) => [m.member.username, ...formatResources(m.resources)]),
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
}

const RESOURCES = ['cpu', 'gpu', 'memory'] as const;
const shown = (r: (typeof RESOURCES)[number], v: number) => (r === 'memory' ? formatMemory(v) : formatCount(v));

/**
 * What of `requested` would change the current quota, or why the ask is refused: nothing changes,
 * or a request (for more) would lower a quota. A `set` may lower one; the card shows it as a decrease.
 */
function effectiveChange(kind: QuotaChangeArgs['kind'], now: QuotaValues, requested: QuotaValues): { ok: true; value: QuotaValues } | { ok: false; message: string } {
  const changed: QuotaValues = {};
  const same: string[] = [];
  for (const r of RESOURCES) {
    const want = requested[r];
    const was = now[r];
    if (want === undefined) continue;
    if (want === was) {
      same.push(`${r} is already ${shown(r, want)}`);
      continue;
    }
    // A negative quota is unlimited: any number is less.
    const less = was !== undefined && (was < 0 || want < was);
    if (kind === 'request' && less) {
      return { ok: false, message: `\`/quota request\` asks for more, but ${r} ${shown(r, was)} → ${shown(r, want)} is less. An admin can lower a quota with \`/quota set\`. Nothing was requested.` };
    }
    changed[r] = want;
  }
  if (Object.keys(changed).length === 0) return { ok: false, message: `That changes nothing: ${same.join(', ')}. Nothing was requested.` };
  return { ok: true, value: changed };
}

const sameAsk = (a: QuotaChangeArgs, b: Omit<QuotaChangeArgs, 'current'>) =>
  a.kind === b.kind && a.target === b.target && a.service === b.service && JSON.stringify(a.requested) === JSON.stringify(b.requested);

/** `set` (admin, for a member) and `request` (a member, for themselves) both end in an approval. */
async function askApproval({ services, user, where, actor, change: asked }: ApprovalAsk) {
  const { service, target } = asked;
  const now = await services.backend.getQuotas(actor, service, target);
  if (!now.ok) return say(describeError(now.code, now.detail));
  const row = now.value.members.find((m) => m.member.id === target);
  if (!row) return say(describeError('member_not_found'));
  for (const r of RESOURCES) {
    const total = now.value.project[r].quota;
    const want = asked.requested[r];
    if (want !== undefined && total >= 0 && want > total) return say(`${describeError('quota_exceeds_project', `${r}`)} Nothing was requested.`);
  }
  const effective = effectiveChange(asked.kind, current(row.resources), asked.requested);
  if (!effective.ok) return say(effective.message);
  const change = { ...asked, requested: effective.value };
  const action = `quota.${change.kind}` as const;
  const flow = flowActions[action];
  if (flow?.flow !== 'approval') throw new Error(`${action} is not an approval flow`);
  // Under the requester's lock: the same ask typed twice at once makes one request.
  const made = await withLock(services.store, `quota-ask:${actor.memberId}`, async () => {
    for (const open of await services.pending.openApprovals(actor.memberId)) {
      const args = QuotaChangeArgs.safeParse(open.args);
      if (open.action === action && args.success && sameAsk(args.data, change)) return { kind: 'duplicate' as const, pending: open };
    }
    const args: QuotaChangeArgs = { ...change, current: current(row.resources) };
    return { kind: 'made' as const, pending: await services.pending.create({ flow: 'approval', action, requester: user, requesterMember: actor.memberId, where, args }) };
  });
  if (made.kind === 'duplicate') {
    const first = made.pending;
    return say(
      `You already asked for this: request \`${first.id}\`, made ${formatAge(services.now() - first.createdAt)} ago, is still waiting. ` +
        `\`/quota pending\` shows it; \`/quota cancel ${first.id}\` withdraws it. Nothing new was requested.`,
    );
  }
  const { pending } = made;
  await services.audit.append({
    ...auditBase(user, where, actor),
    action: 'quota.requested',
    target: `${target}/${service}`,
    outcome: 'ok',
    detail: JSON.stringify(change.requested),
  });
  const posted = await services.post({ kind: 'approvals', platform: user.platform, origin: where }, approvalCard(pending, flow));
  const nobody = (await services.identity.otherAdmins(actor.memberId)) === 0 ? ` ${texts.noOtherAdmin(services.backend.capabilities.adminLinks)}` : '';
  if (!posted) return say(texts.approvalNotPosted(pending.id) + nobody);
  return say(`Asked the tenant admins to approve ${service.toUpperCase()} quota for ${change.targetLabel} (request \`${pending.id}\`). You will hear the decision privately.${nobody}`);
}

const set: CommandHandler<Sub<'quota', 'set'>> = async ({ services, user, where, actor, args }) => {
  const m = await memberOfMention(services, user, args.member);
  if (!m.ok) return say(`${m.message} Nothing was requested.`);
  const change = { kind: 'set' as const, target: m.memberId, targetLabel: m.label, service: args.service, requested: args.quota, ...(args.reason ? { reason: args.reason } : {}) };
  return askApproval({ services, user, where, actor, change });
};

const request: CommandHandler<Sub<'quota', 'request'>> = async ({ services, user, where, actor, args }) => {
  const targetLabel = user.name ? `@${user.name}` : actor.memberId;
  const change = { kind: 'request' as const, target: actor.memberId, targetLabel, service: args.service, requested: args.quota, ...(args.reason ? { reason: args.reason } : {}) };
  return askApproval({ services, user, where, actor, change });
};

const by = (p: PendingAction) => (p.requester.name ? `@${p.requester.name}` : p.requesterMember);

/** Admins: every request still waiting; members: their own. Each with its id and age. */
const pending: CommandHandler<Sub<'quota', 'pending'>> = async ({ services, actor }) => {
  const everyone = actor.role === 'admin';
  const open = (await services.pending.openApprovals(everyone ? undefined : actor.memberId)).filter((p) => p.action.startsWith('quota.'));
  if (open.length === 0) return say(everyone ? 'No quota requests are waiting for approval.' : 'You have no quota requests waiting for approval.');
  const now = services.now();
  const rows = open.map((p) => {
    const a = QuotaChangeArgs.parse(p.args);
    return [p.id, by(p), `${a.service.toUpperCase()} for ${a.targetLabel}: ${formatQuotaChange(a)}`, `${formatAge(now - p.createdAt)} ago`, `in ${formatAge(p.expiresAt - now)}`];
  });
  const how = everyone
    ? 'Approve or reject each on its card in the approvals channel; `/quota cancel <request>` withdraws one of your own.'
    : 'An admin approves each on its card in the approvals channel; `/quota cancel <request>` withdraws one.';
  return answer(
    reply([
      text(`${open.length} quota request${open.length === 1 ? '' : 's'} waiting for approval:`),
      { type: 'table', columns: ['request', 'by', 'change', 'asked', 'expires'], rows },
      text(how),
    ]),
  );
};

/** The requester withdraws a request still waiting; its card then answers that it was cancelled. */
const cancel: CommandHandler<Sub<'quota', 'cancel'>> = async ({ services, user, where, actor, args }) => {
  const id = args['request-id'];
  const p = await services.pending.get(id);
  const flow = p ? flowActions[p.action] : undefined;
  if (!p || p.flow !== 'approval' || flow?.flow !== 'approval' || !p.action.startsWith('quota.')) {
    return say(`There is no quota request \`${id}\`. \`/quota pending\` lists the ones waiting.`);
  }
  if (p.requesterMember !== actor.memberId) return say(`Only ${by(p)}, who asked for request \`${id}\`, can cancel it; an admin may reject it on its card. Nothing was changed.`);
  if (p.status !== 'pending') return say(`Request \`${id}\` is already ${p.status}; nothing was changed.`);
  if (services.pending.isExpired(p)) return say(`Request \`${id}\` has expired; nothing was changed.`);
  const lease = await services.pending.claim(p);
  if (!lease) return say(`Request \`${id}\` is being decided right now; nothing was changed.`);
  const name = user.name ? `@${user.name}` : actor.memberId;
  try {
    await services.pending.save({ ...p, status: 'cancelled', decidedBy: actor.chatKey, decidedByName: name, decidedAt: services.now(), note: `Cancelled by ${name}.` });
  } catch (err) {
    await lease.release();
    throw err;
  }
  await services.audit.append({ ...auditBase(user, where, actor), action: 'quota.cancelled', target: flow.auditTarget(p), outcome: 'cancelled' });
  await services.post({ kind: 'approvals', platform: p.requester.platform, origin: p.where }, reply(`${flow.summary(p)} was cancelled by ${name}; its card no longer does anything.`, 'channel'));
  return say(`Cancelled ${flow.summary(p)}.`);
};

export const quotaHandlers: HandlerTable<'quota'> = { show, set, request, pending, cancel };
