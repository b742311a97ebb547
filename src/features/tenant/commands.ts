import { createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoginVia } from '../../backends/port.js';
import type { AuditExportArgs } from '../../core/args.js';
import { auditBase } from '../../core/audit.js';
import { csvHeader, toCsvLine, toJsonLine } from '../../core/audit-event.js';
import { auditDetail } from './audit-detail.js';
import type { HandlersFor, Services } from '../../core/feature.js';
import { describeError, texts, translator } from '../../core/i18n.js';
import type { LoginInvocation } from '../../core/invocation.js';
import type { Outcome } from '../../core/outcome.js';
import { reply, text } from '../../core/reply.js';
import { ReminderOptOut } from '../reminders/opt-out.js';
import type { MessageId, Translator } from './messages.js';
import type { tenantSpec } from './spec.js';

type Handlers = HandlersFor<typeof tenantSpec, MessageId>;

const answer = (message: string): Outcome => ({ kind: 'reply', reply: reply(message) });

const login: Handlers['login'] = async ({ services, t }) => {
  if (!services.backend.capabilities.login) return answer(describeError(t, 'login_unsupported'));
  return {
    kind: 'login-modal',
    title: t.t('tenant.login.title'),
    label: t.t('tenant.login.label'),
    placeholder: t.t('tenant.login.placeholder'),
    submit: t.t('tenant.login.submit'),
    cancel: t.t('tenant.login.cancel'),
    again: t.t('discord.loginAgain', { title: t.t('tenant.login.title') }),
  };
};

/** The login modal's submission: the backend checks the key and says who it belongs to. */
export async function completeLogin(services: Services, t: Translator, inv: LoginInvocation): Promise<Outcome> {
  if (!services.backend.capabilities.login) return answer(describeError(t, 'login_unsupported'));
  const key = inv.apiKey.trim();
  if (!/^[\x21-\x7e]{8,256}$/.test(key)) return answer(t.t('tenant.login.notAKey'));
  const who = await services.changing(services.backend.login(`${inv.user.platform}:${inv.user.userId}`, key));
  const base = auditBase(inv.user, inv.where, undefined);
  if (!who.ok) {
    await services.audit.append({ ...base, action: 'link.login', target: `${inv.user.platform}:${inv.user.userId}`, outcome: 'failed', detail: who.code });
    const why =
      who.code === 'credential_invalid'
        ? t.t('tenant.login.keyRefused', { expired: who.detail?.toLowerCase().includes('expired') ? 'yes' : 'no' })
        : describeError(t, who.code, who.detail);
    return answer(t.t('tenant.login.failed', { why }));
  }
  const { memberId, username, role, via } = who.value;
  await services.identity.save(inv.user, memberId, role, 'login', { username, roleCheckedAt: services.now(), loginVia: via });
  await services.audit.append({ ...base, member: memberId, action: 'link.login', target: memberId, outcome: 'ok', detail: role });
  await services.publish({ type: 'member.linked', memberId, chatKey: `${inv.user.platform}:${inv.user.userId}` });
  return answer(t.t('tenant.login.linked', { username, role }));
}

const logout: Handlers['logout'] = async ({ services, user, where, actor, t }) => {
  // On the embedded registry an admin made the link, and only an admin can make it again.
  if (!services.backend.capabilities.login && actor && actor.role !== 'admin') {
    return answer(t.t('tenant.logout.adminsOnly'));
  }
  await services.changing(services.backend.logout(`${user.platform}:${user.userId}`));
  const removed = await services.identity.remove(user.platform, user.userId);
  if (removed) {
    await services.audit.append({ ...auditBase(user, where, actor), action: 'link.logout', target: actor?.memberId ?? '-', outcome: 'ok' });
    await services.publish({ type: 'member.unlinked', memberId: actor?.memberId ?? '-', chatKey: `${user.platform}:${user.userId}` });
  }
  return answer(removed ? t.t('tenant.logout.done') : t.t('tenant.logout.notLinked'));
};

