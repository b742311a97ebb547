import { z } from 'zod';
import { Service, type Actor } from '../../backends/port.js';
import type { Services } from '../../core/feature.js';
import { decidedCard } from '../../core/flows/cards.js';
import { cardTranslator, type PendingAction } from '../../core/flows/pending.js';
import { formatAge } from '../../core/format.js';
import { Locale } from '../../core/i18n/locale.js';
import { ChatUser, Where } from '../../core/invocation.js';
import { reply } from '../../core/reply.js';
import type { SweepControl } from '../../core/sweeper.js';
import { QuotaChangeArgs, quotaChangeFlow } from '../quota/quota-change.js';
import { grantAuditBase, grantTranslator, listValues, tellMember } from './common.js';
import type { Grant, Values } from './grant-store.js';
import { startGrant } from './start.js';

const Numbers = z.object({ cpu: z.number().optional(), gpu: z.number().optional(), memory: z.number().optional() });

/**
 * An approved change the bot could not apply (TWCC_QUOTA_WRITE=off, or a write TWCC did not confirm),
 * or a grant's revert handed to the portal: the values TWCC should show once a tenant admin applies them.
 */
export const PortalWait = z.object({
  kind: z.literal('portal'),
  /** The request (or, for a revert, the grant) it is for. */
  id: z.string(),
  member: z.string(),
  targetLabel: z.string(),
  service: Service,
  values: Numbers,
  /** What those resources were before: a grant that starts when TWCC shows the values restores them. */
  before: Numbers,
  /** The approver (whose stored credential reads TWCC first) and the requester (read next). */
  by: z.object({ chatKey: z.string(), memberId: z.string() }),
  requester: ChatUser,
  requesterMember: z.string(),
  where: Where,
  locale: Locale.optional(),
  since: z.number(),
  remindedAt: z.number().optional(),
  /** A grant's revert, not a request. */
  revertOf: z.string().optional(),
  /** The bot sent the write, but TWCC did not confirm it: seen, it was applied after all (not on the portal). */
  unconfirmed: z.literal(true).optional(),
  status: z.enum(['waiting', 'seen']),
});
export type PortalWait = z.infer<typeof PortalWait>;

const KEEP_MS = 30 * 24 * 60 * 60 * 1000;
const keyOf = (w: Pick<PortalWait, 'id' | 'revertOf'>) => `portal:${w.revertOf ? 'revert:' : ''}${w.id}`;

/** Portal waits, beside the grants (one record each, keyed `portal:<id>`). */
class PortalWaits {
  constructor(private readonly services: Services) {}
  private get records() {
    return this.services.store.collection<unknown>('grants');
  }
  put(w: PortalWait): Promise<void> {
    return this.records.put(keyOf(w), PortalWait.parse(w), KEEP_MS);
  }
  async waiting(): Promise<PortalWait[]> {
    const all = (await this.records.values()).map((v) => PortalWait.safeParse(v)).flatMap((p) => (p.success ? [p.data] : []));
    return all.filter((w) => w.status === 'waiting').sort((a, b) => a.since - b.since);
  }
  async get(key: string): Promise<PortalWait | undefined> {
    const parsed = PortalWait.safeParse(await this.records.get(key));
    return parsed.success ? parsed.data : undefined;
  }
}

/** Starts watching TWCC for an approved change a tenant admin applies on the portal. */
export async function watchPortal(
  services: Services,
  p: PendingAction,
  a: QuotaChangeArgs,
  values: Values,
  before: Values,
  by: { chatKey: string; memberId: string },
  unconfirmed = false,
): Promise<void> {
  const wait: PortalWait = {
    kind: 'portal',
    id: p.id,
    member: a.target,
    targetLabel: a.targetLabel,
    service: a.service,
    values,
    before,
    by: { chatKey: by.chatKey, memberId: by.memberId },
    requester: p.requester,
    requesterMember: p.requesterMember,
    where: p.where,
    ...(p.locale ? { locale: p.locale } : {}),
    since: services.now(),
    ...(unconfirmed ? { unconfirmed: true as const } : {}),
    status: 'waiting',
  };
  await new PortalWaits(services).put(wait);
}

/** A grant's revert the bot cannot write: watched until TWCC shows the previous values. */
export async function watchRevert(services: Services, g: Grant, values: Values): Promise<void> {
  await new PortalWaits(services).put({
    kind: 'portal',
    id: g.id,
    member: g.member,
    targetLabel: g.targetLabel,
    service: g.service,
    values,
    before: g.granted,
    by: g.by,
    requester: g.requester,
    requesterMember: g.member,
    where: g.where,
    ...(g.locale ? { locale: g.locale } : {}),
    since: services.now(),
    revertOf: g.id,
    status: 'waiting',
  });
}

/** What one portal sweep did. */
export interface PortalSweepReport {
  waiting: number;
  /** Seen on TWCC: applied (or restored) on the portal. */
  seen: number;
  reminded: number;
  /** Could not be read (no stored credential, TWCC down): tried at the next sweep. */
  unreadable: number;
  complete: boolean;
}

/** The quota TWCC shows for the member now, read with the approver's stored credential, else the requester's. */
async function readBack(services: Services, w: PortalWait): Promise<Values | undefined> {
  const actors: Actor[] = [
    { ...w.by, role: 'admin' },
    { chatKey: `${w.requester.platform}:${w.requester.userId}`, memberId: w.requesterMember, role: 'user' },
  ];
  for (const actor of actors) {
    const read = await services.backend.getQuotas(actor, w.service, w.member);
    const row = read.ok ? read.value.members.find((m) => m.member.id === w.member) : undefined;
    if (row) return { cpu: row.resources.cpu.quota, gpu: row.resources.gpu.quota, memory: row.resources.memory.quota };
  }
  return undefined;
}

