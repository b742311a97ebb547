import type { Actor, QuotaValues } from '../../backends/port.js';
import type { Services } from '../../core/feature.js';
import { describeError } from '../../core/i18n.js';
import { reply } from '../../core/reply.js';
import { keepAlive } from '../../store/keep-alive.js';
import { withLock } from '../../store/lock.js';
import { decidedCard } from '../../core/flows/cards.js';
import { cardTranslator, type PendingAction } from '../../core/flows/pending.js';
import { APPLY_LOCK, quotaChangeFlow } from '../quota/quota-change.js';
import { Grants, type Grant, type Values } from './grant-store.js';
import { grantAuditBase, grantTranslator, listValues, tellMember } from './common.js';
import { watchRevert } from './portal.js';
import type { Translator } from './messages.js';

/** Why a grant ends: its time is up, its member gave it back, or its break-glass review did not approve it. */
export type RevertWhy = 'ended' | 'returned' | 'review';

/** What one revert did. */
export type RevertResult =
  /** `note`: to the member who gave it back; `channel`: what the approvals channel (and a review's card) says. */
  | { kind: 'reverted'; note: string; channel: string }
  /** Not restored (failed, unknown, or to be done on the portal): reported, and tried again. */
  | { kind: 'failed'; note: string }
  /** Another replica or click is reverting it right now, or it has ended already. */
  | { kind: 'busy' }
  | { kind: 'gone' };

/** After a failed revert, the next try waits this long (the sweep's next run after it). */
export const RETRY_MS = 5 * 60_000;
/** A revert's claim lives this long past its last renewal (renewed while the write runs). */
const REVERT_CLAIM_MS = 30_000;

const RESOURCES = ['cpu', 'gpu', 'memory'] as const;

/**
 * Ends grant `id`: under its claim (one revert at a time, across replicas and clicks), and under the
 * member's quota lock (the same as an approval's apply), the quota is read again and only the
 * resources that still carry the granted value get their previous value back; the rest are named as
 * left alone. The write goes through the backend with the read-back; every outcome is audited; a
 * failed or unknown one is reported to the approvals channel and tried again later.
 */
export async function revertGrant(services: Services, id: string, why: RevertWhy, who = 'bot:grants'): Promise<RevertResult> {
  const grants = new Grants(services.store, services.now);
  const claim = await services.store.claim(`grant-revert:${id}`, REVERT_CLAIM_MS);
  if (!claim) return { kind: 'busy' };
  const stop = keepAlive(claim, REVERT_CLAIM_MS);
  try {
    const g = await grants.get(id);
    if (!g || g.status !== 'active') return { kind: 'gone' };
    const result = await withLock(services.store, `quota-apply:${g.service}:${g.member}`, () => restore(services, grants, g, why, who), APPLY_LOCK);
    if (result.kind === 'reverted' && why === 'review' && g.reviewId) await closeReview(services, g.reviewId, result.channel);
    return result;
  } finally {
    stop();
    await claim.release();
  }
}

async function restore(services: Services, grants: Grants, g: Grant, why: RevertWhy, who: string): Promise<RevertResult> {
  const t = grantTranslator(services, g);
  const base = grantAuditBase(g, who);
  const target = `${g.member}/${g.service}`;
  const by: Actor = { ...g.by, role: 'admin' };
  const service = g.service.toUpperCase();
  const whyText = t.t('grants.why', { why });
  const read = await services.backend.getQuotas(by, g.service, g.member);
  const row = read.ok ? read.value.members.find((m) => m.member.id === g.member) : undefined;
  if (!read.ok || !row) {
    const code = read.ok ? 'member_not_found' : read.code;
    return failed(services, grants, g, t, base, target, why, describeError(t, code, read.ok ? undefined : read.detail), g.previous);
  }
  const now: Values = { cpu: row.resources.cpu.quota, gpu: row.resources.gpu.quota, memory: row.resources.memory.quota };
  // Only what still carries the granted value is restored; what already shows the previous value is done.
  const todo: QuotaValues = {};
  const left: Values = {};
  for (const r of RESOURCES) {
    const granted = g.granted[r];
    const previous = g.previous[r];
    if (granted === undefined || previous === undefined || now[r] === previous) continue;
    if (now[r] === granted) todo[r] = Math.max(0, previous);
    else left[r] = now[r];
  }
  const restored = Object.keys(todo).length > 0;
  if (restored && !services.backend.capabilities.quotaWrite) {
    const note = t.t('grants.revertPortal', { service, id: g.id, target: g.targetLabel, why: whyText, change: listValues(t, todo) });
    await services.audit.append({ ...base, action: 'quota.reverted', target, outcome: 'unknown', detail: `apply on portal ${JSON.stringify(todo)}` });
    await services.post({ kind: 'approvals', platform: g.requester.platform, origin: g.where }, reply(note, 'channel'));
    // Handed to the tenant admins: the portal watch reads TWCC until it shows the previous values (./portal.ts).
    await watchRevert(services, g, todo);
    await grants.put({ ...g, status: 'reverted' });
    return { kind: 'reverted', note, channel: note };
  }
  if (restored) {
    const written = await services.changing(services.backend.setQuota(by, g.member, g.service, todo));
    if (!written.ok || written.value.verdict !== 'applied') {
      const note = written.ok
        ? t.t('grants.stillShows', { values: written.value.shown ? listValues(t, { cpu: written.value.shown.cpu.quota, gpu: written.value.shown.gpu.quota, memory: written.value.shown.memory.quota }) : '?' })
        : describeError(t, written.code, written.detail);
      const unknown = written.ok ? written.value.verdict === 'unknown' : written.code === 'maybe_applied';
      return failed(services, grants, g, t, base, target, why, note, todo, unknown);
    }
  }
  await services.audit.append({ ...base, action: 'quota.reverted', target, outcome: 'ok', detail: `${why} restored ${JSON.stringify(todo)}${Object.keys(left).length ? ` left ${JSON.stringify(left)}` : ''}` });
  await grants.put({ ...g, status: 'reverted' });
  const same = listValues(t, left);
  const leftSome = Object.keys(left).length > 0;
  const change = listValues(t, todo);
  const note = !restored
    ? t.t('grants.leftAll', { service, id: g.id, why: whyText, same })
    : leftSome
      ? t.t('grants.revertedAndLeft', { service, id: g.id, why: whyText, change, same })
      : t.t('grants.reverted', { service, id: g.id, why: whyText, change });
  await tellMember(services, g, (mt) => {
    const w = mt.t('grants.why', { why });
    if (!restored) return mt.t('grants.leftAll', { service, id: g.id, why: w, same: listValues(mt, left) });
    return leftSome ? mt.t('grants.revertedAndLeft', { service, id: g.id, why: w, change: listValues(mt, todo), same: listValues(mt, left) }) : mt.t('grants.reverted', { service, id: g.id, why: w, change: listValues(mt, todo) });
  });
  const channelLeft = leftSome ? t.t('grants.leftChannel', { same }) : '';
  const channel = t.t('grants.revertedChannel', { service, id: g.id, target: g.targetLabel, why: whyText, change: restored ? change : '-', note: channelLeft });
  await services.post({ kind: 'approvals', platform: g.requester.platform, origin: g.where }, reply(channel, 'channel'));
  return { kind: 'reverted', note, channel };
}

