import type { QuotaValues, Resources } from '../../backends/port.js';
import { describeError, texts } from '../i18n.js';
import { formatResources } from '../format.js';
import type { Outcome } from '../outcome.js';
import { mayManageMember } from '../policy.js';
import { reply, text, type Block } from '../reply.js';
import { auditBase, type CommandContext, type CommandHandler } from '../services.js';
import { approvalCard } from './approval-flow.js';
import { memberOfMention } from './members.js';

const answer = (message: string): Outcome => ({ kind: 'reply', reply: reply(message) });

const current = (r: Resources): QuotaValues => ({ cpu: r.cpu.quota, gpu: r.gpu.quota, memory: r.memory.quota });

const show: CommandHandler = async ({ services, user, actor, args }) => {
  const onlyService = args.optional('service', 'service');
  const mention = args.optional('member', 'mention');
  let memberId: string | undefined;
  if (mention) {
    const m = await memberOfMention(services, user, mention);
    if (!m.ok) return answer(m.message);
    if (!mayManageMember(actor!, m.memberId)) return answer('Only a tenant admin may see another member’s quota.');
    memberId = m.memberId;
  } else if (actor!.role !== 'admin') {
    memberId = actor!.memberId;
  }
  const blocks: Block[] = [];
  // Only the services this deployment offers (TWCC: CCS only with TWCC_CCS_SITE); a named one is asked, and refused by the backend.
  for (const service of onlyService ? [onlyService] : services.backend.capabilities.services) {
    const report = await services.backend.getQuotas(actor!, service, memberId);
    if (!report.ok) {
      blocks.push(text(`*${service.toUpperCase()}*: ${describeError(report.code, report.detail)}`));
      continue;
    }
    const [cpu, gpu, memory] = formatResources(report.value.project);
    blocks.push(text(`*${service.toUpperCase()}* project: cpu ${cpu}, gpu ${gpu}, memory ${memory} (usage / quota)`));
    blocks.push({
      type: 'table',
      columns: ['member', 'cpu', 'gpu', 'memory'],
      rows: report.value.members.map((m) => [m.member.username, ...formatResources(m.resources)]),
    });
  }
  return { kind: 'reply', reply: reply(blocks) };
};

/** `set` (admin, for a member) and `request` (a member, for themselves) both end in an approval. */
async function askApproval(ctx: CommandContext, kind: 'set' | 'request', target: string, targetLabel: string): Promise<Outcome> {
  const { services, user, where, actor, args } = ctx;
  const service = args.get('service', 'service');
  const requested = args.get('quota', 'quota');
  const reason = args.optional('reason', 'reason');
  const now = await services.backend.getQuotas(actor!, service, target);
  if (!now.ok) return answer(describeError(now.code, now.detail));
  const row = now.value.members.find((m) => m.member.id === target);
  if (!row) return answer(describeError('member_not_found'));
  for (const r of ['cpu', 'gpu', 'memory'] as const) {
    const total = now.value.project[r].quota;
    const want = requested[r];
    if (want !== undefined && total >= 0 && want > total) return answer(`${describeError('quota_exceeds_project', `${r}`)} Nothing was requested.`);
  }
  const request = await services.approvals.create({
    kind,
    requester: user,
    requesterMember: actor!.memberId,
    where,
    target,
    targetLabel,
    service,
    current: current(row.resources),
    requested,
    ...(reason ? { reason } : {}),
  });
  await services.audit.append({
    ...auditBase(user, where, actor),
    action: 'quota.requested',
    target: `${target}/${service}`,
    outcome: 'ok',
    detail: JSON.stringify(requested),
  });
  const posted = await services.post({ kind: 'approvals', platform: user.platform, origin: where }, approvalCard(request));
  if (!posted) return answer(texts.approvalNotPosted(request.id));
  return answer(`Asked the tenant admins to approve ${service.toUpperCase()} quota for ${targetLabel} (request \`${request.id}\`). You will hear the decision privately.`);
}

const set: CommandHandler = async (ctx) => {
  const m = await memberOfMention(ctx.services, ctx.user, ctx.args.get('member', 'mention'));
  if (!m.ok) return answer(m.message);
  return askApproval(ctx, 'set', m.memberId, m.label);
};

const request: CommandHandler = async (ctx) => askApproval(ctx, 'request', ctx.actor!.memberId, ctx.user.name ? `@${ctx.user.name}` : ctx.actor!.memberId);

export const quotaHandlers: Record<string, CommandHandler> = { show, set, request };
