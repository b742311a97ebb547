import type { ApiKey } from '../../backends/port.js';
import { auditBase } from '../../core/audit.js';
import type { HandlersFor } from '../../core/feature.js';
import { confirmationCard } from '../../core/flows/cards.js';
import { formatDate, formatExpiry } from '../../core/format.js';
import { describeError, listOf } from '../../core/i18n.js';
import { memberOfMention } from '../../core/mentions.js';
import { answer } from '../../core/outcome.js';
import { mayManageMember } from '../../core/policy.js';
import { reply, text } from '../../core/reply.js';
import { extendKeyBy } from './extend.js';
import type { MessageId, Translator } from './messages.js';
import type { apikeySpec } from './spec.js';

type Handlers = HandlersFor<typeof apikeySpec, MessageId>;
const say = (message: string) => answer(reply(message));
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

const list: Handlers['list'] = async ({ services, user, actor, args, t }) => {
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

const create: Handlers['create'] = async ({ services, user, where, actor, t }) => {
  const created = await services.changing(services.backend.createKey(actor));
  const base = auditBase(user, where, actor);
  if (!created.ok) {
    await services.audit.append({ ...base, action: 'key.created', target: actor.memberId, outcome: 'failed', detail: created.code });
    return say(describeError(t, created.code, created.detail));
  }
  const { key, secret } = created.value;
  await services.audit.append({ ...base, action: 'key.created', target: key.id, outcome: 'ok' });
  await services.publish({ type: 'key.created', keyId: key.id, owner: actor.memberId });
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


/** Asks for the click first; the keys are read once here, for the card, and checked again by the backend at deletion. */
const remove: Handlers['delete'] = async ({ services, user, where, actor, args, t }) => {
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

/** The handlers of `/apikey`; KEY_MAX_DAYS bounds `extend`. */
export const apikeyHandlers = (keyMaxDays: number): Handlers => ({
  list,
  create,
  extend: async (ctx) => say(await extendKeyBy(ctx, ctx.args['key-id'], ctx.args.days, keyMaxDays)),
  delete: remove,
});