const shows = (now: Values, want: Values) => (['cpu', 'gpu', 'memory'] as const).every((r) => want[r] === undefined || now[r] === want[r]);

/** The approver's name as their link has it (`@carol`), else their member id. */
async function nameOf(services: Services, chatKey: string, memberId: string): Promise<string> {
  const link = (await services.identity.all()).find((l) => l.chatKey === chatKey);
  return link?.name ? `@${link.name}` : memberId;
}

/**
 * One pass over the approved changes waiting for the portal, on the replica holding the sweep's lease:
 * each is read back from TWCC (claimed per change, so a slow read is never done twice at once); once
 * TWCC shows the values, the approvals channel and the requester are told, the request is recorded as
 * applied and audited, and a time-bound grant starts; one still waiting PORTAL_REMIND_AFTER after its
 * approval (or its last reminder) is brought up again in the approvals channel, naming its approver.
 */
export async function sweepPortal(services: Services, control: Pick<SweepControl, 'mayContinue' | 'leaseRemainingMs'>, remindAfterMs: number): Promise<PortalSweepReport> {
  const waits = new PortalWaits(services);
  const report: PortalSweepReport = { waiting: 0, seen: 0, reminded: 0, unreadable: 0, complete: false };
  for (const listed of await waits.waiting()) {
    if (!(await control.mayContinue())) return report;
    report.waiting++;
    const claim = await services.store.claim(`portal-check:${keyOf(listed)}`, control.leaseRemainingMs());
    if (!claim) continue;
    try {
      const w = await waits.get(keyOf(listed));
      if (!w || w.status !== 'waiting') continue;
      const now = await readBack(services, w);
      if (!now) report.unreadable++;
      if (now && shows(now, w.values)) {
        await seen(services, waits, w);
        report.seen++;
        continue;
      }
      if (services.now() - (w.remindedAt ?? w.since) >= remindAfterMs) {
        await remind(services, w);
        await waits.put({ ...w, remindedAt: services.now() });
        report.reminded++;
      }
    } finally {
      await claim.release();
    }
  }
  report.complete = true;
  return report;
}

async function seen(services: Services, waits: PortalWaits, w: PortalWait): Promise<void> {
  await waits.put({ ...w, status: 'seen' });
  const t = grantTranslator(services, w);
  const service = w.service.toUpperCase();
  const target = `${w.member}/${w.service}`;
  const base = grantAuditBase(w, 'bot:portal');
  const approvals = { kind: 'approvals' as const, platform: w.requester.platform, origin: w.where };
  if (w.revertOf) {
    await services.audit.append({ ...base, action: 'quota.reverted', target, outcome: 'ok', detail: `on the portal ${JSON.stringify(w.values)}` });
    await services.post(approvals, reply(t.t('grants.portal.restored', { service, id: w.id, target: w.targetLabel, values: listValues(t, w.values) }), 'channel'));
    await tellMember(services, w, (mt) => mt.t('grants.portal.restoredDm', { service, id: w.id, values: listValues(mt, w.values) }));
    return;
  }
  await services.audit.append({ ...base, action: 'quota.applied', target, outcome: 'ok', detail: `${w.unconfirmed ? 'read back' : 'on the portal'} ${JSON.stringify(w.values)}` });
  const line = t.t(w.unconfirmed ? 'grants.portal.confirmed' : 'grants.portal.applied', { service, id: w.id, target: w.targetLabel, values: listValues(t, w.values) });
  // The request is recorded as applied, its note saying so (a late click or `/quota pending` reads it).
  const p = await services.pending.get(w.id);
  if (p) {
    const applied: PendingAction = { ...p, status: 'applied', note: [p.note, line].filter(Boolean).join('\n') };
    await services.pending.save(applied);
    // Its cards (the approvals channel's, the escalation channel's) are edited in place to say so, in the card's language.
    const card = decidedCard(cardTranslator(services, applied), applied, quotaChangeFlow);
    for (const ref of await services.pending.cardsOf(p.id)) await services.edit(ref, card);
  }
  await services.post(approvals, reply(line, 'channel'));
  const requesterT = await services.locales.translatorFor(w.requester, undefined, { memberId: w.requesterMember });
  await services.post({ kind: 'dm', user: w.requester }, reply(requesterT.t(w.unconfirmed ? 'grants.portal.confirmedDm' : 'grants.portal.appliedDm', { service, id: w.id, values: listValues(requesterT, w.values) }), 'dm'));
  const a = p ? QuotaChangeArgs.safeParse(p.args) : undefined;
  if (p && a?.success) await startGrant(services, p, a.data, w.before, w.values, w.by);
}

async function remind(services: Services, w: PortalWait): Promise<void> {
  const t = grantTranslator(services, w);
  const by = await nameOf(services, w.by.chatKey, w.by.memberId);
  const text = t.t('grants.portal.remind', { service: w.service.toUpperCase(), id: w.id, target: w.targetLabel, by, age: formatAge(t, services.now() - w.since), values: listValues(t, w.values) });
  await services.post({ kind: 'approvals', platform: w.requester.platform, origin: w.where }, reply(text, 'channel'));
  await services.audit.append({ ...grantAuditBase(w, 'bot:portal'), action: 'quota.portal_reminded', target: `${w.member}/${w.service}`, outcome: 'ok', detail: w.id });
}