const link: Handlers['link'] = async ({ services, user, where, actor, args, t }) => {
  if (!services.backend.capabilities.adminLinks) return answer(describeError(t, 'link_unsupported'));
  const mention = args.user;
  const memberId = args.member.toLowerCase();
  const label = `@${mention.name ?? mention.userId}`;
  // ADMINS keeps a person an admin whatever a link says: refuse a role that would not hold.
  const pinned = services.identity.isPinnedAdmin({ platform: user.platform, userId: mention.userId });
  if (pinned && args.role === 'user') {
    return answer(t.t('tenant.link.pinned', { label }));
  }
  const role = pinned ? 'admin' : (args.role ?? 'user');
  const target = { platform: user.platform, userId: mention.userId, ...(mention.name ? { name: mention.name } : {}) };
  const linking = await services.identity.link(target, memberId, role, `${user.platform}:${user.userId}`);
  if (!linking.ok) return answer(describeError(t, linking.code, linking.detail));
  const { previous, others } = linking.value;
  await services.audit.append({
    ...auditBase(user, where, actor),
    action: 'link.created',
    target: `${user.platform}:${mention.userId}`,
    outcome: 'ok',
    detail: `${memberId} as ${role}${previous ? ` (was ${previous.memberId} as ${previous.role})` : ''}`,
  });
  await services.publish({ type: 'member.linked', memberId, chatKey: `${user.platform}:${mention.userId}` });
  const linked = t.t('tenant.link.done', { label, member: memberId, role: t.t('tenant.role', { role }), pinned: pinned && !args.role ? 'yes' : 'no' });
  if (others.length === 0) return answer(linked);
  return answer(`${linked}${t.t('core.sentenceGap')}${texts.sameMember(t, memberId, others.map((l) => `${l.platform}:${l.name ?? l.userId}`))}`);
};

const unlink: Handlers['unlink'] = async ({ services, user, where, actor, args, t }) => {
  const mention = args.user;
  const label = `@${mention.name ?? mention.userId}`;
  const existing = await services.identity.linkOf(user.platform, mention.userId);
  if (!existing) return answer(t.t('tenant.unlink.notLinked', { label }));
  if (existing.chatKey === actor.chatKey) return answer(t.t('tenant.unlink.self'));
  await services.identity.remove(user.platform, mention.userId);
  await services.changing(services.backend.logout(existing.chatKey));
  await services.audit.append({ ...auditBase(user, where, actor), action: 'link.removed', target: existing.chatKey, outcome: 'ok', detail: existing.memberId });
  await services.publish({ type: 'member.unlinked', memberId: existing.memberId, chatKey: existing.chatKey });
  return answer(t.t('tenant.unlink.done', { label, member: existing.memberId }));
};

const members: Handlers['members'] = async ({ services, actor, t }) => {
  const list = await services.backend.listMembers(actor);
  if (!list.ok) return answer(describeError(t, list.code, list.detail));
  const links = await services.identity.all();
  const rows = list.value.map((m) => {
    const mine = links.filter((l) => l.memberId === m.id);
    const role = mine.some((l) => l.role === 'admin') ? 'admin' : mine.length ? 'user' : '-';
    return [m.username, t.t('tenant.role', { role }), mine.map((l) => `${l.platform}:${l.name ?? l.userId}`).join(', ') || t.t('tenant.members.notLinked')];
  });
  if (rows.length === 0) return answer(t.t('tenant.members.none'));
  const remindersOff = new Set(await new ReminderOptOut(services.store).off(list.value.map((m) => m.id)));
  const offNames = list.value.filter((m) => remindersOff.has(m.id)).map((m) => m.username);
  const offNote = offNames.length > 0 ? [text(t.t('tenant.members.remindersOff', { members: offNames.join(', ') }))] : [];
  const columns = [t.t('tenant.column.member'), t.t('tenant.column.role'), t.t('tenant.column.chat')];
  return { kind: 'reply', reply: reply([text(t.t('tenant.members.head', { n: rows.length })), { type: 'table', columns, rows }, ...offNote]) };
};

/** How `/tenant whoami` names the path the backend's login took. */
const loginPath = (t: Translator, via: LoginVia): string => t.t(`tenant.loginVia.${via}`);

const whoami: Handlers['whoami'] = async ({ services, user, actor, t, callerLink: link }) => {
  if (!actor) {
    const how = services.backend.capabilities.login ? t.t('tenant.whoami.howLogin') : t.t('tenant.whoami.howLink');
    return answer(t.t('tenant.whoami.unlinked', { who: `${user.platform}:${user.userId}`, how }));
  }
  return {
    kind: 'reply',
    reply: reply([
      {
        type: 'fields',
        fields: [
          { label: t.t('tenant.field.chatUser'), value: `${user.platform}:${user.name ?? user.userId}` },
          { label: t.t('tenant.field.member'), value: link?.username ?? actor.memberId },
          { label: t.t('tenant.field.role'), value: t.t('tenant.role', { role: actor.role }) },
          { label: t.t('tenant.field.backend'), value: services.backend.name === 'twcc' ? t.t('tenant.backend.twcc') : t.t('tenant.backend.local') },
          ...(link?.loginVia ? [{ label: t.t('tenant.field.login'), value: loginPath(t, link.loginVia) }] : []),
        ],
      },
    ]),
  };
};