/**
 * A break-glass review that did not approve its change, once the change is reverted: its cards (the approvals
 * channel's, the escalation channel's) are edited once, saying both. Left undecided, the request is closed here as
 * expired (the approval sweep leaves a review's expiry to this revert: src/features/approvals/index.ts); rejected,
 * the rejection keeps its words and the revert is added. Under the request's decision claim: a click being decided
 * right now edits the cards itself.
 */
async function closeReview(services: Services, id: string, reverted: string): Promise<void> {
  const p = await services.pending.get(id);
  if (!p) return;
  let closed: PendingAction;
  if (p.status !== 'pending') {
    // Decided already (rejected): nothing decides it again, so no claim is needed (this revert holds the grant's).
    closed = { ...p, note: [p.note, reverted].filter(Boolean).join('\n') };
    await services.pending.save(closed);
  } else {
    const lease = await services.pending.claim(p);
    if (!lease) return;
    try {
      const fresh = (await services.pending.get(id)) ?? p;
      const card = cardTranslator(services, fresh);
      if (fresh.status === 'pending') {
        closed = { ...fresh, status: 'expired', decidedAt: services.now(), note: card.t('grants.reviewExpired', { note: reverted }) };
        const bot = { actor: 'bot:grants', platform: fresh.requester.platform, workspace: fresh.where.workspace, channel: fresh.where.channelId };
        await services.audit.append({ ...bot, action: `${quotaChangeFlow.auditPrefix}.expired`, target: quotaChangeFlow.auditTarget(fresh), ref: fresh.id, outcome: 'expired', detail: 'nobody decided; break-glass reverted' });
      } else {
        closed = { ...fresh, note: [fresh.note, reverted].filter(Boolean).join('\n') };
      }
      await services.pending.save(closed);
      lease.done();
    } catch (err) {
      await lease.release();
      throw err;
    }
  }
  const edited = decidedCard(cardTranslator(services, closed), closed, quotaChangeFlow);
  for (const ref of await services.pending.cardsOf(id)) await services.edit(ref, edited);
}

/** A revert that did not happen (or may not have): audited, said in the approvals channel, tried again after RETRY_MS. */
async function failed(
  services: Services,
  grants: Grants,
  g: Grant,
  t: Translator,
  base: ReturnType<typeof grantAuditBase>,
  target: string,
  why: RevertWhy,
  note: string,
  todo: Values,
  unknown = false,
): Promise<RevertResult> {
  await services.audit.append({ ...base, action: 'quota.reverted', target, outcome: unknown ? 'unknown' : 'failed', detail: `${why} ${JSON.stringify(todo)}` });
  const text = t.t('grants.revertFailed', { service: g.service.toUpperCase(), id: g.id, target: g.targetLabel, why: t.t('grants.why', { why }), note, change: listValues(t, g.granted) });
  await services.post({ kind: 'approvals', platform: g.requester.platform, origin: g.where }, reply(text, 'channel'));
  await grants.put({ ...g, retryAt: services.now() + RETRY_MS, attempts: (g.attempts ?? 0) + 1 });
  return { kind: 'failed', note: text };
}

