import type { ApiKey } from '../../backends/port.js';
import { auditBase } from '../audit.js';
import type { CommandContext, CommandHandler } from '../context.js';
import { confirmationCard } from '../flows/decide.js';
import { formatDate, formatExpiry } from '../format.js';
import { describeError, listOf, type Translator } from '../i18n.js';
import { answer } from '../outcome.js';
import { mayManageMember } from '../policy.js';
import { reply, text } from '../reply.js';
import { remindersCommand } from '../reminders/command.js';
import { memberOfMention } from './members.js';
import type { HandlerTable, Sub } from './types.js';

const say = (message: string) => answer(reply(message));
const DAY_MS = 24 * 60 * 60 * 1000;
/** A field the backend could not read shows as `unknown`; a disabled key says so; a named key shows its name. */
function keyRow(t: Translator, k: ApiKey, now: number): string[] {
  const unknown = (field: NonNullable<ApiKey['unknown']>[number]) => k.unknown?.includes(field) ?? false;
  const notKnown = t.t('value.unknown');
  return [
    k.disabled ? t.t('apikey.disabled', { id: k.id }) : k.id,
    k.name ? `${k.name} ${k.masked}` : k.masked,
    unknown('project') ? notKnown : k.project,
    unknown('created') ? notKnown : formatDate(t, k.createdAt),
    unknown('expires') ? notKnown : formatExpiry(t, k.expiresAt, now),
  ];
}

const list: CommandHandler<Sub<'apikey', 'list'>> = async ({ services, user, actor, args, t }) => {
  let memberId = actor.memberId;
  let whose: string | undefined;
  if (args.member) {
    const m = await memberOfMention(services, t, user, args.member);
    if (!m.ok) return say(m.message);
    if (!mayManageMember(actor, m.memberId)) return say(t.t('apikey.list.othersForbidden'));
    memberId = m.memberId;
    if (memberId !== actor.memberId) whose = m.label;
  }
  const keys = await services.backend.listKeys(actor, memberId);
  if (!keys.ok) return say(describeError(t, keys.code, keys.detail));
  const n = keys.value.length;
  if (n === 0) return say(whose ? t.t('apikey.list.noneTheirs', { member: whose }) : t.t('apikey.list.noneYours'));
  const now = services.now();
  const columns = [t.t('apikey.column.id'), t.t('apikey.column.key'), t.t('apikey.column.project'), t.t('apikey.column.created'), t.t('apikey.column.expires')];
  return answer(
    reply([
      text(whose ? t.t('apikey.list.headTheirs', { member: whose, n }) : t.t('apikey.list.headYours', { n })),
      { type: 'table', columns, rows: keys.value.map((k) => keyRow(t, k, now)) },
    ]),
  );
};

const create: CommandHandler<Sub<'apikey', 'create'>> = async ({ services, user, where, actor, t }) => {
  const created = await services.backend.createKey(actor);
  const base = auditBase(user, where, actor);
  if (!created.ok) {
    await services.audit.append({ ...base, action: 'key.created', target: actor.memberId, outcome: 'failed', detail: created.code });
    return say(describeError(t, created.code, created.detail));
  }
  const { key, secret } = created.value;
  await services.audit.append({ ...base, action: 'key.created', target: key.id, outcome: 'ok' });
  return answer(
    reply(
      [
        text(t.t('apikey.created', { id: key.id })),
        text(`\`${secret}\``),
        {
          type: 'fields',
          fields: [
            { label: t.t('apikey.field.project'), value: key.project },
            { label: t.t('apikey.field.expires'), value: formatExpiry(t, key.expiresAt, services.now()) },
          ],
        },
      ],
      'ephemeral',
      { secret: true },
    ),
  );
};

const extend: CommandHandler<Sub<'apikey', 'extend'>> = async (ctx) => say(await extendKeyBy(ctx, ctx.args['key-id'], ctx.args.days));

