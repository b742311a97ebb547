import type { Services } from './services.js';
import type { Translator } from './i18n/translator.js';
import type { ChatUser, MentionRef } from './invocation.js';

/**
 * A mention names a chat user on the caller's platform; it counts only once linked to a member. The
 * message says only that: reads must not claim "nothing was changed", writes add what they did not do.
 */
export async function memberOfMention(
  services: Services,
  t: Translator,
  caller: ChatUser,
  mention: MentionRef,
): Promise<{ ok: true; memberId: string; label: string } | { ok: false; message: string }> {
  const link = await services.identity.linkOf(caller.platform, mention.userId);
  const label = `@${mention.name ?? link?.name ?? mention.userId}`;
  if (!link) return { ok: false, message: t.t('mention.notLinked', { label }) };
  return { ok: true, memberId: link.memberId, label };
}
