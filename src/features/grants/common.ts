import type { AuditEntry } from '../../core/audit.js';
import type { Services } from '../../core/feature.js';
import { listOf } from '../../core/i18n.js';
import { translator } from '../../core/i18n/translator.js';
import { reply } from '../../core/reply.js';
import { formatCount, formatMemory } from '../../core/units.js';
import type { Grant, Values } from './grant-store.js';
import type { Translator } from './messages.js';

const RESOURCES = ['cpu', 'gpu', 'memory'] as const;

/** Audit fields of what the bot does on its own for a grant (a sweep has no chat user). */
export const grantAuditBase = (g: Pick<Grant, 'member' | 'requester' | 'where'>, actor = 'bot:grants'): Pick<AuditEntry, 'actor' | 'member' | 'platform' | 'workspace' | 'channel'> => ({
  actor,
  member: g.member,
  platform: g.requester.platform,
  workspace: g.where.workspace,
  channel: g.where.channelId,
});

/** The grant's words for someone: the member's (the card's) language. */
export const grantTranslator = (services: Services, g: Pick<Grant, 'locale'>): Translator => translator(g.locale ?? 'en', services.timeZone);

export const listValues = (t: Translator, values: Values): string =>
  listOf(
    t,
    RESOURCES.flatMap((r) => (values[r] === undefined ? [] : [`${r} ${r === 'memory' ? formatMemory(values[r], t) : formatCount(values[r], t)}`])),
  );

/** A private message to each chat identity of the grant's member, in their language. */
export async function tellMember(services: Services, g: Pick<Grant, 'member'>, say: (t: Translator) => string): Promise<void> {
  for (const user of await services.identity.chatUsersOf(g.member)) {
    const t = await services.locales.translatorFor(user, undefined, { memberId: g.member });
    await services.post({ kind: 'dm', user }, reply(say(t), 'dm'));
  }
}
