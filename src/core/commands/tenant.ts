import type { LoginVia } from '../../backends/port.js';
import { auditBase } from '../audit.js';
import type { CommandHandler, Services } from '../context.js';
import { describeError, texts } from '../i18n.js';
import type { LoginInvocation } from '../invocation.js';
import type { Outcome } from '../outcome.js';
import { reply, text } from '../reply.js';
import { reminderSettingTexts } from '../reminders/texts.js';
import type { HandlerTable, Sub } from './types.js';

const answer = (message: string): Outcome => ({ kind: 'reply', reply: reply(message) });

const login: CommandHandler<Sub<'tenant', 'login'>> = async ({ services }) => {
  if (!services.backend.capabilities.login) return answer(describeError('login_unsupported'));
  return { kind: 'login-modal', title: 'Link your TWCC account', label: 'Your TWCC API key', placeholder: 'Paste the key from the TWCC portal' };
};

/** The login modal's submission: the backend checks the key and says who it belongs to. */
export async function completeLogin(services: Services, inv: LoginInvocation): Promise<Outcome> {
  if (!services.backend.capabilities.login) return answer(describeError('login_unsupported'));
  const key = inv.apiKey.trim();
  if (!/^[\x21-\x7e]{8,256}$/.test(key)) return answer('That does not look like a TWCC API key; nothing was saved.');
  const who = await services.backend.login(`${inv.user.platform}:${inv.user.userId}`, key);
  const base = auditBase(inv.user, inv.where, undefined);
  if (!who.ok) {
    await services.audit.append({ ...base, action: 'link.login', target: `${inv.user.platform}:${inv.user.userId}`, outcome: 'failed', detail: who.code });
    const why =
      who.code === 'credential_invalid'
        ? `TWCC did not accept that key${who.detail?.toLowerCase().includes('expired') ? ' (it has expired)' : ''}.`
        : describeError(who.code, who.detail);
    return answer(`Login failed: ${why} Nothing was saved.`);
  }
  const { memberId, username, role, via } = who.value;
  await services.identity.save(inv.user, memberId, role, 'login', { username, roleCheckedAt: services.now(), loginVia: via });
  await services.audit.append({ ...base, member: memberId, action: 'link.login', target: memberId, outcome: 'ok', detail: role });
  return answer(`You are linked to TWCC user \`${username}\` as ${role === 'admin' ? 'a tenant admin' : 'a tenant user'}. Your key is stored encrypted; \`/tenant logout\` forgets it.`);
}

const logout: CommandHandler<Sub<'tenant', 'logout'>> = async ({ services, user, where, actor }) => {
  // On the embedded registry an admin made the link, and only an admin can make it again.
  if (!services.backend.capabilities.login && actor && actor.role !== 'admin') {
    return answer(
      'On the embedded registry a tenant admin links you, and only an admin can link you again, so `/tenant logout` is for admins. ' +
        'To be unlinked, ask an admin to run `/tenant unlink @you`. Nothing was changed.',
    );
  }
  await services.backend.logout(`${user.platform}:${user.userId}`);
  const removed = await services.identity.remove(user.platform, user.userId);
  if (removed) await services.audit.append({ ...auditBase(user, where, actor), action: 'link.logout', target: actor?.memberId ?? '-', outcome: 'ok' });
  return answer(removed ? 'You are logged out: your link and stored credential are gone.' : 'You were not linked; nothing to forget.');
};

const link: CommandHandler<Sub<'tenant', 'link'>> = async ({ services, user, where, actor, args }) => {
  if (!services.backend.capabilities.adminLinks) return answer(describeError('link_unsupported'));
  const mention = args.user;
  const memberId = args.member.toLowerCase();
  const label = `@${mention.name ?? mention.userId}`;
  // ADMINS keeps a person an admin whatever a link says: refuse a role that would not hold.
  const pinned = services.identity.isPinnedAdmin({ platform: user.platform, userId: mention.userId });
  if (pinned && args.role === 'user') {
    return answer(`${label} is listed in ADMINS, which keeps them a tenant admin: they cannot be linked as user. Remove them from ADMINS and restart the bot first. Nothing was changed.`);
  }
  const role = pinned ? 'admin' : (args.role ?? 'user');
  const target = { platform: user.platform, userId: mention.userId, ...(mention.name ? { name: mention.name } : {}) };
  const linking = await services.identity.link(target, memberId, role, `${user.platform}:${user.userId}`);
  if (!linking.ok) return answer(describeError(linking.code, linking.detail));
  const { previous, others } = linking.value;
  await services.audit.append({
    ...auditBase(user, where, actor),
    action: 'link.created',
    target: `${user.platform}:${mention.userId}`,
    outcome: 'ok',
    detail: `${memberId} as ${role}${previous ? ` (was ${previous.memberId} as ${previous.role})` : ''}`,
  });
  const linked = `Linked ${label} to member \`${memberId}\` as ${role}.${pinned && !args.role ? ' (ADMINS keeps them an admin.)' : ''}`;
  if (others.length === 0) return answer(linked);
  return answer(`${linked} ${texts.sameMember(memberId, others.map((l) => `${l.platform}:${l.name ?? l.userId}`))}`);
};

