import type { ApiKey } from '../../backends/port.js';
import { describeError } from '../i18n.js';
import { formatDate, formatExpiry } from '../format.js';
import type { Outcome } from '../outcome.js';
import { mayManageMember } from '../policy.js';
import { reply, text, type Reply } from '../reply.js';
import { auditBase, type CommandContext, type CommandHandler } from '../services.js';
import { memberOfMention } from './members.js';
import { confirmationCard } from './confirmation-flow.js';

const answer = (r: Reply | string): Outcome => ({ kind: 'reply', reply: typeof r === 'string' ? reply(r) : r });

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

const list: CommandHandler = async ({ services, user, actor, args }) => {
  let memberId = actor!.memberId;
  let whose = 'You have';
  const mention = args.optional('member', 'mention');
  if (mention) {
    const m = await memberOfMention(services, user, mention);
    if (!m.ok) return answer(m.message);
    if (!mayManageMember(actor!, m.memberId)) return answer('Only a tenant admin may list another member’s keys.');
    memberId = m.memberId;
    if (memberId !== actor!.memberId) whose = `${m.label} has`;
  }
  const keys = await services.backend.listKeys(actor!, memberId);
  if (!keys.ok) return answer(describeError(keys.code, keys.detail));
  if (keys.value.length === 0) return answer(`${whose} no API keys. \`/apikey create\` makes one.`);
  const now = services.now();
  return answer(
    reply([
      text(`${whose} ${keys.value.length} API key${keys.value.length === 1 ? '' : 's'}:`),
      { type: 'table', columns: ['id', 'key', 'project', 'created', 'expires'], rows: keys.value.map((k) => keyRow(k, now)) },
    ]),
  );
};

const create: CommandHandler = async ({ services, user, where, actor }) => {
  const created = await services.backend.createKey(actor!);
  const base = auditBase(user, where, actor);
  if (!created.ok) {
    await services.audit.append({ ...base, action: 'key.created', target: actor!.memberId, outcome: 'failed', detail: created.code });
    return answer(describeError(created.code, created.detail));
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

const extend: CommandHandler = async ({ services, user, where, actor, args }) => {
  const keyId = args.get('key-id', 'keyId');
  const days = args.get('days', 'days');
  const before = await services.backend.getKey(actor!, keyId);
  if (!before.ok) return answer(`\`${keyId}\`: ${describeError(before.code, before.detail)}`);
  const after = await services.backend.extendKey(actor!, keyId, days);
  const base = auditBase(user, where, actor);
  if (!after.ok) {
    await services.audit.append({ ...base, action: 'key.extended', target: keyId, outcome: 'failed', detail: after.code });
    return answer(`\`${keyId}\`: ${describeError(after.code, after.detail)}`);
  }
  // The backend read the key back: say only what it shows.
  const { verdict, shown, answer: said } = after.value;
  const now = services.now();
  const shows = shown && !shown.unknown?.includes('expires') ? formatExpiry(shown.expiresAt, now) : 'unknown';
  const outcome = verdict === 'applied' ? 'ok' : verdict === 'not_applied' ? 'failed' : 'unknown';
  await services.audit.append({ ...base, action: 'key.extended', target: keyId, outcome, detail: `+${days}d ${verdict} → ${shown ? (shown.expiresAt ?? 'never') : 'unknown'}` });
  const was = formatExpiry(before.value.expiresAt, now);
  if (verdict === 'applied') return answer(`Key \`${keyId}\` now expires ${shows} (was ${was}).`);
  const twccSaid = said ? ` (TWCC answered: ${said})` : '';
  if (verdict === 'not_applied') return answer(`Key \`${keyId}\` was not extended: TWCC still shows it expiring ${shows}.${twccSaid}`);
  return answer(`Key \`${keyId}\` may or may not have been extended: TWCC now shows it expiring ${shows} (was ${was}).${twccSaid} Check with \`/apikey list\` before trying again.`);
};

const remove: CommandHandler = async ({ services, user, where, actor, args }: CommandContext) => {
  const keyIds = args.get('key-id', 'keyIds');
  const keys: ApiKey[] = [];
  for (const id of keyIds) {
    const k = await services.backend.getKey(actor!, id);
    if (!k.ok) return answer(`\`${id}\`: ${describeError(k.code, k.detail)} Nothing was deleted.`);
    keys.push(k.value);
  }
  const pending = await services.confirmations.create({ action: 'apikey.delete', requester: user, where, args: { keyIds } });
  return answer(confirmationCard(pending, keys));
};

export const apikeyHandlers: Record<string, CommandHandler> = { list, create, extend, delete: remove };
