import type { ApiKey } from '../../backends/port.js';
import { auditBase } from '../audit.js';
import type { CommandContext, CommandHandler } from '../context.js';
import { confirmationCard } from '../flows/decide.js';
import { formatDate, formatExpiry } from '../format.js';
import { describeError } from '../i18n.js';
import { answer } from '../outcome.js';
import { mayManageMember } from '../policy.js';
import { reply, text } from '../reply.js';
import { remindersCommand } from '../reminders/command.js';
import { memberOfMention } from './members.js';
import type { HandlerTable, Sub } from './types.js';

const say = (message: string) => answer(reply(message));
const DAY_MS = 24 * 60 * 60 * 1000;
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** A field the backend could not read shows as `unknown`; a disabled key says so; a named key shows its name. */
function keyRow(k: ApiKey, now: number): string[] {
  const unknown = (field: NonNullable<ApiKey['unknown']>[number]) => k.unknown?.includes(field) ?? false;
  return [
    k.disabled ? `${k.id} (disabled)` : k.id,
    k.name ? `${k.name} ${k.masked}` : k.masked,
    unknown('project') ? 'unknown' : k.project,
    unknown('created') ? 'unknown' : formatDate(k.createdAt),
    unknown('expires') ? 'unknown' : formatExpiry(k.expiresAt, now),
  ];
}

const list: CommandHandler<Sub<'apikey', 'list'>> = async ({ services, user, actor, args }) => {
  let memberId = actor.memberId;
  let whose = 'You have';
  if (args.member) {
    const m = await memberOfMention(services, user, args.member);
    if (!m.ok) return say(m.message);
    if (!mayManageMember(actor, m.memberId)) return say('Only a tenant admin may list another member’s keys.');
    memberId = m.memberId;
    if (memberId !== actor.memberId) whose = `${m.label} has`;
  }
  const keys = await services.backend.listKeys(actor, memberId);
  if (!keys.ok) return say(describeError(keys.code, keys.detail));
  if (keys.value.length === 0) return say(`${whose} no API keys. \`/apikey create\` makes one.`);
  const now = services.now();
  return answer(
    reply([
      text(`${whose} ${plural(keys.value.length, 'API key')}:`),
      { type: 'table', columns: ['id', 'key', 'project', 'created', 'expires'], rows: keys.value.map((k) => keyRow(k, now)) },
    ]),
  );
};

const create: CommandHandler<Sub<'apikey', 'create'>> = async ({ services, user, where, actor }) => {
  const created = await services.backend.createKey(actor);
  const base = auditBase(user, where, actor);
  if (!created.ok) {
    await services.audit.append({ ...base, action: 'key.created', target: actor.memberId, outcome: 'failed', detail: created.code });
    return say(describeError(created.code, created.detail));
  }
  const { key, secret } = created.value;
  await services.audit.append({ ...base, action: 'key.created', target: key.id, outcome: 'ok' });
  return answer(
    reply(
      [
        text(`New API key \`${key.id}\` created. Copy the secret now: it is shown this once, only to you.`),
        text(`\`${secret}\``),
        { type: 'fields', fields: [{ label: 'Project', value: key.project }, { label: 'Expires', value: formatExpiry(key.expiresAt, services.now()) }] },
      ],
      'ephemeral',
      { secret: true },
    ),
  );
};

const extend: CommandHandler<Sub<'apikey', 'extend'>> = async (ctx) => say(await extendKeyBy(ctx, ctx.args['key-id'], ctx.args.days));