const audit: Handlers['audit'] = async ({ services, args, t }) => {
  if (args.export) {
    if (args.count !== undefined) return answer(t.t('tenant.audit.exportWithCount'));
    return exportAudit(services, t, args.export);
  }
  const n = args.count ?? 20;
  const entries = await services.audit.latest(n);
  if (entries.length === 0) return answer(t.t('tenant.audit.empty'));
  const rows = entries.map((e) => [whenOf(services.timeZone, e.at, t.locale), e.actor, e.action, e.target, t.t('tenant.audit.outcome', { outcome: e.outcome }), auditDetail(t, e)]);
  const columns = [
    t.t('tenant.column.when', { timeZone: services.timeZone }),
    ...(['who', 'what', 'target', 'outcome', 'detail'] as const).map((c) => t.t(`tenant.column.${c}`)),
  ];
  return { kind: 'reply', reply: reply([text(t.t('tenant.audit.head', { n: entries.length })), { type: 'table', columns, rows }]) };
};

/**
 * `/tenant audit export`: every entry kept (from `since`), as exported events, written a page at a time
 * to a private file (mode 600) the adapter delivers privately; the reply says how many and between which
 * times, in the reader's style and zone. The file's times are UTC.
 */
async function exportAudit(services: Services, t: Translator, exp: AuditExportArgs): Promise<Outcome> {
  const day = new Date(services.now()).toISOString().slice(0, 10);
  const name = `audit-${services.audit.project.replace(/[^A-Za-z0-9_.-]/g, '_')}-${day}.${exp.format}`;
  // A new file of its own (never an existing one: `wx`), readable by the bot's user only.
  const path = join(tmpdir(), `twcc-${randomBytes(6).toString('hex')}-${name}`);
  const out = createWriteStream(path, { mode: 0o600, flags: 'wx' });
  const closed = new Promise<void>((resolve, reject) => {
    out.once('close', resolve);
    out.once('error', reject);
  });
  const write = async (chunk: string): Promise<void> => {
    if (!out.write(chunk)) await once(out, 'drain');
  };
  let summary;
  try {
    if (exp.format === 'csv') await write(csvHeader());
    summary = await services.audit.export(exp.since, (e) => write(exp.format === 'csv' ? toCsvLine(e) : toJsonLine(e)));
  } finally {
    out.end();
    await closed;
  }
  const { size } = await stat(path);
  const when = (iso: string | undefined) => (iso ? whenOf(services.timeZone, iso, t.locale) : '');
  const said = t.t('tenant.audit.exported', { format: exp.format === 'csv' ? 'CSV' : 'JSON Lines', n: summary.entries, first: when(summary.first), last: when(summary.last), file: name });
  const contentType = exp.format === 'csv' ? 'text/csv' : 'application/x-ndjson';
  return { kind: 'reply', reply: reply([text(said), { type: 'file', file: { name, path, contentType, bytes: size, temporary: true } }]) };
}

/** An audit time in the deployment's zone, to the second; the date written as the reader writes dates (`2026/12/03` in zh-TW). */
function whenOf(timeZone: string, iso: string, locale: string): string {
  const dash = locale === 'zh-TW' ? '/' : '-';
  if (timeZone === 'UTC') return iso.slice(0, 19).replace('T', ' ').replaceAll('-', dash);
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' })
      .formatToParts(new Date(iso))
      .map((x) => [x.type, x.value]),
  );
  return `${p.year}${dash}${p.month}${dash}${p.day} ${p.hour}:${p.minute}:${p.second}`;
}

/** `/tenant lang zh-TW|en|auto`: the member's own language wins over the platform's; `auto` follows the platform. */
const lang: Handlers['lang'] = async ({ services, user, args, platformLocale }) => {
  await services.locales.set(user, args.language);
  if (args.language === 'auto') return answer(services.locales.platformTranslator(platformLocale).t('tenant.lang.auto'));
  // Said in the language just chosen: the answer itself shows the choice took effect.
  return answer(translator(args.language, services.timeZone).t('tenant.lang.set'));
};

export const tenantHandlers: Handlers = { login, logout, link, unlink, members, whoami, audit, lang };