const unlink: CommandHandler<Sub<'tenant', 'unlink'>> = async ({ services, user, where, actor, args }) => {
  const mention = args.user;
  const label = `@${mention.name ?? mention.userId}`;
  const existing = await services.identity.linkOf(user.platform, mention.userId);
  if (!existing) return answer(`${label} is not linked; nothing was changed.`);
  if (existing.chatKey === actor.chatKey) return answer('You cannot unlink yourself here; use `/tenant logout`.');
  await services.identity.remove(user.platform, mention.userId);
  await services.backend.logout(existing.chatKey);
  await services.audit.append({ ...auditBase(user, where, actor), action: 'link.removed', target: existing.chatKey, outcome: 'ok', detail: existing.memberId });
  return answer(`Unlinked ${label} (was member \`${existing.memberId}\`).`);
};

const members: CommandHandler<Sub<'tenant', 'members'>> = async ({ services, actor }) => {
  const list = await services.backend.listMembers(actor);
  if (!list.ok) return answer(describeError(list.code, list.detail));
  const links = await services.identity.all();
  const rows = list.value.map((m) => {
    const mine = links.filter((l) => l.memberId === m.id);
    const role = mine.some((l) => l.role === 'admin') ? 'admin' : mine.length ? 'user' : '-';
    return [m.username, role, mine.map((l) => `${l.platform}:${l.name ?? l.userId}`).join(', ') || '(not linked)'];
  });
  if (rows.length === 0) return answer('No tenant members yet. `/tenant link @user <member>` adds one.');
  const remindersOff = new Set(await services.reminderOptOut.off(list.value.map((m) => m.id)));
  const offNames = list.value.filter((m) => remindersOff.has(m.id)).map((m) => m.username);
  const offNote = offNames.length > 0 ? [text(reminderSettingTexts.membersOff(offNames))] : [];
  return { kind: 'reply', reply: reply([text(`${rows.length} member${rows.length === 1 ? '' : 's'}:`), { type: 'table', columns: ['member', 'role', 'chat'], rows }, ...offNote]) };
};

/** How `/tenant whoami` names the path the backend's login took. */
const loginPaths: Record<LoginVia, string> = {
  'users-endpoint': 'through TWCC’s users endpoint (/api/v2/users/)',
  'v3-fallback': 'through TWCC’s v3 project and quota calls (the users endpoint did not answer)',
};

const whoami: CommandHandler<Sub<'tenant', 'whoami'>> = async ({ services, user, actor }) => {
  if (!actor) {
    const how = services.backend.capabilities.login ? 'Run `/tenant login` with your own TWCC API key.' : 'Ask a tenant admin to run `/tenant link @you <member>`.';
    return answer(`You (${user.platform}:${user.userId}) are not linked to a tenant member. ${how}`);
  }
  const link = await services.identity.linkOf(user.platform, user.userId);
  return {
    kind: 'reply',
    reply: reply([
      {
        type: 'fields',
        fields: [
          { label: 'Chat user', value: `${user.platform}:${user.name ?? user.userId}` },
          { label: 'Member', value: link?.username ?? actor.memberId },
          { label: 'Role', value: actor.role },
          { label: 'Backend', value: services.backend.name === 'twcc' ? 'TWCC' : 'embedded registry' },
          ...(link?.loginVia ? [{ label: 'Login', value: loginPaths[link.loginVia] }] : []),
        ],
      },
    ]),
  };
};

const audit: CommandHandler<Sub<'tenant', 'audit'>> = async ({ services, args }) => {
  const n = args.count ?? 20;
  const entries = await services.audit.latest(n);
  if (entries.length === 0) return answer('The audit log is empty.');
  const rows = entries.map((e) => [e.at.slice(0, 19).replace('T', ' '), e.actor, e.action, e.target, e.outcome, e.detail ?? '']);
  return {
    kind: 'reply',
    reply: reply([text(`Latest ${entries.length} change${entries.length === 1 ? '' : 's'}:`), { type: 'table', columns: ['when (UTC)', 'who', 'what', 'target', 'outcome', 'detail'], rows }]),
  };
};

export const tenantHandlers: HandlerTable<'tenant'> = { login, logout, link, unlink, members, whoami, audit };