/** `/apikey extend`, and a reminder's Extend button: the KEY_MAX_DAYS limit, the write, its read-back, the audit. */
export async function extendKeyBy({ services, user, where, actor }: Omit<CommandContext<Sub<'apikey', 'extend'>>, 'args'>, keyId: string, days: number): Promise<string> {
  const before = await services.backend.getKey(actor, keyId);
  if (!before.ok) return `\`${keyId}\`: ${describeError(before.code, before.detail)}`;
  const now = services.now();
  // The limit is on the resulting expiry: days are added to the later of today and the current expiry
  // (an expiry the backend could not read counts as today: the backend's own limit then applies).
  const readable = before.value.expiresAt && !before.value.unknown?.includes('expires') ? Date.parse(before.value.expiresAt) : Number.NaN;
  const from = Number.isNaN(readable) ? now : Math.max(now, readable);
  const most = Math.floor((now + services.keyMaxDays * DAY_MS - from) / DAY_MS);
  if (days > most) {
    const limit = `a key may expire at most ${plural(services.keyMaxDays, 'day')} from today`;
    const was = formatExpiry(before.value.expiresAt, now);
    return most < 1
      ? `Key \`${keyId}\` expires ${was}: ${limit}, so it cannot be extended now. Nothing was changed.`
      : `Key \`${keyId}\` expires ${was}, and ${limit}: the most you can add now is ${plural(most, 'day')}. Nothing was changed.`;
  }
  const after = await services.backend.extendKey(actor, keyId, days);
  const base = auditBase(user, where, actor);
  if (!after.ok) {
    await services.audit.append({ ...base, action: 'key.extended', target: keyId, outcome: 'failed', detail: after.code });
    return `\`${keyId}\`: ${describeError(after.code, after.detail)}`;
  }
  // The backend read the key back: say only what it shows.
  const { verdict, shown, answer: said } = after.value;
  const shows = shown && !shown.unknown?.includes('expires') ? formatExpiry(shown.expiresAt, now) : 'unknown';
  const outcome = verdict === 'applied' ? 'ok' : verdict === 'not_applied' ? 'failed' : 'unknown';
  await services.audit.append({ ...base, action: 'key.extended', target: keyId, outcome, detail: `+${days}d ${verdict} → ${shown ? (shown.expiresAt ?? 'never') : 'unknown'}` });
  const was = formatExpiry(before.value.expiresAt, now);
  if (verdict === 'applied') return `Key \`${keyId}\` now expires ${shows} (was ${was}).`;
  const twccSaid = said ? ` (TWCC answered: ${said})` : '';
  if (verdict === 'not_applied') return `Key \`${keyId}\` was not extended: TWCC still shows it expiring ${shows}.${twccSaid}`;
  return `Key \`${keyId}\` may or may not have been extended: TWCC now shows it expiring ${shows} (was ${was}).${twccSaid} Check with \`/apikey list\` before trying again.`;
}

/** Asks for the click first; the keys are read once here, for the card, and checked again by the backend at deletion. */
const remove: CommandHandler<Sub<'apikey', 'delete'>> = async ({ services, user, where, actor, args }) => {
  const keyIds = args['key-id'];
  const keys: ApiKey[] = [];
  for (const id of keyIds) {
    const k = await services.backend.getKey(actor, id);
    if (!k.ok) return say(`\`${id}\`: ${describeError(k.code, k.detail)} Nothing was deleted.`);
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
  });
  const n = keys.length;
  const names = keys.map((k) => `\`${k.id}\` (${k.masked})`).join(', ');
  const loginWarning = login ? ` \`${login.id}\` is the key you logged in with: after deleting it the bot needs a new key, so run \`/tenant login\` with another one.` : '';
  return answer(
    confirmationCard(
      pending,
      `Delete ${plural(n, 'API key')}: ${names}? This cannot be undone; anything using ${n === 1 ? 'it' : 'them'} stops working.${loginWarning}`,
      login ? 'Delete, I will log in again' : n === 1 ? 'Delete' : `Delete ${n} keys`,
      login
        ? { title: 'Delete your login key?', text: `\`${login.id}\` is the key the bot uses for you. After this, run \`/tenant login\` with a new key.`, confirm: 'Delete it', deny: 'Keep' }
        : { title: 'Delete for good?', text: `${plural(n, 'key')} will be deleted. This cannot be undone.`, confirm: 'Delete', deny: 'Keep' },
    ),
  );
};

export const apikeyHandlers: HandlerTable<'apikey'> = { list, create, extend, delete: remove, reminders: remindersCommand };