/** `/apikey extend`, and a reminder's Extend button: the KEY_MAX_DAYS limit, the write, its read-back, the audit. */
export async function extendKeyBy({ services, user, where, actor, t }: Omit<CommandContext<Sub<'apikey', 'extend'>>, 'args' | 'platformLocale' | 'callerLink'>, keyId: string, days: number): Promise<string> {
  const before = await services.backend.getKey(actor, keyId);
  if (!before.ok) return t.t('apikey.keyError', { id: keyId, error: describeError(t, before.code, before.detail) });
  const now = services.now();
  // The limit is on the resulting expiry: days are added to the later of today and the current expiry
  // (an expiry the backend could not read counts as today: the backend's own limit then applies).
  const readable = before.value.expiresAt && !before.value.unknown?.includes('expires') ? Date.parse(before.value.expiresAt) : Number.NaN;
  const from = Number.isNaN(readable) ? now : Math.max(now, readable);
  const most = Math.floor((now + services.keyMaxDays * DAY_MS - from) / DAY_MS);
  if (days > most) {
    const limit = t.t('apikey.extend.limit', { max: services.keyMaxDays });
    const was = formatExpiry(t, before.value.expiresAt, now);
    return most < 1 ? t.t('apikey.extend.cannotNow', { id: keyId, was, limit }) : t.t('apikey.extend.atMost', { id: keyId, was, limit, most });
  }
  const after = await services.backend.extendKey(actor, keyId, days);
  const base = auditBase(user, where, actor);
  if (!after.ok) {
    await services.audit.append({ ...base, action: 'key.extended', target: keyId, outcome: 'failed', detail: after.code });
    return t.t('apikey.keyError', { id: keyId, error: describeError(t, after.code, after.detail) });
  }
  // The backend read the key back: say only what it shows.
  const { verdict, shown, answer: said } = after.value;
  const shows = shown && !shown.unknown?.includes('expires') ? formatExpiry(t, shown.expiresAt, now) : t.t('value.unknown');
  const outcome = verdict === 'applied' ? 'ok' : verdict === 'not_applied' ? 'failed' : 'unknown';
  await services.audit.append({ ...base, action: 'key.extended', target: keyId, outcome, detail: `+${days}d ${verdict} → ${shown ? (shown.expiresAt ?? 'never') : 'unknown'}` });
  const was = formatExpiry(t, before.value.expiresAt, now);
  if (verdict === 'applied') return t.t('apikey.extend.applied', { id: keyId, shows, was });
  const twccSaid = said ? t.t('apikey.extend.twccSaid', { answer: said }) : '';
  if (verdict === 'not_applied') return t.t('apikey.extend.notApplied', { id: keyId, shows, twccSaid });
  return t.t('apikey.extend.maybe', { id: keyId, shows, was, twccSaid });
}

/** Asks for the click first; the keys are read once here, for the card, and checked again by the backend at deletion. */
const remove: CommandHandler<Sub<'apikey', 'delete'>> = async ({ services, user, where, actor, args, t }) => {
  const keyIds = args['key-id'];
  const keys: ApiKey[] = [];
  for (const id of keyIds) {
    const k = await services.backend.getKey(actor, id);
    if (!k.ok) return say(t.t('apikey.delete.keyError', { id, error: describeError(t, k.code, k.detail) }));
    keys.push(k.value);
  }
  // Deleting the key the bot acts with breaks the member's next command: say so, and ask once more.
  const login = keys.find((k) => k.usedForLogin);
  const loginKeyIds = login ? [login.id] : [];
  const pending = await services.pending.create({
    flow: 'confirm',
    action: 'apikey.delete',
    requester: user,
    requesterMember: actor.memberId,
    where,
    args: { keyIds, ...(login ? { loginKeyIds } : {}) },
    locale: t.locale,
  });
  const n = keys.length;
  const names = listOf(
    t,
    keys.map((k) => t.t('apikey.delete.name', { id: k.id, masked: k.masked })),
  );
  const loginWarning = login ? t.t('apikey.delete.loginWarning', { id: login.id }) : '';
  const deny = t.t('apikey.delete.dialog.deny');
  return answer(
    confirmationCard(
      t,
      pending,
      t.t('apikey.delete.ask', { n, names, loginWarning }),
      login ? t.t('apikey.delete.buttonLogin') : t.t('apikey.delete.button', { n }),
      login
        ? { title: t.t('apikey.delete.loginDialog.title'), text: t.t('apikey.delete.loginDialog.text', { id: login.id }), confirm: t.t('apikey.delete.loginDialog.confirm'), deny }
        : { title: t.t('apikey.delete.dialog.title'), text: t.t('apikey.delete.dialog.text', { n }), confirm: t.t('apikey.delete.dialog.confirm'), deny },
    ),
  );
};

export const apikeyHandlers: HandlerTable<'apikey'> = { list, create, extend, delete: remove, reminders: remindersCommand };
