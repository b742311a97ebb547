import { type Actor, type QuotaValues, type Resources } from '../../backends/port.js';
import { auditBase } from '../audit.js';
import type { CommandHandler, Services } from '../context.js';
import { approvalCard } from '../flows/decide.js';
import type { QuotaChangeArgs } from '../flows/quota-change.js';
import { flowActions } from '../flows/registry.js';
import { formatResources } from '../format.js';
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

/** `set` (admin, for a member) and `request` (a member, for themselves) both end in an approval. */
async function askApproval({ services, user, where, actor, change }: ApprovalAsk) {
  const { service, target, requested } = change;
  const now = await services.backend.getQuotas(actor, service, target);
  if (!now.ok) return say(describeError(now.code, now.detail));
  const row = now.value.members.find((m) => m.member.id === target);
  if (!row) return say(describeError('member_not_found'));
  for (const r of ['cpu', 'gpu', 'memory'] as const) {
    const total = now.value.project[r].quota;
    const want = requested[r];
    if (want !== undefined && total >= 0 && want > total) return say(`${describeError('quota_exceeds_project', `${r}`)} Nothing was requested.`);
  }
  const action = `quota.${change.kind}` as const;
  const args: QuotaChangeArgs = { ...change, current: current(row.resources) };
  const pending = await services.pending.create({ flow: 'approval', action, requester: user, requesterMember: actor.memberId, where, args });
  await services.audit.append({
    ...auditBase(user, where, actor),
    action: 'quota.requested',
    target: `${target}/${service}`,
    outcome: 'ok',
    detail: JSON.stringify(requested),
  });
  const flow = flowActions[action];
  if (flow?.flow !== 'approval') throw new Error(`${action} is not an approval flow`);
  const posted = await services.post({ kind: 'approvals', platform: user.platform, origin: where }, approvalCard(pending, flow));
  if (!posted) return say(texts.approvalNotPosted(pending.id));
  return say(`Asked the tenant admins to approve ${service.toUpperCase()} quota for ${change.targetLabel} (request \`${pending.id}\`). You will hear the decision privately.`);
}

const set: CommandHandler<Sub<'quota', 'set'>> = async ({ services, user, where, actor, args }) => {
  const m = await memberOfMention(services, user, args.member);
  if (!m.ok) return say(m.message);
  const change = { kind: 'set' as const, target: m.memberId, targetLabel: m.label, service: args.service, requested: args.quota, ...(args.reason ? { reason: args.reason } : {}) };
  return askApproval({ services, user, where, actor, change });
};

const request: CommandHandler<Sub<'quota', 'request'>> = async ({ services, user, where, actor, args }) => {
  const targetLabel = user.name ? `@${user.name}` : actor.memberId;
  const change = { kind: 'request' as const, target: actor.memberId, targetLabel, service: args.service, requested: args.quota, ...(args.reason ? { reason: args.reason } : {}) };
  return askApproval({ services, user, where, actor, change });
};

export const quotaHandlers: HandlerTable<'quota'> = { show, set, request };
