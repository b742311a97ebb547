import type { Resources } from '../../backends/port.js';
import type { ApprovalRequest } from '../approvals.js';
import { describeError, texts } from '../i18n.js';
import type { Outcome } from '../outcome.js';
import { reply, text, type Reply } from '../reply.js';
import { auditBase, type ClickInvocation, type Services } from '../services.js';
import { formatCount, formatMemory } from '../units.js';

function formatValues(r: ApprovalRequest): string {
  const parts: string[] = [];
  for (const k of ['cpu', 'gpu', 'memory'] as const) {
    const want = r.requested[k];
    if (want === undefined) continue;
    const fmt = k === 'memory' ? formatMemory : String;
    const was = r.current[k];
    parts.push(`${k} ${was === undefined ? '?' : fmt(was)} → ${fmt(want)}`);
  }
  return parts.join(', ');
}

/** "cpu 16, gpu 2, memory 64G": the quotas a backend shows. */
function formatQuotas(r: Resources): string {
  return `cpu ${formatCount(r.cpu.quota)}, gpu ${formatCount(r.gpu.quota)}, memory ${formatMemory(r.memory.quota)}`;
}

/** The card body, the same before and after the decision; only the last line changes. */
function cardBody(r: ApprovalRequest): string {
  const who = r.requester.name ? `@${r.requester.name}` : r.requesterMember;
  const head = r.kind === 'set' ? `${who} asks to set ${r.targetLabel}’s ${r.service.toUpperCase()} quota` : `${who} asks for more ${r.service.toUpperCase()} quota`;
  return [`${head}: ${formatValues(r)}.`, r.reason ? `Reason: ${r.reason}` : '', `Request \`${r.id}\`, expires ${new Date(r.expiresAt).toISOString().slice(0, 16).replace('T', ' ')} UTC.`]
    .filter(Boolean)
    .join('\n');
}

/** Pending: Approve and Reject buttons for a second admin. */
export function approvalCard(r: ApprovalRequest): Reply {
  return reply(
    [
      text(cardBody(r)),
      {
        type: 'buttons',
        buttons: [
          { id: `a:${r.id}:approve`, label: 'Approve', style: 'primary' },
          {
            id: `a:${r.id}:reject`,
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
function decidedCard(r: ApprovalRequest): Reply {
  const outcome = r.note ?? '';
  return reply([text(`${cardBody(r)}\n${outcome}`)], 'channel', { replaceOriginal: true });
}

const notice = (message: string): Outcome => ({ kind: 'reply', reply: reply(message) });

/**
 * Approve or Reject: the clicker must be an admin other than the requester; the decision is
 * claimed atomically, applied through the backend, the card edited in place, and the requester
 * told privately.
 */
export async function handleApprovalClick(services: Services, inv: ClickInvocation): Promise<Outcome> {
  const [, id = '', choice] = inv.actionId.split(':');
  const request = await services.approvals.get(id);
  if (!request) return notice(texts.unknownAction);
  if (request.status !== 'pending') return notice(texts.alreadyDecided);
  const approver = await services.identity.resolve(inv.user);
  if (!approver || approver.role !== 'admin') return notice('Only a tenant admin can approve or reject quota changes.');
  const sameChatUser = approver.chatKey === `${request.requester.platform}:${request.requester.userId}`;
  if (sameChatUser || approver.memberId === request.requesterMember) {
    return notice('You asked for this change: another tenant admin has to approve or reject it.');
  }
  if (!(await services.approvals.claim(request))) return notice(texts.alreadyDecided);

  const by = inv.user.name ? `@${inv.user.name}` : approver.memberId;
  const decided = { ...request, decidedBy: approver.chatKey, decidedByName: by, decidedAt: services.now() };
  const base = auditBase(inv.user, inv.where, approver);
  const target = `${request.target}/${request.service}`;
  let outcome: string;
  let status: ApprovalRequest['status'];

  if (services.approvals.isExpired(request)) {
    status = 'expired';
    outcome = 'Expired before anyone decided; nothing was changed.';
    await services.audit.append({ ...base, action: 'quota.expired', target, outcome: 'expired' });
  } else if (choice !== 'approve') {
    status = 'rejected';
    outcome = `Rejected by ${by}.`;
    await services.audit.append({ ...base, action: 'quota.rejected', target, outcome: 'rejected' });
  } else if (!services.backend.capabilities.quotaWrite) {
    status = 'approved';
    outcome = `Approved by ${by}: apply it on the portal’s Quota page (this bot cannot change TWCC quotas).`;
    await services.audit.append({ ...base, action: 'quota.approved', target, outcome: 'ok', detail: 'apply on portal' });
  } else {
    await services.audit.append({ ...base, action: 'quota.approved', target, outcome: 'ok' });
    const applied = await services.backend.setQuota(approver, request.target, request.service, request.requested);
    if (!applied.ok && applied.code === 'maybe_applied') {
      status = 'approved';
      outcome = `Approved by ${by}; ${describeError(applied.code, applied.detail)}`;
      await services.audit.append({ ...base, action: 'quota.applied', target, outcome: 'unknown', detail: applied.code });
    } else if (!applied.ok) {
      status = 'failed';
      outcome = `Approved by ${by}, but not applied: ${describeError(applied.code, applied.detail)}`;
      await services.audit.append({ ...base, action: 'quota.applied', target, outcome: 'failed', detail: applied.code });
    } else {
      // The backend read the quota back: the card says only what it shows.
      const { verdict, shown, answer } = applied.value;
      const shows = shown ? `TWCC now shows ${formatQuotas(shown)}` : 'TWCC’s quota could not be read back';
      const twccSaid = answer ? ` (TWCC answered: ${answer})` : '';
      if (verdict === 'applied') {
        status = 'applied';
        outcome = `Approved by ${by} and applied.`;
      } else if (verdict === 'not_applied') {
        status = 'failed';
        outcome = `Approved by ${by}, but not applied: ${shows}.${twccSaid} Apply it on the portal’s Quota page.`;
      } else {
        status = 'approved';
        outcome = `Approved by ${by}; it may have been applied, but this is not confirmed: ${shows}.${twccSaid} Check with \`/quota show\`.`;
      }
      const audited = verdict === 'applied' ? 'ok' : verdict === 'not_applied' ? 'failed' : 'unknown';
      await services.audit.append({ ...base, action: 'quota.applied', target, outcome: audited, detail: `${verdict} ${JSON.stringify(request.requested)}` });
    }
  }
  const final: ApprovalRequest = { ...decided, status, note: outcome };
  await services.approvals.save(final);
  await services.post(
    { kind: 'dm', user: request.requester },
    reply(`Your ${request.service.toUpperCase()} quota request \`${request.id}\` (${formatValues(request)}): ${outcome}`, 'dm'),
  );
  return { kind: 'reply', reply: decidedCard(final) };
}
